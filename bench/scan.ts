/**
 * Liquidation scan time (DESIGN §8, §11): {@link HealthTracker} over 10,000 and 100,000 accounts holding one or two
 * positions (bench/scan/population.ts), as a full `recomputeAll` and as the incremental update a BTC-USD mark push
 * triggers (every account holds BTC, so it recomputes every holder's BTC term). In memory: no chain.
 */
import { HealthTracker } from "../keepers/liquidator/tracker";
import { BTC, silentLogger, wad } from "../test/keepers/liquidator/tracker/helpers";
import type { BenchFigure, SuiteOptions } from "./figures";
import { medianOf } from "./matcher/timing";
import { population } from "./scan/population";

/** Runs the scan suite; see the module comment. */
export async function run(options: SuiteOptions): Promise<BenchFigure[]> {
  const plan = options.smoke
    ? [
        { id: "10k", accounts: 200 },
        { id: "100k", accounts: 2_000 },
      ].map((p) => ({ ...p, runs: 1, warmups: 1 }))
    : [
        { id: "10k", accounts: 10_000, runs: 7, warmups: 2 },
        { id: "100k", accounts: 100_000, runs: 5, warmups: 2 },
      ];
  const figures: BenchFigure[] = [];
  for (const step of plan) figures.push(...(await scanFigures(step, options)));
  return figures;
}

async function scanFigures(
  step: { id: string; accounts: number; runs: number; warmups: number },
  options: SuiteOptions,
): Promise<BenchFigure[]> {
  const indexer = population(step.accounts);
  const tracker = new HealthTracker({ indexer, logger: silentLogger() });
  tracker.start();
  const fullMs = await medianOf(step.runs, step.warmups, () => tracker.recomputeAll().ms);
  let push = 0;
  const markMs = await medianOf(step.runs, step.warmups, () => {
    push += 1;
    indexer.pushMark(BTC, wad(60_000) + wad(push % 2 === 0 ? 25 : -25) * BigInt(push));
    return tracker.stats().lastScanMs;
  });
  const { liquidatable, atRisk, lastScanAccounts } = tracker.stats();
  tracker.stop();
  options.log(
    `scan.${step.id}: full ${fullMs.toFixed(1)} ms, BTC mark ${markMs.toFixed(1)} ms (${step.accounts} accounts)`,
  );
  const described = `${step.accounts} accounts (all BTC-USD, half also an event market; ${liquidatable} liquidatable, ${atRisk} at risk)`;
  const target = step.id === "100k" ? { op: "<=" as const, bound: 200 } : undefined;
  return [
    {
      id: `scan.${step.id}.full`,
      label: `liquidation scan, ${step.accounts.toLocaleString("en-US")} accounts, full recompute`,
      value: fullMs,
      unit: "ms",
      target,
      note: `HealthTracker.recomputeAll over ${described}; dominated by allocation/GC of per-account bookkeeping (a new contributions Map, entry and bigints per account; Map/Set churn in recomputeAccount/publish), then positionHealth's bigint mulDiv (~10%); grows faster than linearly past 10k`,
    },
    {
      id: `scan.${step.id}.markUpdate`,
      label: `liquidation scan, ${step.accounts.toLocaleString("en-US")} accounts, BTC mark update`,
      value: markMs,
      unit: "ms",
      target,
      note: `incremental update of a BTC-USD mark push touching ${lastScanAccounts} holders; recomputes only the BTC term; dominated by publish (new HealthEntry per holder, Set churn) and GC`,
    },
  ];
}
