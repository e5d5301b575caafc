/**
 * Timing helpers of the matcher and scan suites: a seeded pseudo-random generator (so every run sees the same
 * workload) and the median of repeated measurements after a warm-up.
 */
import { performance } from "node:perf_hooks";

/** A deterministic pseudo-random generator (mulberry32): `next()` returns a float in [0, 1). */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** The median of `values` (the mean of the two middle ones for an even count). @throws {RangeError} when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs `measure` `warmups` times (discarded), then `runs` times, and returns the median of what it returned (ms for
 * durations). `measure` sets up its own fresh state and reports only the part it times.
 */
export async function medianOf(
  runs: number,
  warmups: number,
  measure: () => number | Promise<number>,
): Promise<number> {
  for (let i = 0; i < warmups; i += 1) await measure();
  const values: number[] = [];
  for (let i = 0; i < runs; i += 1) values.push(await measure());
  return median(values);
}

/** Wall time of `operation` in ms (synchronous). */
export function elapsedMs(operation: () => void): number {
  const startedAt = performance.now();
  operation();
  return performance.now() - startedAt;
}

/** Operations per second from a count and a duration in ms. */
export function perSecond(count: number, ms: number): number {
  return (count * 1000) / ms;
}
