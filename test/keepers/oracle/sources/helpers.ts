/**
 * Helpers of the price-source tests: a local HTTP server on 127.0.0.1 that answers recorded fixtures (so the real
 * fetch path runs, no internet), fixture loading and editing, and the PriceSourceError assertion.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { HttpSourceOptions } from "../../../../keepers/oracle/sources";
import { PriceSourceError } from "../../../../keepers/oracle/types";

/** The clock the tests give adapters: quotes of venues without timestamps carry this time. */
export const NOW_MS = 1_733_404_805_000;

/** Transport options for tests: 2 retries 1 ms apart, a 2 s timeout, the fixed clock. */
export function testOptions(server: FixtureServer, overrides: HttpSourceOptions = {}): HttpSourceOptions {
  return { baseUrl: server.baseUrl, retries: 2, retryMinDelayMs: 1, timeoutMs: 2_000, now: () => NOW_MS, ...overrides };
}

/** A recorded fixture from ./fixtures, parsed (a fresh copy each call, free to edit). */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(__dirname, "fixtures", `${name}.json`), "utf8")) as unknown;
}

/**
 * A copy of `value` with the field at `fieldPath` replaced by `replacement`, or deleted when `replacement` is
 * `DELETE`: how the tests make one field of a recorded response malformed.
 */
export function editField(value: unknown, fieldPath: readonly (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of fieldPath.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = fieldPath[fieldPath.length - 1];
  if (replacement === DELETE) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

/** Marker for {@link editField}: delete the field. */
export const DELETE = Symbol("delete");

/** What the server answers: a status with a JSON or text body, or no answer at all (`hang`). */
export type Reply = { status?: number; json?: unknown; text?: string } | { hang: true };

/** A request the server received. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. "/api/v3/ticker/bookTicker?symbol=BTCUSDT". */
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** Set when the client closed the connection before the server answered (an aborted request). */
  abortedByClient: boolean;
}

/** A local fixture server: `reply(route, ...)` sets the answers; unknown routes answer 404. */
export interface FixtureServer {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /**
   * Sets the answers to `route` ("GET /path?query" exactly as the client sends it): one per request in order, the
   * last repeated.
   */
  reply(route: string, ...replies: Reply[]): void;
  /** The requests received on `route`. */
  requestsTo(route: string): RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a {@link FixtureServer} on 127.0.0.1 on a free port. */
export async function startFixtureServer(): Promise<FixtureServer> {
  const routes = new Map<string, Reply[]>();
  const requests: RecordedRequest[] = [];
  const routeOf = (request: { method: string; url: string }) => `${request.method} ${request.url}`;

  const handle = (incoming: IncomingMessage, response: ServerResponse, body: string): void => {
    const recorded: RecordedRequest = {
      method: incoming.method ?? "",
      url: incoming.url ?? "",
      headers: incoming.headers,
      body,
      abortedByClient: false,
    };
    requests.push(recorded);
    response.on("close", () => {
      if (!response.writableFinished) recorded.abortedByClient = true;
    });
    const replies = routes.get(routeOf(recorded));
    const reply: Reply = replies === undefined ? { status: 404, json: { error: "no such route" } } : replies[0];
    if (replies !== undefined && replies.length > 1) replies.shift();
    if ("hang" in reply) return;
    const text = reply.text ?? JSON.stringify(reply.json);
    response.writeHead(reply.status ?? 200, {
      "content-type": reply.text === undefined ? "application/json" : "text/plain",
    });
    response.end(text);
  };

  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => handle(incoming, response, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    reply: (route, ...replies) => {
      if (replies.length === 0) throw new Error(`no replies given for ${route}`);
      routes.set(route, [...replies]);
    },
    requestsTo: (route) => requests.filter((request) => routeOf(request) === route),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

/**
 * Awaits `promise`, expects it to reject with a PriceSourceError of `venue` whose message contains every fragment,
 * and returns the error.
 */
export async function expectSourceError(
  promise: Promise<unknown>,
  venue: string,
  ...fragments: string[]
): Promise<PriceSourceError> {
  let failure: unknown;
  try {
    await promise;
  } catch (error) {
    failure = error;
  }
  expect(failure, "expected the fetch to fail").to.be.instanceOf(PriceSourceError);
  const error = failure as PriceSourceError;
  expect(error.venue).to.equal(venue);
  expect(error.message.startsWith(`${venue}: `), error.message).to.equal(true);
  for (const fragment of fragments) expect(error.message).to.contain(fragment);
  return error;
}

/** Resolves once `condition` holds (polled every 5 ms); fails after 5 s naming `what`. */
export async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
