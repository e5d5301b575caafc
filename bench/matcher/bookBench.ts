/**
 * Measures {@link MatchingEngine} alone: a fresh engine per run, the workload's resting orders placed untimed, then
 * the timed mix of places and cancels (see ./bookWorkload.ts).
 */
import { MatchingEngine } from "../../keepers/matcher/engine";
import { BENCH_MARKET, type BookOperation, type BookWorkload } from "./bookWorkload";
import { elapsedMs } from "./timing";

const NOW_MS = 1_700_000_000_000;

/** What one run of the mix did besides taking time: counts that show the mix is realistic. */
export interface BookRunCounts {
  fills: number;
  cancels: number;
  restingAtEnd: number;
}

/** Runs `workload` on a fresh engine; returns the time of the mix (ms) and what it did. */
export function runBookWorkload(workload: BookWorkload): { ms: number; counts: BookRunCounts } {
  const engine = new MatchingEngine({ markets: [BENCH_MARKET], now: () => NOW_MS });
  const counts: BookRunCounts = { fills: 0, cancels: 0, restingAtEnd: 0 };
  const apply = (op: BookOperation): void => {
    if (op.kind === "cancel") {
      if (engine.cancel(op.hash) !== undefined) counts.cancels += 1;
    } else {
      counts.fills += engine.place(op.order, { nowMs: NOW_MS }).fills.length;
    }
  };
  for (const op of workload.prefill) apply(op);
  counts.fills = 0;
  counts.cancels = 0;
  const ms = elapsedMs(() => {
    for (const op of workload.mix) apply(op);
  });
  const snapshot = engine.book(BENCH_MARKET.marketId);
  counts.restingAtEnd =
    snapshot.bids.reduce((n, l) => n + l.orderCount, 0) + snapshot.asks.reduce((n, l) => n + l.orderCount, 0);
  return { ms, counts };
}
