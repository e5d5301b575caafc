/**
 * `keel-keeper oracle`: the oracle keeper's command line (DESIGN §7, §10). Each market's sources come from the JSON
 * config file (`markets`): live venue adapters (`{"venue": "binance", "instruments": "BTC-USD"}`) or recorded data
 * replayed as a live venue (`{"replay": "geminiTrades", "speed": 10}`). Pushes are sent with an ORACLE_ROLE key.
 *
 * @example config file
 * {
 *   "markets": [
 *     { "marketId": 1, "sources": [
 *         { "venue": "binance", "instruments": "BTC-USD" }, { "venue": "okx", "instruments": "BTC-USD" },
 *         { "venue": "bybit", "instruments": "BTC-USD" }, { "venue": "kraken", "instruments": "BTC-USD" },
 *         { "venue": "coinbase", "instruments": "BTC-USD" } ] },
 *     { "marketId": 2, "sources": [ { "venue": "polymarket", "options": { "tokenId": "2174…" } } ] }
 *   ],
 *   "gatewayUrl": "http://127.0.0.1:8080"
 * }
 */
import type { Command } from "commander";
import { z } from "zod";
import { baseConfigSchema } from "../core/config";
import { runKeeper, signerOf, withKeeperOptions } from "../core/runtime";
import { wadSchema } from "../core/config";
import { chainTimeEstimator } from "../core/chainSupport";
import { GatewayClient } from "../gateway/client";
import {
  DEFAULT_EARLY_PUSH_DEVIATION_WAD,
  DEFAULT_PUSH_INTERVAL_MS,
  DEFAULT_ROUND_INTERVAL_MS,
  OracleKeeper,
  type OracleFeed,
} from "./keeper";
import { ReplayPriceSource } from "./replaySource";
import { createOracleMetrics } from "./metrics";
import {
  loadBinanceMarkKlines,
  loadDeribitHistory,
  loadPolymarketTrades,
  loadTardisTrades,
  type ReplayFileOptions,
} from "./replay";
import { BTC_USD_INSTRUMENTS, SUPPORTED_VENUES, createPriceSource } from "./sources";
import type { PriceSource, QuoteKind, ReplaySource } from "./types";

const QUOTE_KINDS = ["spot", "perpMid", "index", "mark", "trade", "midpoint"] as const satisfies readonly QuoteKind[];

/** A live venue adapter: its venue, and its instrument ids (or `"instruments": "BTC-USD"` for the known ones). */
const liveSourceSchema = z.strictObject({
  venue: z.enum(SUPPORTED_VENUES),
  /** Fill the venue's BTC-USD instrument ids (binance, okx, bybit, kraken, coinbase, hypercore). */
  instruments: z.literal("BTC-USD").optional(),
  /** The adapter's options (instrument ids, `timeoutMs`, `retries`, `baseUrl`), as its Options type names them. */
  options: z.record(z.string(), z.unknown()).default({}),
});

/** Recorded data files (../shared/data) a source can replay, by name; plus "polymarketTrades", which needs an outcome. */
const REPLAY_LOADERS = {
  /** Binance BTCUSD_PERP 1-minute mark-price klines of 2025-10-10 (kind "mark"). */
  binanceMarkKlines: loadBinanceMarkKlines,
  /** Gemini BTCUSD spot trades of 2025-10-10 (kind "trade"). */
  geminiTrades: loadTardisTrades,
  /** Deribit BTC index, hourly, 2019–2021 (kind "index"). */
  deribitIndex: loadDeribitHistory,
} as const satisfies Record<string, (options: ReplayFileOptions) => Promise<ReplaySource>>;

/** A recorded source replayed as a live venue ({@link ReplayPriceSource}). */
const replaySourceSchema = z.strictObject({
  replay: z.enum(["binanceMarkKlines", "geminiTrades", "deribitIndex", "polymarketTrades"]),
  /** Read this file instead of the named data file. */
  path: z.string().min(1).optional(),
  /** polymarketTrades: the outcome token ("Republican", "Democratic", …). */
  outcome: z.string().min(1).optional(),
  /** Recording time to start at (ms since the epoch; default the recording's start). */
  startMs: z.number().int().optional(),
  /** Recorded ms per wall-clock ms (default 1). */
  speed: z.number().positive().default(1),
});

/** One market's feed. Wads are decimal integer strings. */
const feedSchema = z.strictObject({
  marketId: z.number().int().positive(),
  sources: z.array(z.union([liveSourceSchema, replaySourceSchema])).min(1, "a market needs at least one source"),
  index: z
    .strictObject({
      maxStalenessMs: z.union([z.number().nonnegative(), z.record(z.string(), z.number().nonnegative())]),
      maxDeviationWad: wadSchema,
      minSources: z.number().int().positive(),
      weights: z.record(z.string(), z.number().int().nonnegative()),
      defaultWeight: z.number().int().nonnegative(),
      kinds: z.array(z.enum(QUOTE_KINDS)).min(1),
    })
    .partial()
    .optional(),
  assetMark: z
    .strictObject({ basisEmaMs: z.number().int().positive(), markEmaMs: z.number().int().positive() })
    .partial()
    .optional(),
  boundedMark: z
    .strictObject({
      epsilonWad: wadSchema,
      maxStepWad: wadSchema,
      emaMs: z.number().int().positive(),
      staleAfterMs: z.number().int().nonnegative(),
    })
    .partial()
    .optional(),
  useBook: z.boolean().optional(),
  perpMidMaxAgeMs: z.number().int().nonnegative().optional(),
});

/** The oracle keeper's configuration: the shared fields plus the markets' sources and the push cadence. */
export const oracleConfigSchema = baseConfigSchema.extend({
  /** Every market to price, with its sources (see the module example). */
  markets: z.array(feedSchema).min(1, "list at least one market with its sources"),
  /** Delay between two pushes without a large move (ms). */
  pushIntervalMs: z.number().int().positive().default(DEFAULT_PUSH_INTERVAL_MS),
  /** Delay between two rounds of fetching and computing (ms). */
  roundIntervalMs: z.number().int().positive().default(DEFAULT_ROUND_INTERVAL_MS),
  /** A move since the last push beyond this pushes at once (wad; relative for ASSET, absolute for BOUNDED). */
  earlyPushDeviationWad: wadSchema.default(DEFAULT_EARLY_PUSH_DEVIATION_WAD),
  /** The matcher gateway, for the book inputs of ASSET marks (none: marks from index and perp mids). */
  gatewayUrl: z.url({ protocol: /^https?$/ }).optional(),
});

/** The parsed configuration of `keel-keeper oracle`. */
export type OracleConfig = z.output<typeof oracleConfigSchema>;

/**
 * The keeper's feeds from the parsed `markets`: live adapters built by `createPriceSource`, recordings loaded and
 * wrapped in {@link ReplayPriceSource}.
 * @throws TypeError for an adapter missing an instrument option; the loaders' errors for a missing or malformed file;
 *   Error for a polymarketTrades replay without `outcome`.
 */
export async function buildOracleFeeds(markets: OracleConfig["markets"]): Promise<OracleFeed[]> {
  return Promise.all(
    markets.map(async ({ sources, ...feed }) => ({
      ...feed,
      sources: await Promise.all(sources.map((source) => buildSource(source, feed.marketId))),
    })),
  );
}

async function buildSource(
  source: OracleConfig["markets"][number]["sources"][number],
  marketId: number,
): Promise<PriceSource> {
  if ("venue" in source) {
    const preset =
      source.instruments === undefined || source.venue === "polymarket" ? {} : BTC_USD_INSTRUMENTS[source.venue];
    return createPriceSource(source.venue, { ...preset, ...source.options } as never);
  }
  let replay: ReplaySource;
  if (source.replay === "polymarketTrades") {
    if (source.outcome === undefined) {
      throw new Error(`market ${marketId}: a polymarketTrades replay needs "outcome" (e.g. "Republican")`);
    }
    replay = await loadPolymarketTrades({ outcome: source.outcome, path: source.path });
  } else {
    replay = await REPLAY_LOADERS[source.replay]({ path: source.path });
  }
  return new ReplayPriceSource(replay, { startMs: source.startMs, speed: source.speed });
}

/** Adds `oracle` to the `keel-keeper` program. */
export function registerOracleCommand(program: Command): Command {
  return withKeeperOptions(
    program
      .command("oracle")
      .description("compute index and mark prices from the configured sources and push them (ORACLE_ROLE key)")
      .option("--gateway-url <url>", "matcher gateway for the book inputs of marks (KEEL_GATEWAY_URL)")
      .option("--push-interval-ms <ms>", "cadence of pushes without a large move (KEEL_PUSH_INTERVAL_MS)", Number)
      .addHelpText(
        "after",
        '\nThe key comes from KEEL_PRIVATE_KEY only. Markets and sources: "markets" in the config file (see\n' +
          "keepers/oracle/command.ts for the shape); flags win, then env, then the file.\n",
      )
      .action(async (flags: Record<string, unknown>) => {
        process.exitCode = await runKeeper({
          name: "oracle",
          schema: oracleConfigSchema,
          flags,
          needsSigner: true,
          async start(ctx) {
            const { signer, sender } = signerOf(ctx);
            const { config, logger, provider, contracts } = ctx;
            const keeper = new OracleKeeper({
              feeds: await buildOracleFeeds(config.markets),
              oracleRegistry: contracts.oracleRegistry,
              marketRegistry: contracts.marketRegistry,
              sender,
              chainTimeSec: chainTimeEstimator(provider),
              gateway: config.gatewayUrl === undefined ? undefined : new GatewayClient(config.gatewayUrl),
              logger,
              metrics: createOracleMetrics(ctx.metrics),
              pushIntervalMs: config.pushIntervalMs,
              roundIntervalMs: config.roundIntervalMs,
              earlyPushDeviationWad: config.earlyPushDeviationWad,
            });
            await keeper.init();
            const running = keeper.run(ctx.shutdown.signal);
            running.catch((error: unknown) => {
              logger.fatal({ err: error }, "oracle loop stopped unexpectedly: shutting down");
              void ctx.shutdown.trigger("oracle loop failed");
            });
            ctx.shutdown.add("stop pricing", () => running);
            logger.info(
              { oracle: signer.address, markets: config.markets.map((m) => m.marketId) },
              "oracle keeper started",
            );
            return {
              health: async () => {
                const report = keeper.lastReport;
                const block = await provider.getBlockNumber();
                const degraded = report === undefined || report.error !== undefined || report.withoutIndex.length > 0;
                return {
                  status: degraded ? "degraded" : "ok",
                  lastProcessedBlock: block,
                  withoutIndex: report?.withoutIndex ?? [],
                  lastPushError: report?.error,
                  lastPushed: Object.fromEntries(
                    config.markets.map((m) => [m.marketId, keeper.lastPushed(m.marketId)]),
                  ),
                };
              },
            };
          },
        });
      }),
  );
}
