/**
 * Mark prices (DESIGN §7) and the push clamp of the oracle keeper.
 *
 * - {@link AssetMarkCalculator}: Hyperliquid's mark for ASSET markets, the median of (index + 150 s EMA of the book's
 *   basis), median(best bid, best ask, last trade) and the median of external perp mids.
 * - {@link BoundedMarkCalculator}: a probability mark for BOUNDED markets, clamped to [ε, 1 − ε], step-limited,
 *   EMA-smoothed, holding the last good mark when observations stop.
 * - {@link clampStep}: keeps every push strictly inside OracleRegistry's per-push deviation guard.
 *
 * EMAs are time-weighted: a sample after Δt ms moves the average by alpha = 1 − e^(−Δt/τ) of the gap, so the result
 * does not depend on how often updates come. alpha is computed in bigint (see {@link emaAlphaWad}): deterministic on
 * every platform, no float on the price path.
 */
import { MarketKind } from "../sdk/markets";
import { WAD } from "../sdk/math";
import { median } from "./index";

/* EXPONENTIAL MOVING AVERAGE */

/** Internal precision of {@link emaAlphaWad}: 36 decimals. */
const PRECISION = 10n ** 36n;
/** e^(−1) at 36 decimals, rounded down (0.367879441171442321595523770161460867…). */
const EXP_MINUS_ONE = 367_879_441_171_442_321_595_523_770_161_460_867n;
/** Past 64 time constants e^(−x) is far below 1 wei: alpha is exactly 1. */
const MAX_WHOLE_TIME_CONSTANTS = 64n;

/**
 * alpha = 1 − e^(−elapsedMs / timeConstantMs) as a wad, for a time-weighted EMA. Computed in bigint at 36 decimals:
 * e^(−x) = e^(−1)^⌊x⌋ · e^(−frac x), the fraction by its Taylor series, then rounded to the nearest wad; the error is
 * far below 1 wei before that rounding. 0 when no time passed (elapsedMs ≤ 0), 1e18 after about 43 time constants.
 * @throws RangeError when timeConstantMs is not a positive safe integer or elapsedMs not a safe integer.
 */
export function emaAlphaWad(elapsedMs: number, timeConstantMs: number): bigint {
  if (!Number.isSafeInteger(timeConstantMs) || timeConstantMs <= 0) {
    throw new RangeError(`EMA time constant must be a positive integer of ms, got ${timeConstantMs}`);
  }
  if (!Number.isSafeInteger(elapsedMs)) throw new RangeError(`Elapsed time must be an integer of ms, got ${elapsedMs}`);
  if (elapsedMs <= 0) return 0n;
  const tau = BigInt(timeConstantMs);
  const whole = BigInt(elapsedMs) / tau;
  if (whole >= MAX_WHOLE_TIME_CONSTANTS) return WAD;
  const fraction = ((BigInt(elapsedMs) % tau) * PRECISION) / tau; // in [0, 1) at PRECISION
  // e^(−f) = Σ (−f)^n / n!, alternating and decreasing for f < 1: stop when a term vanishes at this precision.
  let expNeg = PRECISION;
  let term = PRECISION;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * fraction) / (PRECISION * n);
    expNeg += n % 2n === 1n ? -term : term;
  }
  for (let i = 0n; i < whole; i++) expNeg = (expNeg * EXP_MINUS_ONE) / PRECISION;
  const scale = PRECISION / WAD;
  return WAD - (expNeg + scale / 2n) / scale;
}

/**
 * A time-weighted exponential moving average of a signed wad series. The first sample sets the average; each later
 * one moves it by alpha(Δt) of the gap, the move truncated toward zero, so it never overshoots the sample. A sample
 * at a time before the previous one counts as Δt = 0 (a clock step back moves nothing).
 */
export class TimeWeightedEma {
  private averageWad?: bigint;
  private lastMs?: number;

  /** @param timeConstantMs τ of alpha = 1 − e^(−Δt/τ) (ms, positive integer). */
  constructor(readonly timeConstantMs: number) {
    emaAlphaWad(0, timeConstantMs); // validates τ
  }

  /** The average, undefined before the first sample. */
  get valueWad(): bigint | undefined {
    return this.averageWad;
  }

  /** Adds `sampleWad` observed at `nowMs` and returns the new average. */
  update(nowMs: number, sampleWad: bigint): bigint {
    if (this.averageWad === undefined || this.lastMs === undefined) {
      this.averageWad = sampleWad;
    } else {
      const alphaWad = emaAlphaWad(Math.max(0, nowMs - this.lastMs), this.timeConstantMs);
      // BigInt division truncates toward zero: the move never exceeds the gap.
      this.averageWad += ((sampleWad - this.averageWad) * alphaWad) / WAD;
    }
    this.lastMs = Math.max(nowMs, this.lastMs ?? nowMs);
    return this.averageWad;
  }
}

/* ASSET MARK */

/** Options of {@link AssetMarkCalculator}. */
export interface AssetMarkOptions {
  /** τ of the EMA of the book's basis (book mid − index), ms; default 150 s. */
  basisEmaMs?: number;
  /** τ of the EMA of the mark used when only two inputs exist, ms; default 30 s. */
  markEmaMs?: number;
}

/** One update of the asset mark (prices wad USD). */
export interface AssetMarkInput {
  nowMs: number;
  /** The index price (required, > 0). */
  indexWad: bigint;
  /** Our book's best bid and ask, when there are any. */
  bestBidWad?: bigint;
  bestAskWad?: bigint;
  /** Our last trade price. */
  lastTradeWad?: bigint;
  /** Mids of the same perp on other venues. */
  externalPerpMidsWad?: readonly bigint[];
}

/** What went into a mark (wad). */
export interface AssetMarkComponents {
  readonly indexWad: bigint;
  /** The 150 s EMA of (book mid − index), once a two-sided book was seen. */
  readonly basisEmaWad?: bigint;
  /** Input 1: index + basis EMA. */
  readonly indexPlusBasisWad?: bigint;
  /** Input 2: median of best bid, best ask and last trade (those present, at least two). */
  readonly bookMedianWad?: bigint;
  /** Input 3: median of the external perp mids. */
  readonly externalMedianWad?: bigint;
  /** The 30 s EMA of the mark, when exactly two inputs were available. */
  readonly markEmaWad?: bigint;
  /** The values whose median is the mark. */
  readonly medianInputsWad: readonly bigint[];
}

/**
 * The mark of an ASSET market, Hyperliquid's way (DESIGN §7): the median of
 *   1. index + 150 s EMA of (book mid − index): available once the book has been two-sided (the EMA holds its last
 *      value while it is not, so the input stays anchored to the live index);
 *   2. median(best bid, best ask, last trade) of those present, when at least two are;
 *   3. median of the external perp mids, when any.
 * With fewer than two of these the index joins as an input, so with none the mark is the index. With exactly two
 * inputs a and b the third is the 30 s EMA of the mark, advanced from the previous mark toward median(a, b):
 * mark = median(a, b, EMA). Medians of two values are their mean rounded down.
 */
export class AssetMarkCalculator {
  private readonly basisEma: TimeWeightedEma;
  private readonly markEmaMs: number;
  private previousMarkWad?: bigint;
  private previousMarkMs?: number;

  constructor({ basisEmaMs = 150_000, markEmaMs = 30_000 }: AssetMarkOptions = {}) {
    this.basisEma = new TimeWeightedEma(basisEmaMs);
    emaAlphaWad(0, markEmaMs);
    this.markEmaMs = markEmaMs;
  }

  /**
   * The mark at `nowMs`.
   * @throws RangeError when the index is not positive or a price is negative.
   */
  update(input: AssetMarkInput): { markWad: bigint; components: AssetMarkComponents } {
    const { nowMs, indexWad, bestBidWad, bestAskWad, lastTradeWad, externalPerpMidsWad = [] } = input;
    if (indexWad <= 0n) throw new RangeError(`Index must be positive, got ${indexWad}`);
    const prices = [bestBidWad, bestAskWad, lastTradeWad, ...externalPerpMidsWad];
    if (prices.some((p) => p !== undefined && p < 0n)) throw new RangeError("Book and perp prices must be ≥ 0");

    if (bestBidWad !== undefined && bestAskWad !== undefined) {
      this.basisEma.update(nowMs, (bestBidWad + bestAskWad) / 2n - indexWad);
    }
    const basisEmaWad = this.basisEma.valueWad;
    const indexPlusBasisWad = basisEmaWad === undefined ? undefined : indexWad + basisEmaWad;
    const book = [bestBidWad, bestAskWad, lastTradeWad].filter((p): p is bigint => p !== undefined);
    const bookMedianWad = book.length >= 2 ? median(book) : undefined;
    const externalMedianWad = externalPerpMidsWad.length > 0 ? median(externalPerpMidsWad) : undefined;

    const inputs = [indexPlusBasisWad, bookMedianWad, externalMedianWad].filter((p): p is bigint => p !== undefined);
    if (inputs.length < 2) inputs.push(indexWad);
    let markEmaWad: bigint | undefined;
    if (inputs.length === 2) {
      const rawWad = median(inputs);
      markEmaWad = this.advanceMarkEma(nowMs, rawWad);
      inputs.push(markEmaWad);
    }
    const markWad = median(inputs);
    this.previousMarkWad = markWad;
    this.previousMarkMs = Math.max(nowMs, this.previousMarkMs ?? nowMs);
    return {
      markWad,
      components: {
        indexWad,
        basisEmaWad,
        indexPlusBasisWad,
        bookMedianWad,
        externalMedianWad,
        markEmaWad,
        medianInputsWad: inputs,
      },
    };
  }

  /** The previous mark moved toward `sampleWad` by alpha(Δt, 30 s); the sample itself on the first update. */
  private advanceMarkEma(nowMs: number, sampleWad: bigint): bigint {
    if (this.previousMarkWad === undefined || this.previousMarkMs === undefined) return sampleWad;
    const alphaWad = emaAlphaWad(Math.max(0, nowMs - this.previousMarkMs), this.markEmaMs);
    return this.previousMarkWad + ((sampleWad - this.previousMarkWad) * alphaWad) / WAD;
  }
}

/* BOUNDED MARK */

/** Options of {@link BoundedMarkCalculator} (wad probabilities, ms). */
export interface BoundedMarkOptions {
  /** The mark stays in [ε, 1 − ε] (0 < ε < 0.5e18). */
  epsilonWad: bigint;
  /** Largest move per update (absolute wad, > 0). */
  maxStepWad: bigint;
  /** τ of the EMA toward the latest observation (ms). */
  emaMs: number;
  /** An observation older than this no longer moves the mark, which is then reported stale (ms, ≥ 0). */
  staleAfterMs: number;
  /** The mark to start from (e.g. the on-chain mark after a restart), clamped to [ε, 1 − ε]. */
  initialMarkWad?: bigint;
}

/** A bounded market has no mark yet: no observation and no `initialMarkWad`. */
export class MarkUnavailableError extends Error {
  override readonly name = "MarkUnavailableError";
  constructor() {
    super("No mark yet: pass an observation (or start the calculator with initialMarkWad, e.g. the on-chain mark)");
  }
}

/**
 * The mark of a BOUNDED market (a probability). Each update moves the mark toward the latest observation (the one
 * passed, else the previous one while it is at most `staleAfterMs` old): by the EMA's alpha(Δt since the previous
 * update), then at most `maxStepWad`, then into [ε, 1 − ε]. With no observation for `staleAfterMs` the mark holds
 * and `stale` is true. The first observation (without `initialMarkWad`) sets the mark, clamped to [ε, 1 − ε].
 */
export class BoundedMarkCalculator {
  private readonly options: BoundedMarkOptions;
  private markWad?: bigint;
  private lastUpdateMs?: number;
  private observationWad?: bigint;
  private observationMs?: number;

  /** @throws RangeError on an ε outside (0, 0.5), a non-positive step, τ or a negative staleness limit. */
  constructor(options: BoundedMarkOptions) {
    const { epsilonWad, maxStepWad, emaMs, staleAfterMs, initialMarkWad } = options;
    if (epsilonWad <= 0n || 2n * epsilonWad >= WAD) throw new RangeError(`ε must be in (0, 0.5e18), got ${epsilonWad}`);
    if (maxStepWad <= 0n) throw new RangeError(`maxStepWad must be positive, got ${maxStepWad}`);
    if (!(staleAfterMs >= 0)) throw new RangeError(`staleAfterMs must be ≥ 0, got ${staleAfterMs}`);
    emaAlphaWad(0, emaMs);
    this.options = { ...options };
    if (initialMarkWad !== undefined) this.markWad = this.clampToRange(initialMarkWad);
  }

  /**
   * The mark at `nowMs`, after `observationWad` (a probability in [0, 1e18]) when given.
   * @throws RangeError when the observation is outside [0, 1e18].
   * @throws MarkUnavailableError when there has never been an observation nor an initial mark.
   */
  update({ nowMs, observationWad }: { nowMs: number; observationWad?: bigint }): { markWad: bigint; stale: boolean } {
    if (observationWad !== undefined) {
      if (observationWad < 0n || observationWad > WAD) {
        throw new RangeError(`A probability must be in [0, 1e18], got ${observationWad}`);
      }
      this.observationWad = observationWad;
      this.observationMs = nowMs;
    }
    const fresh =
      this.observationMs !== undefined && nowMs - this.observationMs <= this.options.staleAfterMs
        ? this.observationWad
        : undefined;
    const previousMs = this.lastUpdateMs;
    this.lastUpdateMs = Math.max(nowMs, previousMs ?? nowMs);
    if (this.markWad === undefined) {
      if (fresh === undefined) throw new MarkUnavailableError();
      this.markWad = this.clampToRange(fresh);
      return { markWad: this.markWad, stale: false };
    }
    if (fresh === undefined) return { markWad: this.markWad, stale: true };
    const alphaWad = previousMs === undefined ? WAD : emaAlphaWad(Math.max(0, nowMs - previousMs), this.options.emaMs);
    const { maxStepWad } = this.options;
    let moveWad = ((fresh - this.markWad) * alphaWad) / WAD;
    if (moveWad > maxStepWad) moveWad = maxStepWad;
    if (moveWad < -maxStepWad) moveWad = -maxStepWad;
    this.markWad = this.clampToRange(this.markWad + moveWad);
    return { markWad: this.markWad, stale: false };
  }

  private clampToRange(valueWad: bigint): bigint {
    const { epsilonWad } = this.options;
    if (valueWad < epsilonWad) return epsilonWad;
    if (valueWad > WAD - epsilonWad) return WAD - epsilonWad;
    return valueWad;
  }
}

/* PUSH CLAMP */

/** Default share of the on-chain deviation limit a push may use (0.99). */
export const DEFAULT_CLAMP_SAFETY_WAD = 990_000_000_000_000_000n;

/**
 * `nextWad` limited so that a push after `previousWad` passes OracleRegistry's deviation guard with room to spare.
 * The guard (`_checkDeviation`) reverts when |next − previous| > maxDelta, where maxDelta is
 * `previous.mulWadDown(maxDeviation)` (rounded down) for ASSET and `maxDeviation` itself for BOUNDED. This returns
 * `nextWad` when |next − previous| ≤ ⌊maxDelta · safety / 1e18⌋, else previous ± that amount; with safety < 1e18 the
 * move is strictly below maxDelta whenever maxDelta > 0. With no previous push (`previousWad` undefined; the chain
 * checks the first push against nothing) `nextWad` is returned.
 * @throws RangeError on a negative price or deviation, or a safety outside (0, 1e18].
 */
export function clampStep(
  kind: MarketKind,
  previousWad: bigint | undefined,
  nextWad: bigint,
  maxDeviationWad: bigint,
  safetyWad: bigint = DEFAULT_CLAMP_SAFETY_WAD,
): bigint {
  if (nextWad < 0n || (previousWad !== undefined && previousWad < 0n) || maxDeviationWad < 0n) {
    throw new RangeError("clampStep: prices and the deviation limit must be ≥ 0");
  }
  if (safetyWad <= 0n || safetyWad > WAD)
    throw new RangeError(`clampStep: safety must be in (0, 1e18], got ${safetyWad}`);
  if (previousWad === undefined) return nextWad;
  // Mirrors OracleRegistry._checkDeviation: relative for ASSET (rounded down), absolute for BOUNDED.
  const maxDeltaWad = kind === MarketKind.Bounded ? maxDeviationWad : (previousWad * maxDeviationWad) / WAD;
  const allowedWad = (maxDeltaWad * safetyWad) / WAD;
  if (nextWad > previousWad + allowedWad) return previousWad + allowedWad;
  if (nextWad < previousWad - allowedWad) return previousWad - allowedWad;
  return nextWad;
}
