/**
 * Writes the gateway's OpenAPI document to a file, for the repository's docs (docs/openapi.json). The document is
 * built from the route schemas by a gateway over an offline exchange that is never called.
 *
 * @example
 * npx ts-node keepers/gateway/writeOpenApi.ts docs/openapi.json
 */
import { EventEmitter } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import pino from "pino";
import { ApiError, ApiErrorCode, type ExchangeApi, type ExchangeEvents } from "./api";
import { createGateway } from "./server";

function offline(): never {
  throw new ApiError(ApiErrorCode.Stopping, 503, "this gateway only documents the API");
}

/** An {@link ExchangeApi} that refuses every call: enough to build the routes and their document. */
function offlineExchange(): ExchangeApi {
  return {
    placeOrder: async () => offline(),
    cancelOrder: async () => offline(),
    cancelAll: async () => offline(),
    scheduleCancel: async () => offline(),
    markets: async () => offline(),
    book: () => offline(),
    impactPrices: () => offline(),
    orders: () => offline(),
    order: () => offline(),
    account: async () => offline(),
    trades: () => offline(),
    liquidations: {
      reserveLiquidation: async () => offline(),
      confirmLiquidation: async () => offline(),
      releaseLiquidation: async () => offline(),
    },
    events: new EventEmitter<ExchangeEvents>(),
  };
}

/** The gateway's OpenAPI 3.0 document (what GET /v1/openapi.json serves). */
export async function openApiDocument(version?: string): Promise<Record<string, unknown>> {
  const gateway = createGateway(offlineExchange(), {
    host: "127.0.0.1",
    port: 0,
    logger: pino({ level: "silent" }),
    heartbeatIntervalMs: 0,
    ...(version === undefined ? {} : { version }),
  });
  try {
    await gateway.app.ready();
    return gateway.app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await gateway.close();
  }
}

/** Writes {@link openApiDocument} to `file` as indented JSON (creating its directory). */
export async function writeOpenApi(file: string, version?: string): Promise<void> {
  const document = await openApiDocument(version);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: ts-node keepers/gateway/writeOpenApi.ts <output.json>");
    process.exit(2);
  }
  writeOpenApi(file).then(
    () => console.log(`wrote ${file}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
