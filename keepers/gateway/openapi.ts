/**
 * The gateway's OpenAPI document: @fastify/swagger builds it from the route schemas (./routes.ts) and serves it at
 * GET /v1/openapi.json. {@link writeOpenApi} in ./writeOpenApi.ts writes it to a file for the repository's docs.
 */
import swagger from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { errorResponses } from "./schemas";

/** Title of the OpenAPI document. */
export const OPENAPI_TITLE = "Keel gateway";

const DESCRIPTION = [
  "HTTP and WebSocket API of the Keel matcher (DESIGN §10): signed orders and cancels (EIP-712, domain",
  '`{ name: "Keel", version: "1", chainId, verifyingContract: <PositionManager> }`), queries, and live feeds.',
  "",
  "Units: every price, size and amount of money is a wad integer (1e18 = 1 unit of base or 1 USD) sent as a",
  "decimal string; uint64/uint128 fields are range-checked. Addresses are 0x hex (EIP-55 checksum when mixed",
  "case), hashes 32-byte 0x hex.",
  "",
  'Errors: `{ "error": { "code", "message", "details"? } }` with 400 invalid (the message names the field),',
  "401 bad signature, 403 forbidden, 404 unknown, 409 conflict, 413 too large, 415 not JSON, 422 refused by risk checks,",
  "429 too many, 503 shutting down, 500 internal (with a request id).",
  "",
  "WebSocket: GET /v1/ws; see that operation and keepers/gateway/README.md for the message protocol.",
].join("\n");

/** Registers @fastify/swagger on `app` (before any route, so that it sees them all). */
export function registerOpenApi(app: FastifyInstance, version: string): void {
  // Loaded with the other plugins on ready(); a failure surfaces there.
  void app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: OPENAPI_TITLE, version, description: DESCRIPTION },
      tags: [
        { name: "orders", description: "Signed orders." },
        { name: "cancels", description: "Signed cancel requests and the dead-man switch." },
        { name: "liquidations", description: "The liquidation desk: book liquidity for liquidators (DESIGN §8)." },
        { name: "markets", description: "Markets, books and trades." },
        { name: "accounts", description: "Margin state and orders of an account." },
        { name: "stream", description: "WebSocket feeds." },
        { name: "meta", description: "This document." },
      ],
    },
  });
}

/** Adds GET /v1/openapi.json, serving the generated document. */
export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get(
    "/v1/openapi.json",
    {
      schema: {
        tags: ["meta"],
        operationId: "openApi",
        summary: "This OpenAPI document",
        response: {
          200: { type: "object", additionalProperties: true, description: "OpenAPI 3.0 document." },
          ...errorResponses(500),
        },
      },
    },
    async () => app.swagger(),
  );
}
