/**
 * What every keeper process does around its own job (DESIGN §10): load and validate its config, make its logger,
 * connect to the chain and the Keel deployment, serve `/metrics` and `/health`, and stop gracefully on SIGTERM or
 * SIGINT. A keeper command calls {@link runKeeper} with its schema and a `start` function that returns its health and
 * registers its shutdown steps (stop intake, flush, close — in that order).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { JsonRpcProvider, Network, Wallet } from "ethers";
import type { Command } from "commander";
import type { Registry } from "prom-client";
import type { z } from "zod";
import { ConfigError, loadConfig, type BaseConfig, type baseConfigSchema } from "./config";
import { DeploymentError, connectKeel, loadDeployment, type KeelContracts, type KeelDeployment } from "./deployment";
import { createLogger, type Logger } from "./logger";
import { createMetricsRegistry, startOpsServer, type HealthReport, type HealthStatus } from "./opsServer";
import { GracefulShutdown } from "./shutdown";
import { TxSender } from "./txSender";

/** Everything a keeper's `start` receives. */
export interface KeeperContext<C extends BaseConfig> {
  config: C;
  logger: Logger;
  /** A JSON-RPC provider pinned to the endpoint's chain id that never serves cached results. */
  provider: JsonRpcProvider;
  deployment: KeelDeployment;
  /** The contracts connected to {@link signer} when the config has a key, else to the provider. */
  contracts: KeelContracts;
  /** The keeper's key (`KEEL_PRIVATE_KEY`), when configured. */
  signer?: Wallet;
  /** Sends the keeper's transactions (≤ 8 in flight, gap healing), when it has a key; closed after its own steps. */
  sender?: TxSender;
  /** The block the PositionManager was deployed at: where indexers start. */
  deploymentBlock: number;
  metrics: Registry;
  shutdown: GracefulShutdown;
}

/** A keeper's own part of `/health`: its status, last processed block and any details. */
export interface KeeperHealth {
  status: HealthStatus;
  lastProcessedBlock: number | null;
  [detail: string]: unknown;
}

/** What a keeper's `start` returns. */
export interface StartedKeeper {
  /** The keeper's health for `/health` (status and last processed block at least). */
  health(): KeeperHealth | Promise<KeeperHealth>;
  /** Resolves when the keeper finished by itself (e.g. `--once`); otherwise it runs until a signal. */
  done?: Promise<void>;
}

/** Adds the flags every keeper command shares (each also settable by its KEEL_* variable or the config file). */
export function withKeeperOptions(command: Command): Command {
  return command
    .option("--rpc-url <url>", "JSON-RPC endpoint (KEEL_RPC_URL)")
    .option("--network <name>", "hardhat-deploy network folder (KEEL_NETWORK, default localhost)")
    .option("--ops-port <port>", "port of /metrics and /health (KEEL_OPS_PORT; 0 picks one)", Number)
    .option("--config <file>", "JSON config file (KEEL_CONFIG)");
}

/**
 * The signer and sender of a keeper started with `needsSigner` (which {@link runKeeper} guarantees).
 * @throws Error when called for a keeper without a key: a wiring mistake, not a configuration one.
 */
export function signerOf<C extends BaseConfig>(context: KeeperContext<C>): { signer: Wallet; sender: TxSender } {
  if (!context.signer || !context.sender) throw new Error("internal: a keeper that sends transactions has no key");
  return { signer: context.signer, sender: context.sender };
}

/** Options of {@link runKeeper}. */
export interface RunKeeperOptions<S extends typeof baseConfigSchema> {
  name: string;
  schema: S;
  /** The command's parsed flags: `config` names the config file, the rest win over the file and the environment. */
  flags?: Record<string, unknown>;
  /** Whether the keeper sends transactions (then `KEEL_PRIVATE_KEY` is required). */
  needsSigner: boolean;
  start(context: KeeperContext<z.output<S>>): Promise<StartedKeeper>;
  env?: Record<string, string | undefined>;
}

/**
 * Runs one keeper process; resolves with its exit code once it has stopped. Configuration and deployment problems
 * are reported as one readable message (exit code 2), never as a stack trace.
 */
export async function runKeeper<S extends typeof baseConfigSchema>(options: RunKeeperOptions<S>): Promise<number> {
  let config: z.output<S>;
  try {
    const { config: file, ...overrides } = options.flags ?? {};
    config = loadConfig(options.schema, {
      env: options.env,
      file: typeof file === "string" ? file : undefined,
      overrides,
    });
    if (options.needsSigner && !config.privateKey)
      throw new ConfigError([`privateKey: required by the ${options.name} keeper (set KEEL_PRIVATE_KEY)`]);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`keel-keeper ${options.name}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger(options.name, config.logLevel);
  let deployment: KeelDeployment;
  try {
    deployment = loadDeployment(config.deploymentsDir, config.network);
  } catch (error) {
    if (error instanceof DeploymentError) {
      logger.fatal(error.message);
      return 2;
    }
    throw error;
  }
  let provider: JsonRpcProvider;
  try {
    provider = await connectProvider(config.rpcUrl, config.pollIntervalMs, config.chainId ?? deployment.chainId);
  } catch (error) {
    if (error instanceof RpcUnreachableError) {
      logger.fatal(error.message);
      return 2;
    }
    throw error;
  }
  const signer = config.privateKey ? new Wallet(config.privateKey, provider) : undefined;
  const metrics = createMetricsRegistry(options.name);
  const sender = signer
    ? new TxSender(signer, { logger, registry: metrics, pollIntervalMs: config.pollIntervalMs })
    : undefined;
  const shutdown = new GracefulShutdown({ logger });
  const context: KeeperContext<z.output<S>> = {
    config,
    logger,
    provider,
    deployment,
    contracts: connectKeel(deployment.addresses, signer ?? provider),
    signer,
    sender,
    deploymentBlock: deploymentBlock(config.deploymentsDir, config.network),
    metrics,
    shutdown,
  };
  const started = await options.start(context);
  const ops = await startOpsServer({
    host: config.opsHost,
    port: config.opsPort,
    registry: metrics,
    logger,
    keeper: options.name,
    health: async (): Promise<HealthReport> => {
      const own = await started.health();
      return { ...own, keeper: options.name, status: shutdown.stopping ? "stopping" : own.status };
    },
  });
  logger.info({ metrics: `${ops.url}/metrics`, health: `${ops.url}/health` }, `${options.name} keeper running`);
  if (sender) shutdown.add("close the transaction sender", () => sender.close());
  shutdown.add("close ops server", () => ops.close());
  shutdown.add("close chain connection", () => provider.destroy());
  if (started.done) {
    await started.done;
    return shutdown.trigger("finished");
  }
  shutdown.install();
  return new Promise<number>(() => undefined);
}

/** No JSON-RPC node answered at the configured URL. */
export class RpcUnreachableError extends Error {
  override readonly name = "RpcUnreachableError";
}

/**
 * A provider pinned to `chainId` (or the endpoint's, asked once with a 10 s timeout so a wrong URL fails fast instead of
 * retrying forever) with result caching off: keepers decide on fresh state (a cached `nextBatchId` could make the
 * settlement keeper release a batch that landed).
 * @throws RpcUnreachableError when no node answers `eth_chainId` at `rpcUrl`.
 */
export async function connectProvider(
  rpcUrl: string,
  pollIntervalMs: number,
  chainId?: number,
): Promise<JsonRpcProvider> {
  let id = chainId === undefined ? undefined : BigInt(chainId);
  if (id === undefined) {
    try {
      const response = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        signal: AbortSignal.timeout(10_000),
      });
      id = BigInt(((await response.json()) as { result: string }).result);
    } catch (error) {
      throw new RpcUnreachableError(
        `No JSON-RPC node answers at ${rpcUrl} (${(error as Error).message}): check the RPC URL`,
      );
    }
  }
  const network = Network.from(id);
  return new JsonRpcProvider(rpcUrl, network, {
    staticNetwork: network,
    pollingInterval: pollIntervalMs,
    cacheTimeout: -1,
  });
}

/** The block hardhat-deploy recorded for the PositionManager's deployment (0 when the file has no receipt). */
export function deploymentBlock(deploymentsDir: string, network: string): number {
  const file = path.resolve(deploymentsDir, network, "PositionManager.json");
  const json = JSON.parse(readFileSync(file, "utf8")) as { receipt?: { blockNumber?: number } };
  return json.receipt?.blockNumber ?? 0;
}
