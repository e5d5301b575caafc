/**
 * `keel-keeper liquidator`: the liquidation keeper's command line (DESIGN §8, §10). It follows the chain with a
 * {@link ChainIndexer}, keeps every account's health with a {@link HealthTracker}, and runs the {@link Liquidator}
 * after every block: with a `LIQUIDATOR_ROLE` key, book liquidation through the matcher and the backstop; with
 * `--permissionless`, the fallback anyone may run (flag, then backstop once `permissionlessAfterSec` has passed).
 */
import type { Command } from "commander";
import { z } from "zod";
import { baseConfigSchema, wadSchema, type BaseConfig } from "../core/config";
import { chainTimeEstimator } from "../core/chainSupport";
import { runKeeper, signerOf, withKeeperOptions, type KeeperContext } from "../core/runtime";
import { GatewayClient } from "../gateway/client";
import { ChainIndexer } from "../indexer/indexer";
import { readOrderDomain } from "../sdk/orders";
import { AdlKeeper } from "./adl";
import { Liquidator } from "./liquidator";
import { createLiquidatorMetrics, type LiquidatorMetrics } from "./metrics";
import { runRounds } from "./rounds";
import { HealthTracker } from "./tracker";
import { BackstopUnwinder } from "./unwind";

/** The liquidator's configuration: the shared fields plus the gateway, the mode and its pacing. */
export const liquidatorConfigSchema = baseConfigSchema.extend({
  /** The matcher gateway (its liquidation path); unused in permissionless mode. */
  gatewayUrl: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:8080"),
  /** Only the permissionless fallback (flag, then backstop after `permissionlessAfterSec`): no role needed. */
  permissionless: z.boolean().default(false),
  /** Accounts acted on at once. */
  concurrency: z.number().int().min(1).max(8).default(4),
  /** Seconds a signed liquidation request stays valid (the gateway accepts at most 120). */
  requestTtlSec: z.number().int().min(5).max(120).default(60),
});

/** The parsed configuration of `keel-keeper liquidator`. */
export type LiquidatorConfig = z.output<typeof liquidatorConfigSchema>;

/** The indexer, health tracker and metrics every waterfall keeper runs on. */
export interface WaterfallContext {
  indexer: ChainIndexer;
  tracker: HealthTracker;
  metrics: LiquidatorMetrics;
}

/**
 * Rebuilds the chain state and starts the health tracker; the insurance fund and the PositionManager (the clearing
 * account) are never candidates. The indexer's loop is the caller's to run.
 */
export async function startWaterfallContext(ctx: KeeperContext<BaseConfig>): Promise<WaterfallContext> {
  const { provider, contracts, logger, config } = ctx;
  const indexer = new ChainIndexer({
    provider,
    contracts,
    fromBlock: ctx.deploymentBlock,
    logger: logger.child({ component: "indexer" }),
    pollIntervalMs: config.pollIntervalMs,
  });
  await indexer.rebuild();
  const metrics = createLiquidatorMetrics(ctx.metrics);
  const tracker = new HealthTracker({
    indexer,
    exclude: [ctx.deployment.addresses.InsuranceFund, ctx.deployment.addresses.PositionManager],
    logger: logger.child({ component: "health" }),
    metrics,
  });
  tracker.start();
  ctx.shutdown.add("stop the health tracker", () => tracker.stop());
  return { indexer, tracker, metrics };
}

/** Adds `liquidator` to the `keel-keeper` program. */
export function registerLiquidatorCommand(program: Command): Command {
  return withKeeperOptions(
    program
      .command("liquidator")
      .description("liquidate accounts below maintenance: on the book through the matcher, else by the backstop")
      .option("--gateway-url <url>", "matcher gateway (KEEL_GATEWAY_URL, default http://127.0.0.1:8080)")
      .option("--permissionless", "no LIQUIDATOR_ROLE: flag accounts and backstop them once anyone may")
      .addHelpText(
        "after",
        "\nThe key comes from KEEL_PRIVATE_KEY only: a LIQUIDATOR_ROLE key, or any funded key with --permissionless.\n",
      )
      .action(async (flags: Record<string, unknown>) => {
        process.exitCode = await runKeeper({
          name: "liquidator",
          schema: liquidatorConfigSchema,
          flags,
          needsSigner: true,
          async start(ctx) {
            const { signer, sender } = signerOf(ctx);
            const { config, logger, provider, contracts } = ctx;
            const { indexer, tracker, metrics } = await startWaterfallContext(ctx);
            const liquidator = new Liquidator({
              mode: config.permissionless ? "permissionless" : "full",
              indexer,
              tracker,
              positionManager: contracts.positionManager,
              sender,
              desk: config.permissionless ? undefined : new GatewayClient(config.gatewayUrl),
              requestSigner: config.permissionless ? undefined : signer,
              domain: await readOrderDomain(contracts.positionManager),
              chainTimeSec: chainTimeEstimator(provider),
              insuranceFund: ctx.deployment.addresses.InsuranceFund,
              logger,
              metrics,
              concurrency: config.concurrency,
              requestTtlSec: config.requestTtlSec,
              intervalMs: config.pollIntervalMs,
            });
            const signal = ctx.shutdown.signal;
            superviseLoops(ctx, "liquidation", [indexer.run(signal), liquidator.run(signal)]);
            logger.info(
              { mode: config.permissionless ? "permissionless" : "full", liquidator: signer.address },
              "liquidator started",
            );
            return {
              health: () => ({
                status: indexer.lastProcessedBlock < 0 ? "degraded" : "ok",
                lastProcessedBlock: indexer.lastProcessedBlock,
                ...liquidator.status(),
              }),
            };
          },
        });
      }),
  );
}

/** The ADL keeper's configuration: the shared fields only (an ADL_ROLE key). */
export const adlConfigSchema = baseConfigSchema;

/** Adds `adl` to the `keel-keeper` program. */
export function registerAdlCommand(program: Command): Command {
  return withKeeperOptions(
    program
      .command("adl")
      .description("auto-deleverage bankrupt accounts the insurance fund cannot cover (ADL_ROLE key)")
      .addHelpText("after", "\nThe key comes from KEEL_PRIVATE_KEY only: an ADL_ROLE key.\n")
      .action(async (flags: Record<string, unknown>) => {
        process.exitCode = await runKeeper({
          name: "adl",
          schema: adlConfigSchema,
          flags,
          needsSigner: true,
          async start(ctx) {
            const { signer, sender } = signerOf(ctx);
            const { logger, contracts } = ctx;
            const { indexer, tracker, metrics } = await startWaterfallContext(ctx);
            const adl = new AdlKeeper({
              indexer,
              positionManager: contracts.positionManager,
              sender,
              bankrupt: () => tracker.bankrupt().map((entry) => entry.account),
              logger,
              metrics,
            });
            const rounds = runKeeperRounds(ctx, indexer, "auto-deleveraging", () => adl.runOnce());
            logger.info({ adl: signer.address }, "ADL keeper started");
            return {
              health: () => ({
                status: indexer.lastProcessedBlock < 0 ? "degraded" : "ok",
                lastProcessedBlock: indexer.lastProcessedBlock,
                bankrupt: tracker.bankrupt().length,
                lastRoundError: rounds.lastRoundError(),
              }),
            };
          },
        });
      }),
  );
}

/** The backstop unwinder's configuration: the shared fields plus the gateway and the pacing. */
export const unwindConfigSchema = baseConfigSchema.extend({
  /** The matcher gateway: the book and order placement. */
  gatewayUrl: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:8080"),
  /** Share of the opposite depth within the band one slice may take (wad; default 25%). */
  bookShareWad: wadSchema.default(250_000_000_000_000_000n),
  /** The band around the mark the slice may trade in (wad; relative for ASSET, absolute for BOUNDED; default 0.5%). */
  slippageWad: wadSchema.default(5_000_000_000_000_000n),
  /** Largest slice (USD wad; default 250,000 USD). */
  maxSliceNotionalWad: wadSchema.default(250_000n * 10n ** 18n),
  /** Least time between two slices of one market (ms). */
  minIntervalMs: z.number().int().min(0).default(5_000),
});

/** Adds `backstop-unwind` to the `keel-keeper` program. */
export function registerUnwindCommand(program: Command): Command {
  return withKeeperOptions(
    program
      .command("backstop-unwind")
      .description("unwind the insurance fund's backstop positions with reduce-only orders paced by book depth")
      .option("--gateway-url <url>", "matcher gateway (KEEL_GATEWAY_URL, default http://127.0.0.1:8080)")
      .addHelpText(
        "after",
        "\nThe key comes from KEEL_PRIVATE_KEY only: a BACKSTOP_OPERATOR_ROLE key of the InsuranceFund. It signs the\n" +
          "fund's orders (ERC-1271) and sends no transaction.\n",
      )
      .action(async (flags: Record<string, unknown>) => {
        process.exitCode = await runKeeper({
          name: "backstop-unwind",
          schema: unwindConfigSchema,
          flags,
          needsSigner: true,
          async start(ctx) {
            const { signer } = signerOf(ctx);
            const { config, logger, contracts } = ctx;
            const { indexer, metrics } = await startWaterfallContext(ctx);
            const fundAddress = ctx.deployment.addresses.InsuranceFund;
            const unwinder = new BackstopUnwinder({
              indexer,
              client: new GatewayClient(config.gatewayUrl),
              fundAddress,
              operator: signer,
              domain: await readOrderDomain(contracts.positionManager),
              logger,
              bookShareWad: config.bookShareWad,
              slippageWad: config.slippageWad,
              maxSliceNotionalWad: config.maxSliceNotionalWad,
              minIntervalMs: config.minIntervalMs,
              metrics,
            });
            const rounds = runKeeperRounds(ctx, indexer, "backstop unwind", () => unwinder.runOnce());
            logger.info({ operator: signer.address, fund: fundAddress }, "backstop unwinder started");
            return {
              health: () => ({
                status: indexer.lastProcessedBlock < 0 ? "degraded" : "ok",
                lastProcessedBlock: indexer.lastProcessedBlock,
                fundPositions: indexer.accountOf(fundAddress).positions.size,
                lastRoundError: rounds.lastRoundError(),
              }),
            };
          },
        });
      }),
  );
}

/**
 * Runs the indexer's loop and `round` after every block (`runRounds`) until the keeper stops; returns the last
 * round's error for `/health`.
 */
function runKeeperRounds(
  ctx: KeeperContext<BaseConfig>,
  indexer: ChainIndexer,
  what: string,
  round: () => Promise<unknown>,
): { lastRoundError(): string | undefined } {
  let lastRoundError: string | undefined;
  const signal = ctx.shutdown.signal;
  const rounds = runRounds({
    indexer,
    intervalMs: ctx.config.pollIntervalMs,
    signal,
    logger: ctx.logger,
    round,
    onRound: (error) => (lastRoundError = error?.message),
  });
  superviseLoops(ctx, what, [indexer.run(signal), rounds]);
  return { lastRoundError: () => lastRoundError };
}

/** Shuts the keeper down if one of its loops dies, and waits for them on a graceful stop. */
function superviseLoops(ctx: KeeperContext<BaseConfig>, what: string, loops: Promise<unknown>[]): void {
  const all = Promise.all(loops);
  all.catch((error: unknown) => {
    ctx.logger.fatal({ err: error }, `${what} loop stopped unexpectedly: shutting down`);
    void ctx.shutdown.trigger(`${what} loop failed`);
  });
  ctx.shutdown.add(`stop ${what}`, () => all.then(() => undefined));
}
