/**
 * The index price (DESIGN §7): a weighted median of venue prices with per-venue staleness and outlier rejection.
 *
 * {@link computeIndex} takes each venue's latest quote, drops venues whose quote is older than their staleness limit
 * ("stale"), takes the weighted median of the fresh ones as a reference, drops venues further than
 * `maxDeviationWad` (relative) from it ("outlier"), and returns the weighted median of the venues left.
 */
import { WAD } from "../sdk/math";
import type { PriceQuote, QuoteKind } from "./types";

/** Index weights by venue (DESIGN §7): Binance 3, OKX 2, Bybit 2; every other venue gets `defaultWeight`. */
export const DEFAULT_INDEX_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({ binance: 3, okx: 2, bybit: 2 });

/** A venue's quote older than this is stale (ms). */
export const DEFAULT_MAX_STALENESS_MS = 10_000;

/** A venue further than this from the fresh venues' weighted median is an outlier (relative, wad: 2%). */
export const DEFAULT_MAX_DEVIATION_WAD = 20_000_000_000_000_000n;

/** How the index is computed. */
export interface IndexConfig {
  /**
   * Oldest usable quote age (ms): one number for every venue, or a limit per venue (venues not listed use
   * {@link DEFAULT_MAX_STALENESS_MS}). A quote exactly at the limit is fresh; one from the future (clock skew) too.
   */
  maxStalenessMs: number | Readonly<Record<string, number>>;
  /** Largest |price − reference| / reference kept (wad; a venue exactly at the limit is kept). */
  maxDeviationWad: bigint;
  /** Fewest venues the index needs; below that {@link computeIndex} returns undefined. */
  minSources: number;
  /** Weight by venue (non-negative integers; 0 disables a venue). */
  weights: Readonly<Record<string, number>>;
  /** Weight of a venue missing from `weights`. */
  defaultWeight: number;
  /** Quote kinds that count (all when undefined), e.g. ["spot", "perpMid"]. */
  kinds?: readonly QuoteKind[];
}

/** The defaults of {@link IndexConfig}. */
export const DEFAULT_INDEX_CONFIG: Readonly<IndexConfig> = Object.freeze({
  maxStalenessMs: DEFAULT_MAX_STALENESS_MS,
  maxDeviationWad: DEFAULT_MAX_DEVIATION_WAD,
  minSources: 1,
  weights: DEFAULT_INDEX_WEIGHTS,
  defaultWeight: 1,
});

/** A venue's latest quote as the index saw it. */
export interface IndexVenue {
  readonly venue: string;
  readonly quote: PriceQuote;
  readonly priceWad: bigint;
  readonly weight: number;
  /** nowMs − quote time (negative for a quote from the future). */
  readonly ageMs: number;
}

/**
 * Why a venue was left out: its quote is too old ("stale"), too far from the others ("outlier"), its weight is 0
 * ("disabled"), or its price is not positive ("invalid": a broken feed, never a price).
 */
export type IndexDropReason = "stale" | "outlier" | "disabled" | "invalid";

/** A venue left out of the index, with the reason. */
export interface DroppedVenue extends IndexVenue {
  readonly reason: IndexDropReason;
  /** For an outlier: |price − reference| / reference (wad, rounded down). */
  readonly deviationWad?: bigint;
}

/** The index and how it was made. */
export interface IndexResult {
  /** Weighted median of the `used` venues (wad). */
  readonly indexWad: bigint;
  /** Weighted median of the fresh venues, the outlier reference (wad). */
  readonly referenceWad: bigint;
  /** Venues in the median, by venue name. */
  readonly used: readonly IndexVenue[];
  /** Venues left out, by venue name. */
  readonly dropped: readonly DroppedVenue[];
}

/** {@link IndexResult} that may lack an index (too few venues), for logging why. */
export interface IndexEvaluation {
  readonly indexWad?: bigint;
  readonly referenceWad?: bigint;
  readonly used: readonly IndexVenue[];
  readonly dropped: readonly DroppedVenue[];
}

/** One value of a weighted median. */
export interface WeightedValue {
  readonly valueWad: bigint;
  /** A non-negative safe integer; 0 leaves the value out. */
  readonly weight: number;
}

/**
 * The weighted median of `entries`. Values are sorted ascending and their weights accumulated; with W the total
 * weight, the median is the first value whose cumulative weight c has 2c > W. When a value ends exactly at half
 * (2c = W) the median is the mean of that value and the next one, rounded down: the rule of the ordinary median of
 * an even count (all weights 1: [1, 2, 3, 4] → 2.5 → floor).
 * @example weightedMedian([{ valueWad: 100n, weight: 3 }, { valueWad: 90n, weight: 1 }]) === 100n
 * @throws RangeError when a weight is negative, not an integer or not finite, or the total weight is 0.
 */
export function weightedMedian(entries: readonly WeightedValue[]): bigint {
  const weighted = entries.filter((e) => {
    if (!Number.isSafeInteger(e.weight) || e.weight < 0) {
      throw new RangeError(`Median weights must be non-negative integers, got ${e.weight}`);
    }
    return e.weight > 0;
  });
  if (weighted.length === 0) throw new RangeError("Median of nothing: no value has a positive weight");
  const sorted = [...weighted].sort((a, b) => (a.valueWad < b.valueWad ? -1 : a.valueWad > b.valueWad ? 1 : 0));
  const total = sorted.reduce((sum, e) => sum + BigInt(e.weight), 0n);
  let cumulative = 0n;
  for (let i = 0; i < sorted.length; i++) {
    cumulative += BigInt(sorted[i].weight);
    if (2n * cumulative > total) return sorted[i].valueWad;
    if (2n * cumulative === total) {
      const low = sorted[i].valueWad;
      // Rounded down (toward −∞) whatever the signs: low + floor((high − low) / 2) with high ≥ low.
      return low + (sorted[i + 1].valueWad - low) / 2n;
    }
  }
  throw new Error("unreachable: the cumulative weight reaches the total");
}

/** The ordinary median (every weight 1; an even count averages the two middle values, rounded down). */
export function median(valuesWad: readonly bigint[]): bigint {
  return weightedMedian(valuesWad.map((valueWad) => ({ valueWad, weight: 1 })));
}

/**
 * The index at `nowMs` from `quotes` (any order, any number per venue: each venue's latest counts), or undefined when
 * fewer than `minSources` venues survive. See the module doc for the steps, {@link IndexConfig} for the options.
 * @throws RangeError on an invalid config (negative staleness, non-integer weight, minSources < 1).
 */
export function computeIndex(
  quotes: readonly PriceQuote[],
  nowMs: number,
  config: Partial<IndexConfig> = {},
): IndexResult | undefined {
  const evaluation = evaluateIndex(quotes, nowMs, config);
  const { indexWad, referenceWad } = evaluation;
  return indexWad === undefined || referenceWad === undefined ? undefined : { ...evaluation, indexWad, referenceWad };
}

/**
 * {@link computeIndex} with the venues used and dropped even when there is no index, so a keeper can log why.
 * @throws RangeError on an invalid config.
 */
export function evaluateIndex(
  quotes: readonly PriceQuote[],
  nowMs: number,
  config: Partial<IndexConfig> = {},
): IndexEvaluation {
  const cfg: IndexConfig = { ...DEFAULT_INDEX_CONFIG, ...config };
  if (!Number.isSafeInteger(cfg.minSources) || cfg.minSources < 1) {
    throw new RangeError(`minSources must be a positive integer, got ${cfg.minSources}`);
  }
  if (cfg.maxDeviationWad < 0n) throw new RangeError(`maxDeviationWad must be ≥ 0, got ${cfg.maxDeviationWad}`);
  const dropped: DroppedVenue[] = [];
  const fresh: IndexVenue[] = [];
  for (const venue of latestPerVenue(quotes, nowMs, cfg)) {
    if (venue.priceWad <= 0n) dropped.push({ ...venue, reason: "invalid" });
    else if (venue.weight === 0) dropped.push({ ...venue, reason: "disabled" });
    else if (venue.ageMs > stalenessLimit(cfg, venue.venue)) dropped.push({ ...venue, reason: "stale" });
    else fresh.push(venue);
  }
  if (fresh.length === 0) return { used: [], dropped };
  const referenceWad = weightedMedian(fresh.map((v) => ({ valueWad: v.priceWad, weight: v.weight })));
  const used: IndexVenue[] = [];
  for (const venue of fresh) {
    const distanceWad = venue.priceWad > referenceWad ? venue.priceWad - referenceWad : referenceWad - venue.priceWad;
    // |p − ref| / ref > maxDeviation, compared exactly as |p − ref| · 1e18 > maxDeviation · ref.
    if (distanceWad * WAD > cfg.maxDeviationWad * referenceWad) {
      const deviationWad = referenceWad === 0n ? undefined : (distanceWad * WAD) / referenceWad;
      dropped.push({ ...venue, reason: "outlier", ...(deviationWad === undefined ? {} : { deviationWad }) });
    } else {
      used.push(venue);
    }
  }
  dropped.sort(byVenue);
  if (used.length < cfg.minSources) return { referenceWad, used, dropped };
  const indexWad = weightedMedian(used.map((v) => ({ valueWad: v.priceWad, weight: v.weight })));
  return { indexWad, referenceWad, used, dropped };
}

function byVenue(a: { venue: string }, b: { venue: string }): number {
  return a.venue < b.venue ? -1 : a.venue > b.venue ? 1 : 0;
}

/** Each venue's latest quote of a counted kind (a later position wins a tie in time), sorted by venue name. */
function latestPerVenue(quotes: readonly PriceQuote[], nowMs: number, cfg: IndexConfig): IndexVenue[] {
  const latest = new Map<string, PriceQuote>();
  for (const quote of quotes) {
    if (cfg.kinds && !cfg.kinds.includes(quote.kind)) continue;
    const seen = latest.get(quote.venue);
    if (!seen || quote.timestampMs >= seen.timestampMs) latest.set(quote.venue, quote);
  }
  return [...latest.values()]
    .map((quote): IndexVenue => ({
      venue: quote.venue,
      quote,
      priceWad: quote.priceWad,
      weight: weightOf(cfg, quote.venue),
      ageMs: nowMs - quote.timestampMs,
    }))
    .sort(byVenue);
}

function weightOf(cfg: IndexConfig, venue: string): number {
  const weight = Object.hasOwn(cfg.weights, venue) ? cfg.weights[venue] : cfg.defaultWeight;
  if (!Number.isSafeInteger(weight) || weight < 0) {
    throw new RangeError(`Index weight of ${venue} must be a non-negative integer, got ${weight}`);
  }
  return weight;
}

function stalenessLimit(cfg: IndexConfig, venue: string): number {
  const limit =
    typeof cfg.maxStalenessMs === "number"
      ? cfg.maxStalenessMs
      : Object.hasOwn(cfg.maxStalenessMs, venue)
        ? cfg.maxStalenessMs[venue]
        : DEFAULT_MAX_STALENESS_MS;
  if (!(limit >= 0)) throw new RangeError(`maxStalenessMs of ${venue} must be ≥ 0, got ${limit}`);
  return limit;
}
