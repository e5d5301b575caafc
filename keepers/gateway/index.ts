/**
 * Keel's order gateway (DESIGN §10): the {@link ExchangeApi} contract a service implements, the Fastify HTTP and
 * WebSocket server in front of it, its schemas and OpenAPI document, and a typed client.
 */
export * from "./api";
export * from "./server";
export * from "./client";
export { writeOpenApi, openApiDocument } from "./writeOpenApi";
export { toWire, fromWire, type Wire } from "./wire";
export {
  CHANNELS,
  type Channel,
  MAX_BOOK_DEPTH,
  DEFAULT_BOOK_DEPTH,
  MAX_LIST_LIMIT,
  DEFAULT_LIST_LIMIT,
} from "./schemas";
export { CloseCode, type StreamHub } from "./stream";
export type { RateLimit } from "./rateLimit";
