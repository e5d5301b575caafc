/**
 * The gas suite of `npm run bench` (DESIGN §11): gas read from transaction receipts on the in-process Hardhat
 * network, against the real contracts deployed by the real deploy scripts. Every figure is deterministic (fixed
 * account keys, fixed prices, a snapshot reverted before each scenario). Figure ids start with "gas.".
 *
 * Smoke mode settles batches of 1 and 2 pairs and one maker against 2 takers instead of 1/10/50/100 pairs and 50
 * takers, and skips the search for the largest batch that fits in a block; the single-transaction figures are the same.
 */
import type { BenchFigure, SuiteOptions } from "./figures";
import { settlementFigures } from "./gas/settlement";
import { vaultFigures } from "./gas/vault";
import { waterfallFigures } from "./gas/waterfall";
import { oracleFundingFigures } from "./gas/oracleFunding";

/** Runs the gas suite and returns its figures (ids "gas.…"). */
export async function run(options: SuiteOptions): Promise<BenchFigure[]> {
  return [
    ...(await settlementFigures(options)),
    ...(await vaultFigures(options)),
    ...(await waterfallFigures(options)),
    ...(await oracleFundingFigures(options)),
  ];
}
