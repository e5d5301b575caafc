/**
 * Premium samples of one market and their Hyperliquid aggregation (DESIGN §7): one sample per 5-second slot, the
 * median of each minute's samples, and the mean of the minute medians over a funding interval. Medians make a short
 * spike (one thin-book tick) count as one minute among sixty at most.
 */
import { divTowardZero } from "./premium";

/** Hyperliquid's premium sampling period (ms). */
export const PREMIUM_SAMPLE_INTERVAL_MS = 5_000;

/** Length of the buckets whose medians are averaged (ms). */
export const MINUTE_MS = 60_000;

/** One premium sample. */
export interface PremiumSample {
  /** When it was taken (ms since the epoch). */
  timestampMs: number;
  /** Signed premium (wad, 1e18 = 100%). */
  premiumWad: bigint;
}

/** The median of one minute's samples. */
export interface MinuteMedian {
  /** Start of the minute (ms since the epoch, a multiple of 60,000). */
  minuteStartMs: number;
  medianWad: bigint;
  /** Samples in the minute that fell inside the queried interval. */
  samples: number;
}

/**
 * The median of `values` (wad): the middle value, or for an even count the mean of the two middle values rounded toward
 * zero.
 * @throws RangeError for an empty list.
 */
export function medianWad(values: readonly bigint[]): bigint {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : divTowardZero(sorted[middle - 1] + sorted[middle], 2n);
}

/**
 * Collects the premium samples of one market and aggregates them.
 *
 * At most one sample is kept per `sampleIntervalMs` slot (`floor(timestampMs / sampleIntervalMs)`): a later sample of
 * the same slot replaces the earlier one, so a caller that ticks faster than every 5 s does not weigh some minutes
 * more than others.
 *
 * @example
 * const sampler = new PremiumSampler();
 * sampler.record(Date.now(), premiumWad(bid, ask, index)!);
 * const avg = sampler.averagePremium(hourStartMs, hourEndMs); // undefined when no sample fell in the hour
 */
export class PremiumSampler {
  /** Samples by slot, in insertion order of slots. */
  private readonly slots = new Map<number, PremiumSample>();

  constructor(readonly sampleIntervalMs: number = PREMIUM_SAMPLE_INTERVAL_MS) {
    if (!Number.isSafeInteger(sampleIntervalMs) || sampleIntervalMs <= 0 || MINUTE_MS % sampleIntervalMs !== 0) {
      throw new RangeError(`sampleIntervalMs must be a positive divisor of 60,000, got ${sampleIntervalMs}`);
    }
  }

  /** Samples held (one per slot). */
  get size(): number {
    return this.slots.size;
  }

  /**
   * Records a premium taken at `timestampMs`, replacing any sample of the same 5-second slot.
   * @throws RangeError for a timestamp that is not a finite number.
   */
  record(timestampMs: number, premiumWad: bigint): void {
    if (!Number.isFinite(timestampMs)) throw new RangeError(`sample timestamp must be finite, got ${timestampMs}`);
    this.slots.set(Math.floor(timestampMs / this.sampleIntervalMs), { timestampMs, premiumWad });
  }

  /** The samples with `fromMs ≤ timestampMs < toMs`, oldest first. */
  samplesBetween(fromMs: number, toMs: number): PremiumSample[] {
    return [...this.slots.values()]
      .filter((s) => s.timestampMs >= fromMs && s.timestampMs < toMs)
      .sort((a, b) => a.timestampMs - b.timestampMs);
  }

  /** The median of each minute that has samples in `[fromMs, toMs)`, oldest minute first. */
  minuteMedians(fromMs: number, toMs: number): MinuteMedian[] {
    const byMinute = new Map<number, bigint[]>();
    for (const sample of this.samplesBetween(fromMs, toMs)) {
      const minuteStartMs = Math.floor(sample.timestampMs / MINUTE_MS) * MINUTE_MS;
      const values = byMinute.get(minuteStartMs) ?? [];
      values.push(sample.premiumWad);
      byMinute.set(minuteStartMs, values);
    }
    return [...byMinute].map(([minuteStartMs, values]) => ({
      minuteStartMs,
      medianWad: medianWad(values),
      samples: values.length,
    }));
  }

  /**
   * The average premium over `[fromMs, toMs)`: the mean of the minute medians (each minute weighs the same however many
   * samples it has), rounded toward zero; `undefined` when no sample fell in the interval (then funding comes from the
   * interest term alone).
   */
  averagePremium(fromMs: number, toMs: number): bigint | undefined {
    const medians = this.minuteMedians(fromMs, toMs);
    if (medians.length === 0) return undefined;
    const sum = medians.reduce((acc, m) => acc + m.medianWad, 0n);
    return divTowardZero(sum, BigInt(medians.length));
  }

  /** Drops the samples taken before `beforeMs`; returns how many were dropped. */
  prune(beforeMs: number): number {
    let dropped = 0;
    for (const [slot, sample] of this.slots) {
      if (sample.timestampMs < beforeMs) {
        this.slots.delete(slot);
        dropped++;
      }
    }
    return dropped;
  }
}
