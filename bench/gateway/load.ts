/**
 * A closed-loop HTTP load generator: `concurrency` workers over keep-alive connections send a fixed list of requests,
 * each worker waiting for its answer before sending the next, and record every round trip. It stops when the list is
 * exhausted. Node's own `http` client (no extra dependency); it runs in the gateway's process and competes with it
 * for the same core, which the figures' notes say.
 */
import http from "node:http";
import { msSince } from "./stats";

/** One request of a workload. */
export interface LoadRequest {
  method: "GET" | "POST";
  /** Path and query, e.g. "/v1/markets/1/book". */
  path: string;
  /** A JSON body (POST). */
  body?: string;
}

/** What one {@link runLoad} measured. */
export interface LoadResult {
  requests: number;
  elapsedMs: number;
  requestsPerSec: number;
  /** Round trip of every request (ms), in completion order. */
  latenciesMs: number[];
}

/** A request answered with a status other than the expected one: the workload is wrong, so the figure is void. */
export class UnexpectedAnswerError extends Error {
  constructor(
    readonly request: LoadRequest,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${request.method} ${request.path} answered ${status}: ${body.slice(0, 300)}`);
    this.name = "UnexpectedAnswerError";
  }
}

/**
 * Sends every request of `requests` to `baseUrl` (`http://host:port`) with `concurrency` requests in flight and
 * returns throughput and latencies. Every answer must have status `expectedStatus`.
 * @throws UnexpectedAnswerError on the first other status; the socket's error when a request fails.
 */
export async function runLoad(
  baseUrl: string,
  requests: readonly LoadRequest[],
  concurrency: number,
  expectedStatus: number,
): Promise<LoadResult> {
  const { hostname, port } = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const request = requests[next++];
      const startNs = process.hrtime.bigint();
      const answer = await send(agent, hostname, Number(port), request);
      latenciesMs.push(msSince(startNs));
      if (answer.status !== expectedStatus) throw new UnexpectedAnswerError(request, answer.status, answer.body);
    }
  };
  const startNs = process.hrtime.bigint();
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  } finally {
    agent.destroy();
  }
  const elapsedMs = msSince(startNs);
  return { requests: requests.length, elapsedMs, requestsPerSec: (requests.length * 1000) / elapsedMs, latenciesMs };
}

function send(
  agent: http.Agent,
  hostname: string,
  port: number,
  request: LoadRequest,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    if (request.body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = Buffer.byteLength(request.body);
    }
    const req = http.request({ agent, hostname, port, method: request.method, path: request.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(request.body);
  });
}
