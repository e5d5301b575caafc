/**
 * Keel's typed SDK: market enums (`markets`), signed orders (`orders`), `settleBatch` calls (`batch`), signed cancel
 * and liquidation requests to the matcher (`cancels`, `liquidations`), bigint mirrors of the on-chain position math
 * (`math`) and the TypeChain (ethers v6) contract types and factories (`typechain`).
 */
export * from "./markets";
export * from "./orders";
export * from "./batch";
export * from "./cancels";
export * from "./liquidations";
export * from "./math";
export * from "./typechain";
