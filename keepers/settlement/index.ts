/**
 * The settlement keeper (DESIGN §5, §10): the SQLite journal shared with the matcher, the settlement pipeline
 * (simulate → journal → send → confirm, with bad fills isolated and the journal reconciled with the chain), and the
 * `keel-keeper settlement` command.
 */
export * from "./errors";
export * from "./journal";
export * from "./revert";
export * from "./chain";
export * from "./simulate";
export * from "./transactions";
export * from "./verify";
export * from "./failpoint";
export * from "./metrics";
export * from "./pipeline";
export { registerSettlementCommand, runSettlement, positionManagerAddress, SettlementConfigError } from "./command";
export type { SettlementCliOptions } from "./command";
