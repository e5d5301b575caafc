/**
 * The funding keeper (DESIGN §7, Hyperliquid's scheme). Every 5 s it samples each trading market's premium from the
 * matcher gateway's impact bid and ask against the last pushed index; at each funding boundary of chain time it
 * averages the interval's per-minute medians, computes the funding per unit and calls
 * `PositionManager.applyFunding(marketId, fundingPerUnitWad)` (FUNDING_ROLE) — one transaction per market.
 *
 * - **Which markets**: Active and Resolving ones (the only statuses applyFunding accepts), from the indexer, optionally
 *   restricted to `marketIds`.
 * - **Sampling window**: the samples of the last `fundingIntervalSec` of wall-clock time that were taken after this
 *   keeper's previous application for the market (so no sample counts twice). A keeper that restarted mid-interval
 *   averages what it saw since it started.
 * - **No samples** (every tick had a side missing, no index, or the gateway was down): the rate is the interest term
 *   alone, `clamp(interest8h, ±0.05%) / 8` per hour.
 * - **Reference price**: 1 USD for BOUNDED markets; for ASSET markets the oracle's index read just before sending
 *   (`indexPrice`, which reverts `OracleStale` like applyFunding would). Should the oracle push a lower index between
 *   that read and the block, a capped rate can exceed the new on-chain bound: applyFunding then reverts
 *   `FundingAboveCap`, nothing is paid, and the next tick retries with the fresh index.
 * - **Failures** (revert, RPC error) are logged with the decoded custom error and counted; the market stays due and the
 *   next tick tries again. Nothing is ever applied twice: the chain refuses a second call in the same interval
 *   (`FundingTooEarly`) and the keeper re-reads `lastFundingAt` before each attempt.
 */
import type { Interface, TransactionReceipt } from "ethers";
import type { Logger } from "../core/logger";
import type { TxSender } from "../core/txSender";
import type { GatewayClient } from "../gateway/client";
import type { IndexedMarket } from "../indexer/state";
import { MarketKind, MarketStatus } from "../sdk/markets";
import { wadToNumber } from "../sdk/math";
import { IOracleRegistry__factory, type OracleRegistry, type PositionManager } from "../sdk/typechain";
import type { FundingMetrics } from "./metrics";
import { premiumWad } from "./premium";
import { computeFunding, fundingReferencePriceWad, type FundingComputation } from "./rate";
import { describeCallFailure, pause } from "../core/chainSupport";
import { PREMIUM_SAMPLE_INTERVAL_MS, PremiumSampler } from "./sampler";
import { nextFundingAtSec } from "./schedule";

/** Default impact notional of ASSET markets: 20,000 USD (wad). */
export const DEFAULT_ASSET_IMPACT_NOTIONAL_WAD = 20_000n * 10n ** 18n;
/** Default impact notional of BOUNDED markets: 1,000 USD (wad). */
export const DEFAULT_BOUNDED_IMPACT_NOTIONAL_WAD = 1_000n * 10n ** 18n;

/** The notional (USD, wad) whose market-order fill price defines the impact bid and ask. */
export interface ImpactNotionals {
  /** ASSET markets (default 20,000 USD). */
  assetWad?: bigint;
  /** BOUNDED markets (default 1,000 USD). */
  boundedWad?: bigint;
  /** Per-market overrides, by market id. */
  byMarket?: Readonly<Record<number, bigint>>;
}

/** Options of {@link FundingKeeper}. */
export interface FundingKeeperOptions {
  /** The matcher gateway (impact bid and ask). */
  gateway: Pick<GatewayClient, "impactPrices">;
  /** Markets with their status, kind, funding parameters and last pushed index: the {@link ChainIndexer}. */
  indexer: { readonly markets: ReadonlyMap<number, IndexedMarket> };
  /** Read: `marketState(id).lastFundingAt`; write (through `sender`): `applyFunding`. */
  positionManager: PositionManager;
  /** Read: the fresh index (`indexPrice`) of ASSET markets at application. */
  oracleRegistry: OracleRegistry;
  /** Sends `applyFunding` from a FUNDING_ROLE account. */
  sender: Pick<TxSender, "sendAndWait">;
  /** The chain's current time (unix s), e.g. the latest block's timestamp. */
  chainTimeSec(): Promise<number>;
  logger: Logger;
  metrics?: FundingMetrics;
  impactNotionals?: ImpactNotionals;
  /** Only these markets (default: every Active or Resolving market of the indexer). */
  marketIds?: readonly number[];
  /** Sampling period (ms, default 5,000: Hyperliquid's). */
  sampleIntervalMs?: number;
  /** Half-width of the interest clamp per 8 h (wad, default 0.05%). */
  interestClampWad?: bigint;
  /** Wall clock of the premium samples (ms; default `Date.now`). */
  clock?(): number;
}

/** One `applyFunding` that landed. */
export interface AppliedFunding {
  marketId: number;
  /** Every step of the computation (premium, 8 h rate, hourly rate, per-unit amount, bound). */
  funding: FundingComputation;
  /** Minutes with samples in the interval. */
  minutesSampled: number;
  /** The reference price funding was paid on (wad). */
  referencePriceWad: bigint;
  /** From the `FundingApplied` event. */
  fundingEpoch: number;
  cumulativeFundingWad: bigint;
  txHash: string;
}

/** What {@link FundingKeeper.status} reports for `/health`. */
export interface FundingStatus {
  /** Wall-clock time of the last completed tick (ms; 0 before the first). */
  lastTickMs: number;
  /** Markets whose last application attempt failed, with the reason. */
  failing: Record<number, string>;
  /** The last applied epoch by market id. */
  appliedEpochs: Record<number, number>;
}

const TRADING = new Set([MarketStatus.Active, MarketStatus.Resolving]);

/** Samples premiums and applies funding; see the module comment. Drive it with {@link run} or {@link tick}. */
export class FundingKeeper {
  private readonly samplers = new Map<number, PremiumSampler>();
  /** Start (ms) of the next sampling window per market: just after the samples of the last application. */
  private readonly windowStartMs = new Map<number, number>();
  /** Chain time (s) this keeper first saw each market. */
  private readonly firstSeenSec = new Map<number, number>();
  private readonly sampleIntervalMs: number;
  private readonly clock: () => number;
  private readonly errorInterfaces: Interface[];
  private readonly state: FundingStatus = { lastTickMs: 0, failing: {}, appliedEpochs: {} };

  constructor(private readonly options: FundingKeeperOptions) {
    this.sampleIntervalMs = options.sampleIntervalMs ?? PREMIUM_SAMPLE_INTERVAL_MS;
    this.clock = options.clock ?? Date.now;
    this.errorInterfaces = [
      options.positionManager.interface as Interface,
      IOracleRegistry__factory.createInterface() as Interface,
    ];
  }

  /** Health details: last tick, failing markets, applied epochs. */
  status(): FundingStatus {
    return structuredClone(this.state);
  }

  /** The premium sampler of `marketId` (created on first use). */
  sampler(marketId: number): PremiumSampler {
    let sampler = this.samplers.get(marketId);
    if (sampler === undefined) {
      sampler = new PremiumSampler(this.sampleIntervalMs);
      this.samplers.set(marketId, sampler);
    }
    return sampler;
  }

  /** The impact notional of `market` (USD, wad). */
  impactNotionalWad(market: Pick<IndexedMarket, "marketId" | "kind">): bigint {
    const n = this.options.impactNotionals;
    return (
      n?.byMarket?.[market.marketId] ??
      (market.kind === MarketKind.Bounded
        ? (n?.boundedWad ?? DEFAULT_BOUNDED_IMPACT_NOTIONAL_WAD)
        : (n?.assetWad ?? DEFAULT_ASSET_IMPACT_NOTIONAL_WAD))
    );
  }

  /** One sampling round then the due applications; never throws (failures are logged and counted). */
  async tick(): Promise<AppliedFunding[]> {
    await this.sample();
    const applied = await this.applyDue();
    this.state.lastTickMs = this.clock();
    return applied;
  }

  /** Ticks every `sampleIntervalMs` until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.tick();
      } catch (error) {
        // tick() handles every expected failure; anything else is a bug worth seeing, but not worth stopping funding.
        this.options.logger.error({ err: error }, "funding tick failed unexpectedly; next tick in a moment");
      }
      await pause(this.sampleIntervalMs, signal);
    }
  }

  /**
   * Samples the premium of every trading market once (impact bid and ask from the gateway, the indexer's last pushed
   * index); returns how many samples were recorded. A market without an index, a side missing or a failed request
   * records nothing (counted in `keel_funding_samples_skipped_total`).
   */
  async sample(): Promise<number> {
    const nowMs = this.clock();
    const outcomes = await Promise.all(this.tradingMarkets().map((market) => this.sampleMarket(market, nowMs)));
    return outcomes.filter(Boolean).length;
  }

  /** Applies funding to every trading market whose funding boundary has passed; returns what landed. */
  async applyDue(): Promise<AppliedFunding[]> {
    let chainNowSec: number;
    try {
      chainNowSec = await this.options.chainTimeSec();
    } catch (error) {
      this.options.logger.error({ err: error }, "cannot read the chain time: funding waits for the next tick");
      return [];
    }
    const applied: AppliedFunding[] = [];
    for (const market of this.tradingMarkets()) {
      const result = await this.applyIfDue(market, chainNowSec);
      if (result !== undefined) applied.push(result);
    }
    return applied;
  }

  private tradingMarkets(): IndexedMarket[] {
    const wanted = this.options.marketIds;
    return [...this.options.indexer.markets.values()].filter(
      (m) => TRADING.has(m.status) && (wanted === undefined || wanted.includes(m.marketId)),
    );
  }

  private async sampleMarket(market: IndexedMarket, nowMs: number): Promise<boolean> {
    const { logger, metrics } = this.options;
    const labels = { market: String(market.marketId) };
    if (market.indexWad === undefined || market.indexWad === 0n) {
      metrics?.samplesSkipped.inc({ ...labels, reason: "no_index" });
      return false;
    }
    let impact: { impactBidWad?: bigint; impactAskWad?: bigint };
    try {
      impact = await this.options.gateway.impactPrices(market.marketId, this.impactNotionalWad(market));
    } catch (error) {
      metrics?.samplesSkipped.inc({ ...labels, reason: "gateway" });
      logger.warn({ err: error, marketId: market.marketId }, "impact prices unavailable: no premium sample this tick");
      return false;
    }
    const premium = premiumWad(impact.impactBidWad, impact.impactAskWad, market.indexWad);
    if (premium === undefined) {
      metrics?.samplesSkipped.inc({ ...labels, reason: "missing_side" });
      logger.debug({ marketId: market.marketId, ...impact }, "book too thin on one side: no premium sample");
      return false;
    }
    this.sampler(market.marketId).record(nowMs, premium);
    metrics?.samples.inc(labels);
    metrics?.lastPremium.set(labels, wadToNumber(premium));
    return true;
  }

  private async applyIfDue(market: IndexedMarket, chainNowSec: number): Promise<AppliedFunding | undefined> {
    const { marketId } = market;
    const { fundingIntervalSec: intervalSec } = market.funding;
    if (!this.firstSeenSec.has(marketId)) this.firstSeenSec.set(marketId, chainNowSec);
    try {
      const { lastFundingAt } = await this.options.positionManager.marketState(marketId);
      const dueAtSec = nextFundingAtSec(Number(lastFundingAt), intervalSec, this.firstSeenSec.get(marketId) ?? 0);
      if (chainNowSec < dueAtSec) return undefined;
      return await this.apply(market);
    } catch (error) {
      const reason = describeCallFailure(error, ...this.errorInterfaces);
      this.state.failing[marketId] = reason;
      this.options.metrics?.failures.inc({ market: String(marketId), reason: reason.replace(/\(.*$/s, "") });
      this.options.logger.error({ err: error, marketId, reason }, "applyFunding failed; retrying next tick");
      return undefined;
    }
  }

  private async apply(market: IndexedMarket): Promise<AppliedFunding> {
    const { marketId } = market;
    const { positionManager: pm, logger, metrics } = this.options;
    const nowMs = this.clock();
    const toMs = nowMs + 1;
    const fromMs = Math.max(nowMs - market.funding.fundingIntervalSec * 1_000, this.windowStartMs.get(marketId) ?? 0);
    const sampler = this.sampler(marketId);
    const minutesSampled = sampler.minuteMedians(fromMs, toMs).length;
    const indexWad =
      market.kind === MarketKind.Bounded ? undefined : await this.options.oracleRegistry.indexPrice(marketId);
    const referencePriceWad = fundingReferencePriceWad(market.kind, indexWad ?? 0n);
    const funding = computeFunding({
      avgPremiumWad: sampler.averagePremium(fromMs, toMs),
      interestRate8hWad: market.funding.interestRate8hWad,
      fundingCapWad: market.funding.fundingCapWad,
      fundingIntervalSec: market.funding.fundingIntervalSec,
      referencePriceWad,
      interestClampWad: this.options.interestClampWad,
    });
    const receipt = await this.options.sender.sendAndWait(
      await pm.applyFunding.populateTransaction(marketId, funding.fundingPerUnitWad),
    );
    const event = fundingAppliedIn(receipt, pm, marketId);
    this.windowStartMs.set(marketId, toMs);
    sampler.prune(toMs);
    delete this.state.failing[marketId];
    this.state.appliedEpochs[marketId] = event.fundingEpoch;
    const labels = { market: String(marketId) };
    metrics?.applications.inc(labels);
    metrics?.appliedEpoch.set(labels, event.fundingEpoch);
    metrics?.lastHourlyRate.set(labels, wadToNumber(funding.hourlyRateWad));
    metrics?.lastFundingPerUnit.set(labels, wadToNumber(funding.fundingPerUnitWad));
    const applied: AppliedFunding = {
      marketId,
      funding,
      minutesSampled,
      referencePriceWad,
      ...event,
      txHash: receipt.hash,
    };
    logger.info(
      { ...applied, block: receipt.blockNumber, interestOnly: !funding.sampled },
      funding.capped ? "funding applied (hourly rate at the market's cap)" : "funding applied",
    );
    return applied;
  }
}

/** The `FundingApplied` event of `marketId` in `receipt`. */
function fundingAppliedIn(
  receipt: TransactionReceipt,
  pm: PositionManager,
  marketId: number,
): { fundingEpoch: number; cumulativeFundingWad: bigint } {
  for (const log of receipt.logs) {
    const parsed = (() => {
      try {
        return pm.interface.parseLog({ topics: [...log.topics], data: log.data });
      } catch {
        return null; // another contract's event in the same receipt
      }
    })();
    if (parsed?.name === "FundingApplied" && Number(parsed.args.marketId) === marketId) {
      return {
        fundingEpoch: Number(parsed.args.fundingEpoch),
        cumulativeFundingWad: parsed.args.cumulativeFundingWad as bigint,
      };
    }
  }
  throw new Error(`applyFunding(${marketId}) landed in ${receipt.hash} without a FundingApplied event`);
}
