/**
 * Keel's typed SDK: market enums (`markets`), signed orders (`orders`), `settleBatch` calls (`batch`), bigint mirrors
 * of the on-chain position math (`math`) and the TypeChain (ethers v6) contract types and factories (`typechain`).
 */
export * from "./markets";
export * from "./orders";
export * from "./batch";
export * from "./cancels";
export * from "./math";
export * from "./typechain";
