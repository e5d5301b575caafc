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
import { JsonRpcProvider, Network, Wallet, getAddress, isAddress } from "ethers";
import pino, { type Logger } from "pino";
import { Registry } from "prom-client";
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
  const logger = pino({ name: "settlement", level: options.logLevel });
  const privateKey = readPrivateKey(env);
  const address = positionManagerAddress(options);
  const provider = await connect(options.rpcUrl, options.pollIntervalMs);
  mkdirSync(path.dirname(path.resolve(options.journal)), { recursive: true });
  const journal = Journal.open(options.journal);
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
      metrics: createSettlementMetrics(options.metricsRegistry ?? new Registry()),
    });
    logger.info({ positionManager: address, matcher: wallet.address, journal: journal.path }, "settlement starting");
    if (options.reconcileOnly) return await reconcileOnly(pipeline, pm, journal, logger);
    if (options.once) {
      const { verify } = await pipeline.reconcile();
      logger.info(await pipeline.flush(), "pending fills flushed");
      return verify.mismatches.length > 0 ? 1 : 0;
    }
    await runUntilSignalled(pipeline);
    logger.info(await pipeline.flush(), "stopped; pending fills flushed");
    return 0;
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

async function runUntilSignalled(pipeline: SettlementPipeline): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGTERM", stop).once("SIGINT", stop);
  try {
    await pipeline.run(controller.signal);
  } finally {
    process.off("SIGTERM", stop).off("SIGINT", stop);
  }
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

/**
 * A provider pinned to the endpoint's chain id (one `eth_chainId` up front; fails fast on a bad URL) that never
 * serves a cached result (the pipeline's decisions need fresh `nextBatchId`, nonces and receipts).
 */
async function connect(rpcUrl: string, pollingInterval: number): Promise<JsonRpcProvider> {
  let chainId: bigint;
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
    chainId = BigInt(((await response.json()) as { result: string }).result);
  } catch (error) {
    throw new SettlementConfigError(
      `No JSON-RPC node answers at ${rpcUrl} (${(error as Error).message}): check --rpc-url`,
    );
  }
  const network = Network.from(chainId);
  return new JsonRpcProvider(rpcUrl, network, { staticNetwork: network, pollingInterval, cacheTimeout: -1 });
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

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}
