/** Replays of the recorded market data files (../shared/data), one reader per format. */
export * from "./binanceBookDepth";
export * from "./binanceFunding";
export * from "./binanceKlines";
export * from "./csv";
export * from "./decimal";
export * from "./deribitHistory";
export * from "./errors";
export * from "./load";
export * from "./polymarketTrades";
export * from "./tardisTrades";
export * from "./timeline";
