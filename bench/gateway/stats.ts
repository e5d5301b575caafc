/** Order statistics of latency samples (nearest-rank percentiles) and medians of repeated runs. */

/**
 * The `p`-th percentile (0 < p ≤ 100) of `samples` by nearest rank: the smallest sample at or above `p`% of them.
 * @throws RangeError for an empty list or `p` outside (0, 100].
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError("percentile of no samples");
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.ceil((p / 100) * sorted.length)) - 1];
}

/** The median of `values` (mean of the two middle ones for an even count). @throws RangeError when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** p50 and p99 of one run's latency samples (ms). */
export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
}

/** p50 and p99 of `latenciesMs`. */
export function summarize(latenciesMs: readonly number[]): LatencySummary {
  return { p50Ms: percentile(latenciesMs, 50), p99Ms: percentile(latenciesMs, 99) };
}

/** Elapsed milliseconds since `startNs` (a `process.hrtime.bigint()` reading), with sub-millisecond precision. */
export function msSince(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}
