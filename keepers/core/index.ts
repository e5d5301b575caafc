/**
 * The shared runtime of every Keel keeper (DESIGN §10): zod-validated configuration (`config`), pino logs (`logger`),
 * `/metrics` and `/health` (`opsServer`), graceful SIGTERM/SIGINT (`shutdown`), retries of transient RPC failures only
 * (`retry`), a nonce-managing transaction sender within HyperEVM's 8-pending-nonce limit (`txSender`, `txErrors`), log queries in
 * chunks of at most 50 blocks (`logs`), and the deployed contracts (`deployment`).
 */
export * from "./config";
export * from "./logger";
export * from "./opsServer";
export * from "./shutdown";
export * from "./retry";
export * from "./txSender";
export * from "./txErrors";
export * from "./logs";
export * from "./deployment";
