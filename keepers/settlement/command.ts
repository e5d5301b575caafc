/**
 * `keel-keeper settlement`: the settlement keeper's command line (DESIGN §10).
 *
 * Config comes from flags and environment variables parsed here with commander; the keeper core's zod config is to
 * replace {@link SettlementCliOptions} parsing, and its logger/provider/signer factories the small helpers below.
 * The private key is read from `KEEL_PRIVATE_KEY` only, never from a flag (flags show up in `ps`).
 */
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { Wallet, getAddress, isAddress, type JsonRpcProvider } from "ethers";
import type { Registry } from "prom-client";
import type { LogLevel } from "../core/config";
import { createLogger, type Logger } from "../core/logger";
import { createMetricsRegistry, startOpsServer } from "../core/opsServer";
import { RpcUnreachableError, connectProvider } from "../core/runtime";
import { GracefulShutdown } from "../core/shutdown";
import { PositionManager__factory, type PositionManager } from "../sdk/typechain";
import { failpointFromSpec } from "./failpoint";
import { Journal } from "./journal";
import { createSettlementMetrics } from "./metrics";
import { DEFAULT_GAS_BUDGET, SettlementPipeline } from "./pipeline";
import { verifyOrders } from "./verify";

/** The parsed options of `keel-keeper settlement`. */
export interface SettlementCliOptions {
  rpcUrl: string;
  journal: string;
  positionManager?: string;
  deployments?: string;
  network?: string;
  gasBudget: bigint;
  maxFills: number;
  confirmations: number;
  pollIntervalMs: number;
  once?: boolean;
  reconcileOnly?: boolean;
  logLevel: string;
  /** Interface and port of `/metrics` and `/health` (port 0 picks a free one). */
  opsHost: string;
  opsPort: number;
  /** Where the pipeline's metrics go (the keeper core serves it on `/metrics`); a private registry when absent. */
  metricsRegistry?: Registry;
}

/** A setting is missing or malformed; the message names it and how to fix it. */
export class SettlementConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettlementConfigError";
  }
}

/** Adds the `settlement` subcommand to `program` (the `keel-keeper` CLI) and returns it. */
export function registerSettlementCommand(program: Command): Command {
  return program
    .command("settlement")
    .description(
      "settle journaled fills in gas-budgeted settleBatch transactions; reconciles the journal with the chain first",
    )
    .addOption(new Option("--rpc-url <url>", "JSON-RPC endpoint").env("KEEL_RPC_URL").default("http://127.0.0.1:8545"))
    .addOption(
      new Option("--journal <path>", "SQLite journal shared with the matcher")
        .env("KEEL_JOURNAL")
        .default("./data/journal.sqlite"),
    )
    .addOption(
      new Option("--position-manager <address>", "PositionManager address (or --deployments with --network)")
        .env("KEEL_POSITION_MANAGER")
        .argParser(parseAddress),
    )
    .option("--deployments <dir>", "hardhat-deploy directory holding <network>/PositionManager.json")
    .option("--network <name>", "network folder under --deployments")
    .addOption(
      new Option("--gas-budget <gas>", "most gas per batch")
        .argParser(parseGas)
        .default(DEFAULT_GAS_BUDGET, DEFAULT_GAS_BUDGET.toString()),
    )
    .option("--max-fills <n>", "most fills per batch", parsePositiveInt, 200)
    .option("--confirmations <n>", "blocks before a batch counts as landed", parsePositiveInt, 1)
    .option("--poll-interval-ms <ms>", "pause when nothing is pending; RPC polling interval", parsePositiveInt, 500)
    .option("--once", "reconcile, settle every pending fill, then exit")
    .option("--reconcile-only", "reconcile the journal with the chain, report, exit (status 1 if they disagree)")
    .addOption(
      new Option("--ops-host <host>", "interface of /metrics and /health").env("KEEL_OPS_HOST").default("127.0.0.1"),
    )
    .addOption(
      new Option("--ops-port <port>", "port of /metrics and /health (0 picks a free one)")
        .env("KEEL_OPS_PORT")
        .argParser(parsePort)
        .default(0),
    )
    .addOption(
      new Option("--log-level <level>", "pino log level")
        .env("KEEL_LOG_LEVEL")
        .choices(["trace", "debug", "info", "warn", "error", "fatal", "silent"])
        .default("info"),
    )
    .addHelpText(
      "after",
      "\nEnvironment:\n" +
        "  KEEL_PRIVATE_KEY   the matcher's key (holds MATCHER_ROLE); required, never passed as a flag\n" +
        "  KEEL_FAILPOINT     tests only: <before-send|after-send|after-receipt>:<n> kills the process (SIGKILL)\n" +
        "                     the n-th time the pipeline reaches that point\n",
    )
    .action(async (options: SettlementCliOptions) => {
      process.exitCode = await runSettlement(options, process.env);
    });
}

/**
 * Runs the settlement keeper with parsed options; returns the process exit status (0 done, 1 the journal and the
 * chain disagree on an order after `--reconcile-only` or `--once`). Without `--once` or `--reconcile-only` it runs until SIGTERM or SIGINT,
 * then settles what is pending and exits.
 * @throws SettlementConfigError for a missing or malformed setting; pipeline errors as they come.
 */
export async function runSettlement(options: SettlementCliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const logger = createLogger("settlement", options.logLevel as LogLevel);
  const privateKey = readPrivateKey(env);
  const address = positionManagerAddress(options);
  const provider = await connect(options.rpcUrl, options.pollIntervalMs);
  mkdirSync(path.dirname(path.resolve(options.journal)), { recursive: true });
  const journal = Journal.open(options.journal);
  const registry = options.metricsRegistry ?? createMetricsRegistry("settlement");
  try {
    const wallet = new Wallet(privateKey, provider);
    const pm = PositionManager__factory.connect(address, wallet);
    await assertMatcher(pm, wallet.address);
    const pipeline = new SettlementPipeline({
      pm,
      journal,
      logger,
      gasBudget: options.gasBudget,
      maxFillsPerBatch: options.maxFills,
      confirmations: options.confirmations,
      pollIntervalMs: options.pollIntervalMs,
      failpoint: failpointFromSpec(env.KEEL_FAILPOINT),
      metrics: createSettlementMetrics(registry),
    });
    logger.info({ positionManager: address, matcher: wallet.address, journal: journal.path }, "settlement starting");
    if (options.reconcileOnly) return await reconcileOnly(pipeline, pm, journal, logger);
    if (options.once) {
      const { verify } = await pipeline.reconcile();
      logger.info(await pipeline.flush(), "pending fills flushed");
      return verify.mismatches.length > 0 ? 1 : 0;
    }
    return await runUntilSignalled(pipeline, { journal, provider, registry, logger, options });
  } finally {
    journal.close();
    provider.destroy();
  }
}

async function reconcileOnly(pipeline: SettlementPipeline, pm: PositionManager, journal: Journal, logger: Logger) {
  const reconciled = await pipeline.reconcile();
  const verify = await verifyOrders(pm, journal);
  for (const mismatch of verify.mismatches) logger.error({ mismatch }, "journal and chain disagree on an order");
  logger.info(
    {
      landed: reconciled.landed,
      released: reconciled.released,
      checked: verify.checked,
      mismatches: verify.mismatches.length,
    },
    "reconciled",
  );
  return verify.mismatches.length > 0 ? 1 : 0;
}

/**
 * Settles until SIGTERM or SIGINT with `/metrics` and `/health` served; then stops taking new batches, flushes what is
 * pending and closes (core's GracefulShutdown: every step runs, a 15 s overrun exits 1). Returns the exit code.
 */
async function runUntilSignalled(
  pipeline: SettlementPipeline,
  ctx: {
    journal: Journal;
    provider: JsonRpcProvider;
    registry: Registry;
    logger: Logger;
    options: SettlementCliOptions;
  },
): Promise<number> {
  const { journal, provider, registry, logger, options } = ctx;
  const shutdown = new GracefulShutdown({ logger, exit: () => undefined });
  const ops = await startOpsServer({
    host: options.opsHost,
    port: options.opsPort,
    registry,
    logger,
    keeper: "settlement",
    health: async () => ({
      status: "ok",
      keeper: "settlement",
      lastProcessedBlock: await provider.getBlockNumber(),
      pendingFills: journal.pendingSummary().count,
    }),
  });
  logger.info({ metrics: `${ops.url}/metrics`, health: `${ops.url}/health` }, "settlement keeper running");
  const running = pipeline.run(shutdown.signal);
  shutdown.add("stop settling and flush pending fills", async () => {
    await running;
    logger.info(await pipeline.flush(), "pending fills flushed");
  });
  shutdown.add("close ops server", () => ops.close());
  shutdown.install();
  await new Promise((resolve) => shutdown.signal.addEventListener("abort", resolve, { once: true }));
  return shutdown.trigger();
}

/* CONFIG HELPERS (to be replaced by keepers/core) */

function readPrivateKey(env: NodeJS.ProcessEnv): string {
  const key = env.KEEL_PRIVATE_KEY;
  if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new SettlementConfigError("KEEL_PRIVATE_KEY must hold the matcher's 32-byte hex private key (0x + 64 hex)");
  }
  return key;
}

/** The PositionManager address from `--position-manager`, or from hardhat-deploy's `<dir>/<network>/PositionManager.json`. */
export function positionManagerAddress(
  options: Pick<SettlementCliOptions, "positionManager" | "deployments" | "network">,
): string {
  if (options.positionManager) return options.positionManager;
  if (!options.deployments || !options.network) {
    throw new SettlementConfigError("Give --position-manager <address>, or --deployments <dir> with --network <name>");
  }
  const file = path.join(options.deployments, options.network, "PositionManager.json");
  let deployment: { address?: unknown };
  try {
    deployment = JSON.parse(readFileSync(file, "utf8")) as { address?: unknown };
  } catch (error) {
    throw new SettlementConfigError(`Cannot read ${file}: ${(error as Error).message}; deploy first or fix the path`);
  }
  if (typeof deployment.address !== "string" || !isAddress(deployment.address)) {
    throw new SettlementConfigError(`${file} has no valid "address"`);
  }
  return getAddress(deployment.address);
}

async function connect(rpcUrl: string, pollingInterval: number): Promise<JsonRpcProvider> {
  try {
    return await connectProvider(rpcUrl, pollingInterval);
  } catch (error) {
    if (error instanceof RpcUnreachableError) throw new SettlementConfigError(`${error.message} (--rpc-url)`);
    throw error;
  }
}

async function assertMatcher(pm: PositionManager, account: string): Promise<void> {
  if (!(await pm.hasRole(await pm.MATCHER_ROLE(), account))) {
    throw new SettlementConfigError(
      `${account} (KEEL_PRIVATE_KEY) lacks MATCHER_ROLE on PositionManager ${await pm.getAddress()}: grant it or use the matcher key`,
    );
  }
}

function parseAddress(value: string): string {
  if (!isAddress(value)) throw new InvalidArgumentError("not an address");
  return getAddress(value);
}

function parseGas(value: string): bigint {
  if (!/^\d+$/.test(value) || BigInt(value) === 0n) throw new InvalidArgumentError("expected a positive integer");
  return BigInt(value);
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError("expected a port (0-65535)");
  return n;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}
