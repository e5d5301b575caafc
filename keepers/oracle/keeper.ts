/**
 * The oracle keeper (DESIGN §7, §10): every round (default 1 s) it fetches each market's price sources, computes the
 * index (weighted median with staleness and outlier rejection) and the mark (Hyperliquid's median for ASSET markets,
 * the smoothed probability for BOUNDED ones), and pushes every priced market in ONE
 * `OracleRegistry.pushPrices(ids, index[], mark[], timestamp)` transaction — on a cadence (default every 3 s) and at
 * once when a price moved more than a threshold (default 0.5%) since the last push.
 *
 * Every push is made to pass the chain's guards, so a correct keeper never reverts:
 * - **Deviation**: each price is first put inside the market's price bounds, then limited by {@link clampStep} to
 *   99% of the per-push deviation the OracleRegistry allows from the last pushed price (read from
 *   `oracleRegistry.snapshot(id)` at start and after any failure). A 10% jump is thus pushed as a series of steps, one
 *   per round (the deviation trigger keeps firing until the chain has caught up).
 * - **Timestamp**: the observation time of the quotes (the newest quote the index used, the oldest such time across
 *   the pushed markets), in seconds, never above the chain's time and strictly after each market's last push. A market
 *   whose observation is not newer than its last push, or already too old for its `maxStalenessSec`, waits for the
 *   next round.
 * - **Missing index** (every source down, stale or an outlier): the market is left out of the push, so its on-chain
 *   price ages toward `OracleStale` — the honest outcome — instead of being re-dated. Counted and logged.
 * - **Status**: only Draft, Active and Resolving markets take prices.
 *
 * A failed fetch (a {@link PriceSourceError}) marks that venue down for the market and is counted; the quotes of every
 * source are cached, so one failed fetch leaves the venue's previous quote in the index until it goes stale.
 */
import { MarketKind, MarketStatus } from "../sdk/markets";
import { WAD } from "../sdk/math";
import { IMarketRegistry__factory, type MarketRegistry, type OracleRegistry } from "../sdk/typechain";
import type { Logger } from "../core/logger";
import type { TxSender } from "../core/txSender";
import type { GatewayClient } from "../gateway/client";
import { describeCallFailure, pause } from "../core/chainSupport";
import { DEFAULT_MAX_STALENESS_MS, computeIndex, evaluateIndex, type IndexConfig, type IndexResult } from "./index";
import {
  AssetMarkCalculator,
  BoundedMarkCalculator,
  DEFAULT_CLAMP_SAFETY_WAD,
  clampStep,
  type AssetMarkComponents,
  type AssetMarkOptions,
  type BoundedMarkOptions,
} from "./mark";
import type { OracleMetrics } from "./metrics";
import type { PriceQuote, PriceSource, QuoteKind } from "./types";
import type { Interface } from "ethers";

/** Default delay between two pushes without a large move (ms). */
export const DEFAULT_PUSH_INTERVAL_MS = 3_000;
/** Default delay between two rounds of fetching and computing (ms). */
export const DEFAULT_ROUND_INTERVAL_MS = 1_000;
/** Default move since the last push that triggers a push at once (wad: 0.5%; absolute for BOUNDED markets). */
export const DEFAULT_EARLY_PUSH_DEVIATION_WAD = 5n * 10n ** 15n;
/** Quote kinds the index of an ASSET market counts by default (spot prices and venues' own indexes). */
export const DEFAULT_ASSET_INDEX_KINDS: readonly QuoteKind[] = ["spot", "index"];
/** Quote kinds the index of a BOUNDED market counts by default (book midpoints and trades). */
export const DEFAULT_BOUNDED_INDEX_KINDS: readonly QuoteKind[] = ["midpoint", "trade"];
/** A pushed timestamp must stay this many seconds inside the market's `maxStalenessSec` at the chain's time. */
const STALENESS_MARGIN_SEC = 5;

/** One market's price feed. */
export interface OracleFeed {
  marketId: number;
  /** Live adapters, or recorded ones wrapped in {@link ReplayPriceSource}. */
  sources: readonly PriceSource[];
  /** Index options (weights, staleness, outliers, kinds; kinds default by market kind, see above). */
  index?: Partial<IndexConfig>;
  /** ASSET markets: EMA time constants of the mark. */
  assetMark?: AssetMarkOptions;
  /**
   * BOUNDED markets: the mark's smoothing. Defaults: ε = the market's minimum price, a step of at most the market's
   * per-push deviation, a 10 s EMA, stale after 60 s; the calculator starts from the on-chain mark.
   */
  boundedMark?: Partial<Omit<BoundedMarkOptions, "initialMarkWad">>;
  /** ASSET markets: read best bid, best ask and last trade from the matcher gateway (default: when one is given). */
  useBook?: boolean;
  /** Oldest external perp mid used in the mark (ms; default 10 s). */
  perpMidMaxAgeMs?: number;
}

/** Options of {@link OracleKeeper}. */
export interface OracleKeeperOptions {
  feeds: readonly OracleFeed[];
  /** Read: `snapshot(id)`; write (through `sender`): `pushPrices`. */
  oracleRegistry: OracleRegistry;
  /** Read: `oracleGuards(id)` (kind, status, price bounds, deviation limit, staleness). */
  marketRegistry: MarketRegistry;
  /** Sends `pushPrices` from an ORACLE_ROLE account. */
  sender: Pick<TxSender, "sendAndWait">;
  /** The chain's current time (unix s); the next block's timestamp must not be below it. */
  chainTimeSec(): Promise<number>;
  /** The matcher gateway, for the book inputs of ASSET marks. */
  gateway?: Pick<GatewayClient, "book" | "trades">;
  logger: Logger;
  metrics?: OracleMetrics;
  /** Delay between two pushes without a large move (ms, default 3,000). */
  pushIntervalMs?: number;
  /** Delay between two rounds (ms, default 1,000). */
  roundIntervalMs?: number;
  /** Move since the last push that triggers an early push (wad; relative for ASSET, absolute for BOUNDED). */
  earlyPushDeviationWad?: bigint;
  /** Share of the on-chain deviation limit a push may use (wad, default 0.99). */
  clampSafetyWad?: bigint;
  /** Wall clock (ms; default `Date.now`): quote ages, EMAs and the push cadence. */
  clock?(): number;
}

/** The prices and timestamp of a market's last accepted push. */
export interface PushedPrice {
  indexWad: bigint;
  markWad: bigint;
  timestampSec: number;
}

/** What one round computed for one market (before clamping). */
export interface MarketObservation {
  marketId: number;
  kind: MarketKind;
  indexWad: bigint;
  markWad: bigint;
  /** The newest quote time the index used (ms). */
  observedAtMs: number;
  index: IndexResult;
  /** ASSET markets: the mark's inputs. */
  markComponents?: AssetMarkComponents;
}

/** One market of a push: the prices sent and what they were before clamping. */
export interface PushedMarket {
  marketId: number;
  indexWad: bigint;
  markWad: bigint;
  rawIndexWad: bigint;
  rawMarkWad: bigint;
}

/** Why a push was made: the first one, the cadence, or a move beyond the early-push threshold. */
export type PushTrigger = "first" | "cadence" | "deviation";

/** The outcome of one round. */
export interface RoundReport {
  nowMs: number;
  observations: MarketObservation[];
  /** Markets without an index this round (left out of any push). */
  withoutIndex: number[];
  trigger?: PushTrigger;
  /** The push that landed. */
  push?: { timestampSec: number; markets: PushedMarket[]; txHash: string; blockNumber: number };
  /** The decoded reason the push failed (the snapshots were then re-read). */
  error?: string;
}

/** A market's guards as the OracleRegistry applies them. */
interface Guards {
  kind: MarketKind;
  status: MarketStatus;
  minPriceWad: bigint;
  maxPriceWad: bigint;
  maxPushDeviationWad: bigint;
  maxStalenessSec: number;
}

/** What the keeper keeps per market between rounds. */
interface MarketRuntime {
  feed: OracleFeed;
  /** Latest quote per (venue, instrument, kind). */
  quotes: Map<string, PriceQuote>;
  assetMark?: AssetMarkCalculator;
  boundedMark?: BoundedMarkCalculator;
  last?: PushedPrice;
}

const PRICED = new Set([MarketStatus.Draft, MarketStatus.Active, MarketStatus.Resolving]);

/** Computes and pushes index and mark prices; see the module comment. Call {@link init}, then {@link run}. */
export class OracleKeeper {
  private readonly markets = new Map<number, MarketRuntime>();
  private readonly errorInterfaces: Interface[];
  private readonly clock: () => number;
  private lastPushMs = 0;
  private lastRound: RoundReport | undefined;

  constructor(private readonly options: OracleKeeperOptions) {
    for (const feed of options.feeds) {
      if (this.markets.has(feed.marketId)) throw new Error(`market ${feed.marketId} has two oracle feeds`);
      this.markets.set(feed.marketId, { feed, quotes: new Map() });
    }
    this.clock = options.clock ?? Date.now;
    this.errorInterfaces = [
      options.oracleRegistry.interface as Interface,
      IMarketRegistry__factory.createInterface() as Interface,
    ];
  }

  /** Reads the last pushed prices of every market from the chain; call once before the first round. */
  async init(): Promise<void> {
    await this.resync();
  }

  /** The last accepted push of `marketId`, if any. */
  lastPushed(marketId: number): PushedPrice | undefined {
    const last = this.markets.get(marketId)?.last;
    return last === undefined ? undefined : { ...last };
  }

  /** The last round's report (for `/health`). */
  get lastReport(): RoundReport | undefined {
    return this.lastRound;
  }

  /** Runs a round every `roundIntervalMs` until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const interval = this.options.roundIntervalMs ?? DEFAULT_ROUND_INTERVAL_MS;
    while (!signal.aborted) {
      try {
        await this.round(signal);
      } catch (error) {
        // round() handles every expected failure; anything else is a bug worth seeing, but not worth stopping prices.
        this.options.logger.error({ err: error }, "oracle round failed unexpectedly; next round in a moment");
      }
      await pause(interval, signal);
    }
  }

  /**
   * One round: fetch, compute, and push when due. Fetch failures, missing indexes and a failed push are logged,
   * counted and reported; they do not throw.
   */
  async round(signal?: AbortSignal): Promise<RoundReport> {
    const nowMs = this.clock();
    const ids = [...this.markets.keys()];
    const guards = await Promise.all(ids.map((id) => this.readGuards(id)));
    await Promise.all(ids.map((id) => this.fetchQuotes(id, nowMs, signal)));
    const report: RoundReport = { nowMs, observations: [], withoutIndex: [] };
    const guardsById = new Map<number, Guards>();
    for (const [i, id] of ids.entries()) {
      const g = guards[i];
      if (g === undefined || !PRICED.has(g.status)) continue;
      guardsById.set(id, g);
      const observation = await this.observe(id, g, nowMs);
      if (observation === undefined) report.withoutIndex.push(id);
      else report.observations.push(observation);
    }
    this.updatePriceAges(nowMs);
    report.trigger = this.pushTrigger(report.observations, guardsById, nowMs);
    if (report.trigger !== undefined) await this.push(report, guardsById);
    this.lastRound = report;
    return report;
  }

  /* OBSERVING */

  private async readGuards(marketId: number): Promise<Guards | undefined> {
    try {
      const [kind, status, minPriceWad, maxPriceWad, oracle] = await this.options.marketRegistry.oracleGuards(marketId);
      return {
        kind: Number(kind) as MarketKind,
        status: Number(status) as MarketStatus,
        minPriceWad,
        maxPriceWad,
        maxPushDeviationWad: oracle.maxPushDeviationWad,
        maxStalenessSec: Number(oracle.maxStalenessSec),
      };
    } catch (error) {
      this.options.logger.error({ err: error, marketId }, "cannot read the market's oracle guards: skipped this round");
      return undefined;
    }
  }

  private async fetchQuotes(marketId: number, nowMs: number, signal: AbortSignal | undefined): Promise<void> {
    const market = this.mustMarket(marketId);
    const { logger, metrics } = this.options;
    await Promise.all(
      market.feed.sources.map(async (source) => {
        const labels = { market: String(marketId), venue: source.venue };
        try {
          const quotes = await source.fetchQuotes(signal);
          for (const quote of quotes) {
            const key = `${quote.venue}|${quote.instrument}|${quote.kind}`;
            const seen = market.quotes.get(key);
            if (seen === undefined || quote.timestampMs >= seen.timestampMs) market.quotes.set(key, quote);
          }
          metrics?.sourceUp.set(labels, quotes.length > 0 ? 1 : 0);
        } catch (error) {
          metrics?.sourceUp.set(labels, 0);
          metrics?.sourceFailures.inc(labels);
          logger.warn({ err: error, marketId, venue: source.venue, nowMs }, "price source failed");
        }
      }),
    );
  }

  private async observe(marketId: number, guards: Guards, nowMs: number): Promise<MarketObservation | undefined> {
    const market = this.mustMarket(marketId);
    const quotes = [...market.quotes.values()];
    const config: Partial<IndexConfig> = {
      kinds: guards.kind === MarketKind.Bounded ? DEFAULT_BOUNDED_INDEX_KINDS : DEFAULT_ASSET_INDEX_KINDS,
      ...market.feed.index,
    };
    const computed = computeIndex(quotes, nowMs, config);
    // A zero index (a venue quoting 0 as its median) is no price: treated like no index at all.
    const index = computed !== undefined && computed.indexWad > 0n ? computed : undefined;
    const labels = { market: String(marketId) };
    if (index === undefined) {
      const why = evaluateIndex(quotes, nowMs, config);
      for (const d of why.dropped)
        this.options.metrics?.quotesDropped.inc({ ...labels, venue: d.venue, reason: d.reason });
      this.options.metrics?.noIndex.inc(labels);
      this.options.logger.warn(
        { marketId, used: why.used.length, dropped: why.dropped.map((d) => `${d.venue}:${d.reason}`) },
        "no index: market left out of the push",
      );
      return undefined;
    }
    for (const d of index.dropped)
      this.options.metrics?.quotesDropped.inc({ ...labels, venue: d.venue, reason: d.reason });
    const observedAtMs = Math.max(...index.used.map((v) => v.quote.timestampMs));
    if (guards.kind === MarketKind.Bounded) {
      const calculator = this.boundedMark(market, guards);
      const observationWad = index.indexWad > WAD ? WAD : index.indexWad;
      const { markWad } = calculator.update({ nowMs, observationWad });
      return { marketId, kind: guards.kind, indexWad: index.indexWad, markWad, observedAtMs, index };
    }
    market.assetMark ??= new AssetMarkCalculator(market.feed.assetMark);
    const { markWad, components } = market.assetMark.update({
      nowMs,
      indexWad: index.indexWad,
      ...(await this.bookInputs(market)),
      externalPerpMidsWad: perpMids(quotes, nowMs, market.feed.perpMidMaxAgeMs ?? DEFAULT_MAX_STALENESS_MS),
    });
    return {
      marketId,
      kind: guards.kind,
      indexWad: index.indexWad,
      markWad,
      observedAtMs,
      index,
      markComponents: components,
    };
  }

  private boundedMark(market: MarketRuntime, guards: Guards): BoundedMarkCalculator {
    market.boundedMark ??= new BoundedMarkCalculator({
      epsilonWad: guards.minPriceWad > 0n && 2n * guards.minPriceWad < WAD ? guards.minPriceWad : 10n ** 15n,
      maxStepWad: guards.maxPushDeviationWad > 0n ? guards.maxPushDeviationWad : 2n * 10n ** 16n,
      emaMs: 10_000,
      staleAfterMs: 60_000,
      ...market.feed.boundedMark,
      ...(market.last === undefined ? {} : { initialMarkWad: market.last.markWad }),
    });
    return market.boundedMark;
  }

  /** Best bid, best ask and last trade of our own book, when a gateway is configured; none when it fails. */
  private async bookInputs(
    market: MarketRuntime,
  ): Promise<{ bestBidWad?: bigint; bestAskWad?: bigint; lastTradeWad?: bigint }> {
    const gateway = this.options.gateway;
    if (gateway === undefined || market.feed.useBook === false) return {};
    const marketId = market.feed.marketId;
    try {
      const [book, trades] = await Promise.all([gateway.book(marketId, 1), gateway.trades(marketId, 1)]);
      return {
        bestBidWad: book.bids[0]?.priceWad,
        bestAskWad: book.asks[0]?.priceWad,
        lastTradeWad: trades[0]?.priceWad,
      };
    } catch (error) {
      this.options.logger.warn({ err: error, marketId }, "matcher book unavailable: mark from index and perp mids");
      return {};
    }
  }

  /* PUSHING */

  private pushTrigger(
    observations: readonly MarketObservation[],
    guards: ReadonlyMap<number, Guards>,
    nowMs: number,
  ): PushTrigger | undefined {
    if (observations.length === 0) return undefined;
    const threshold = this.options.earlyPushDeviationWad ?? DEFAULT_EARLY_PUSH_DEVIATION_WAD;
    let trigger: PushTrigger | undefined;
    for (const o of observations) {
      const last = this.mustMarket(o.marketId).last;
      if (last === undefined) return "first";
      const kind = guards.get(o.marketId)?.kind ?? o.kind;
      if (
        movedBeyond(kind, last.indexWad, o.indexWad, threshold) ||
        movedBeyond(kind, last.markWad, o.markWad, threshold)
      )
        trigger = "deviation";
    }
    if (trigger !== undefined) return trigger;
    return nowMs - this.lastPushMs >= (this.options.pushIntervalMs ?? DEFAULT_PUSH_INTERVAL_MS) ? "cadence" : undefined;
  }

  private async push(report: RoundReport, guards: ReadonlyMap<number, Guards>): Promise<void> {
    const { logger, metrics } = this.options;
    let chainNowSec: number;
    try {
      chainNowSec = await this.options.chainTimeSec();
    } catch (error) {
      logger.error({ err: error }, "cannot read the chain time: no push this round");
      report.error = "chain time unavailable";
      return;
    }
    // Markets with something newer than their last push set the timestamp: the oldest of their observations, so no
    // price is dated after it was observed, and never past the chain's time. A market with nothing new is left out
    // rather than allowed to hold the others' timestamp back.
    const fresh = report.observations.filter((o) => {
      const last = this.mustMarket(o.marketId).last;
      return guards.has(o.marketId) && (last === undefined || Math.floor(o.observedAtMs / 1_000) > last.timestampSec);
    });
    if (fresh.length === 0) return;
    const timestampSec = Math.min(chainNowSec, ...fresh.map((o) => Math.floor(o.observedAtMs / 1_000)));
    const markets: PushedMarket[] = [];
    for (const o of fresh) {
      const g = guards.get(o.marketId);
      const last = this.mustMarket(o.marketId).last;
      if (g === undefined || (last !== undefined && timestampSec <= last.timestampSec)) continue;
      if (timestampSec + g.maxStalenessSec < chainNowSec + STALENESS_MARGIN_SEC) {
        logger.warn({ marketId: o.marketId, timestampSec, chainNowSec }, "observation too old to push");
        continue;
      }
      markets.push(this.clampForChain(o, g, last));
    }
    if (markets.length === 0) {
      logger.debug({ timestampSec }, "no market can take a price dated this second");
      return;
    }
    const tx = await this.options.oracleRegistry.pushPrices.populateTransaction(
      markets.map((m) => m.marketId),
      markets.map((m) => m.indexWad),
      markets.map((m) => m.markWad),
      timestampSec,
    );
    const endTimer = metrics?.pushLatency.startTimer();
    try {
      const receipt = await this.options.sender.sendAndWait(tx);
      endTimer?.();
      for (const m of markets) {
        this.mustMarket(m.marketId).last = { indexWad: m.indexWad, markWad: m.markWad, timestampSec };
      }
      this.lastPushMs = report.nowMs;
      metrics?.pushes.inc({ trigger: report.trigger ?? "cadence" });
      this.updatePriceAges(report.nowMs);
      report.push = { timestampSec, markets, txHash: receipt.hash, blockNumber: receipt.blockNumber };
      logger.info({ trigger: report.trigger, timestampSec, markets, tx: receipt.hash }, "prices pushed");
    } catch (error) {
      const reason = describeCallFailure(error, ...this.errorInterfaces);
      report.error = reason;
      metrics?.pushFailures.inc({ reason: reason.replace(/\(.*$/s, "") });
      logger.error({ err: error, reason, timestampSec, markets }, "pushPrices failed: re-reading the chain's prices");
      await this.resync().catch((resyncError: unknown) =>
        logger.error({ err: resyncError }, "cannot re-read the chain's prices; retrying next round"),
      );
    }
  }

  /** The prices of `o` put inside the market's bounds, then within the per-push deviation of its last push. */
  private clampForChain(o: MarketObservation, g: Guards, last: PushedPrice | undefined): PushedMarket {
    const safety = this.options.clampSafetyWad ?? DEFAULT_CLAMP_SAFETY_WAD;
    const [lo, hi] =
      g.kind === MarketKind.Bounded && g.status === MarketStatus.Resolving ? [0n, WAD] : [g.minPriceWad, g.maxPriceWad];
    const fit = (price: bigint, previous: bigint | undefined, what: "index" | "mark") => {
      const inBounds = price < lo ? lo : price > hi ? hi : price;
      const stepped = clampStep(g.kind, previous, inBounds, g.maxPushDeviationWad, safety);
      if (stepped !== price) {
        this.options.metrics?.clamped.inc({ market: String(o.marketId), price: what });
        this.options.logger.info(
          { marketId: o.marketId, price: what, computedWad: price, pushedWad: stepped, previousWad: previous },
          "price clamped to the chain's per-push limit",
        );
      }
      return stepped;
    };
    return {
      marketId: o.marketId,
      indexWad: fit(o.indexWad, last?.indexWad, "index"),
      markWad: fit(o.markWad, last?.markWad, "mark"),
      rawIndexWad: o.indexWad,
      rawMarkWad: o.markWad,
    };
  }

  /** Re-reads the last pushed prices of every market from the OracleRegistry. */
  private async resync(): Promise<void> {
    await Promise.all(
      [...this.markets.entries()].map(async ([marketId, market]) => {
        const snapshot = await this.options.oracleRegistry.snapshot(marketId);
        market.last =
          snapshot.timestamp === 0n
            ? undefined
            : { indexWad: snapshot.indexWad, markWad: snapshot.markWad, timestampSec: Number(snapshot.timestamp) };
      }),
    );
  }

  private updatePriceAges(nowMs: number): void {
    for (const [marketId, market] of this.markets) {
      if (market.last === undefined) continue;
      this.options.metrics?.priceAge.set({ market: String(marketId) }, nowMs / 1_000 - market.last.timestampSec);
    }
  }

  private mustMarket(marketId: number): MarketRuntime {
    const market = this.markets.get(marketId);
    if (market === undefined) throw new Error(`internal: no oracle feed for market ${marketId}`);
    return market;
  }
}

/** Whether `next` moved more than `thresholdWad` from `last`: relative for ASSET, absolute for BOUNDED. */
export function movedBeyond(kind: MarketKind, last: bigint, next: bigint, thresholdWad: bigint): boolean {
  const distance = next > last ? next - last : last - next;
  return kind === MarketKind.Bounded ? distance > thresholdWad : distance * WAD > thresholdWad * last;
}

/** The latest perp mid of each venue no older than `maxAgeMs`. */
function perpMids(quotes: readonly PriceQuote[], nowMs: number, maxAgeMs: number): bigint[] {
  const latest = new Map<string, PriceQuote>();
  for (const q of quotes) {
    if (q.kind !== "perpMid" || nowMs - q.timestampMs > maxAgeMs) continue;
    const seen = latest.get(q.venue);
    if (seen === undefined || q.timestampMs >= seen.timestampMs) latest.set(q.venue, q);
  }
  return [...latest.values()].map((q) => q.priceWad);
}
