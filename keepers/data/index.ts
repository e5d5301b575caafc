/** Recorded market data: lookup, manifest (source URL and sha256 of each file) and download. */
export * from "./errors";
export * from "./locate";
export * from "./manifest";
