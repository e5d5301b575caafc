/**
 * Starts a gateway over a {@link FakeExchange} on 127.0.0.1, port 0, with a logger that records every line, and
 * raw HTTP helpers that show exactly what goes over the wire (status and parsed JSON).
 */
import { Writable } from "node:stream";
import pino from "pino";
import { GatewayClient } from "../../../keepers/gateway/client";
import { createGateway, type Gateway, type GatewayAddress, type GatewayOptions } from "../../../keepers/gateway/server";
import { FakeExchange } from "./fakeExchange";

/** A running gateway and what the tests need around it. */
export interface Harness {
  exchange: FakeExchange;
  gateway: Gateway;
  address: GatewayAddress;
  client: GatewayClient;
  /** Every log line, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** Starts a gateway (heartbeat off) over a fresh fake exchange; `options` override the defaults. */
export async function startGateway(options: Partial<GatewayOptions> = {}): Promise<Harness> {
  const exchange = new FakeExchange();
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const gateway = createGateway(exchange, {
    host: "127.0.0.1",
    port: 0,
    logger: pino({ level: "debug" }, sink),
    heartbeatIntervalMs: 0,
    ...options,
  });
  const address = await gateway.listen();
  return { exchange, gateway, address, client: new GatewayClient(address.url), logs, close: () => gateway.close() };
}

/** A raw HTTP answer. */
export interface RawResponse {
  status: number;
  /** The parsed body (undefined if it was not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  headers: Headers;
}

/** Sends `body` as is (a string) or JSON-encoded (anything else) with `content-type` (default application/json). */
export async function http(
  url: string,
  init: { method?: string; body?: unknown; contentType?: string } = {},
): Promise<RawResponse> {
  const body =
    init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers: body === undefined ? {} : { "content-type": init.contentType ?? "application/json" },
    body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}
