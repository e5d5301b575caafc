/**
 * The operations endpoint every keeper serves: `GET /metrics` for Prometheus and `GET /health` for load balancers and
 * orchestrators (HTTP 200 only while the keeper is healthy).
 */
import type { AddressInfo } from "node:net";
import fastify from "fastify";
import { Registry, collectDefaultMetrics } from "prom-client";
import type { Logger } from "./logger";

/** The keeper's state as `/health` reports it. */
export type HealthStatus = "ok" | "degraded" | "stopping";

/** The body of `GET /health`; keepers add their own details (lag, queue depth, ...) as extra fields. */
export interface HealthReport {
  /** "ok" answers HTTP 200; "degraded" (running but behind or failing) and "stopping" (shutting down) answer 503. */
  status: HealthStatus;
  /** The keeper's name. */
  keeper: string;
  /** The last block the keeper has fully processed, or null before the first one. */
  lastProcessedBlock: number | null;
  /** Keeper-specific details; bigints are sent as decimal strings. */
  [detail: string]: unknown;
}

/** Options of {@link startOpsServer}. */
export interface OpsServerOptions {
  /** Interface to listen on (the config's `opsHost`, default loopback). */
  host: string;
  /** TCP port; 0 picks a free one (read it back from the result). */
  port: number;
  /** The registry `/metrics` exposes (see {@link createMetricsRegistry}). */
  registry: Registry;
  /** Called on every `GET /health`; a throw is reported as "degraded" with the error's message. */
  health: () => HealthReport | Promise<HealthReport>;
  /** Receives start, stop and health-check failure lines. */
  logger: Logger;
  /** The keeper's name, reported when `health` throws (default "keeper"). */
  keeper?: string;
}

/** A running ops server. */
export interface OpsServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  /** The port actually bound (useful when 0 was asked). */
  readonly port: number;
  /** Stops accepting connections and waits for open requests to finish. */
  close(): Promise<void>;
}

/**
 * A prom-client registry for one keeper: Node's default process metrics plus whatever the keeper registers, every
 * series labelled `keeper="<name>"`.
 */
export function createMetricsRegistry(keeperName: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ keeper: keeperName });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** JSON text of a health report, bigints as decimal strings. */
function healthJson(report: unknown): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

/**
 * Starts the ops HTTP server (fastify) with `GET /metrics` (Prometheus text format, the registry's content type) and
 * `GET /health` (JSON {@link HealthReport}; 200 when "ok", 503 otherwise).
 *
 * @throws when the port cannot be bound (in use, or not permitted): the error names the address.
 * @example
 * const ops = await startOpsServer({ host: config.opsHost, port: config.opsPort, registry, logger,
 *   health: () => ({ status: "ok", keeper: "indexer", lastProcessedBlock }) });
 * shutdown.add("close ops server", () => ops.close());
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { host, port, registry, health, logger, keeper = "keeper" } = options;
  const app = fastify({ logger: false });

  app.get("/metrics", async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });

  app.get("/health", async (_request, reply) => {
    let report: HealthReport;
    try {
      report = await health();
    } catch (error) {
      logger.warn({ err: error }, "health check failed");
      report = { status: "degraded", keeper, lastProcessedBlock: null, error: (error as Error).message };
    }
    return reply
      .code(report.status === "ok" ? 200 : 503)
      .type("application/json; charset=utf-8")
      .send(healthJson(report));
  });

  try {
    await app.listen({ host, port });
  } catch (error) {
    throw new Error(`ops server cannot listen on ${host}:${port}: ${(error as Error).message} (set KEEL_OPS_PORT)`, {
      cause: error,
    });
  }
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url }, "ops server listening (/metrics, /health)");
  return {
    url,
    port: address.port,
    close: async () => {
      await app.close();
      logger.info({ url }, "ops server closed");
    },
  };
}
