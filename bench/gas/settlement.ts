/**
 * Gas of `settleBatch` in its steady state (test/contracts/trading/gasScenarios.ts, shared with the gas snapshot
 * test): matched pairs of distinct accounts that already hold positions, one maker against many takers, and how many
 * fills the best batch shape settles in one 2M-gas HyperEVM small block.
 */
import { deployKeel } from "../../test/fixtures/keel";
import { makerBatchGas, pairBatchGas } from "../../test/contracts/trading/gasScenarios";
import type { BenchFigure, SuiteOptions } from "../figures";
import { gasFigure } from "./figure";

/** Gas limit of a HyperEVM small block. */
export const SMALL_BLOCK_GAS = 2_000_000;

/** One measured batch: how many fills it settled and the gas of its transaction. */
export interface BatchGas {
  shape: "pairs" | "maker";
  fills: number;
  gasUsed: number;
}

const perFill = (b: BatchGas): number => Math.round(b.gasUsed / b.fills);

/** Gas of a batch of `fills` fills of `shape`, each on a freshly reverted deployment. */
async function measureBatch(shape: BatchGas["shape"], fills: number): Promise<BatchGas> {
  const f = await deployKeel();
  const gasUsed = Number(shape === "pairs" ? await pairBatchGas(f, fills) : await makerBatchGas(f, fills));
  return { shape, fills, gasUsed };
}

/**
 * The largest batch of `shape` that fits in a small block, searched one fill at a time from `guess` (gas grows with
 * every fill, so the first size that crosses the limit ends the search).
 */
async function largestFitting(shape: BatchGas["shape"], guess: number): Promise<BatchGas | undefined> {
  let current = await measureBatch(shape, Math.max(1, guess));
  if (current.gasUsed <= SMALL_BLOCK_GAS) {
    for (;;) {
      const next = await measureBatch(shape, current.fills + 1);
      if (next.gasUsed > SMALL_BLOCK_GAS) return current;
      current = next;
    }
  }
  while (current.gasUsed > SMALL_BLOCK_GAS) {
    if (current.fills === 1) return undefined;
    current = await measureBatch(shape, current.fills - 1);
  }
  return current;
}

/** A first guess of the largest fitting batch from a fixed cost per transaction and a marginal cost per fill. */
function guessFitting(fixedGas: number, marginalGas: number): number {
  return Math.floor((SMALL_BLOCK_GAS - fixedGas) / marginalGas);
}

const PAIR_NOTE =
  "distinct accounts holding positions, nonces 1 then 2; per pair ≈ 47k storage+ecrecover+calldata floor, the rest is" +
  " legacy-codegen memory-struct overhead, the vault's settleBalances (≈17k) and the end-of-batch margin pass (≈17k)" +
  " (README 'Gas of settleBatch')";
const MAKER_NOTE =
  "one maker order filled by N distinct takers holding positions; per fill ≈ one taker order (cold account, nonce word," +
  " position, ecrecover), the fill (band, limits, two applyFill, fees, Filled event), the taker's balance in" +
  " settleBalances and its margin check; the maker's costs are shared";

/** Settlement gas figures: per pair at each batch size, per fill of one maker, fills per small block. */
export async function settlementFigures(options: SuiteOptions): Promise<BenchFigure[]> {
  const pairSizes = options.smoke ? [1, 2] : [1, 10, 50, 100];
  const makerTakers = options.smoke ? 2 : 50;
  const measured: BatchGas[] = [];
  const figures: BenchFigure[] = [];
  for (const pairs of pairSizes) {
    options.log(`gas: settleBatch with ${pairs} matched pair(s)`);
    const b = await measureBatch("pairs", pairs);
    measured.push(b);
    figures.push(
      gasFigure(`settleBatch.pair.${pairs}`, `gas per matched pair, batch of ${pairs}`, perFill(b), PAIR_NOTE, {
        unit: "gas/pair",
        ...(pairs === 50 && { target: { op: "<=", bound: 45_000 } }),
      }),
    );
  }
  options.log(`gas: settleBatch with one maker against ${makerTakers} takers`);
  const maker = await measureBatch("maker", makerTakers);
  measured.push(maker);
  figures.push(
    gasFigure(
      `settleBatch.makerFill.${makerTakers}`,
      `gas per fill, one maker vs ${makerTakers} takers`,
      perFill(maker),
      MAKER_NOTE,
      {
        unit: "gas/fill",
        ...(makerTakers === 50 && { target: { op: "<=", bound: 30_000 } }),
      },
    ),
  );
  if (!options.smoke) measured.push(...(await searchFitting(options, measured)));
  figures.push(fillsPerBlockFigure(measured));
  return figures;
}

/** Full runs: the largest pair batch and the largest one-maker batch that fit in a small block. */
async function searchFitting(options: SuiteOptions, measured: BatchGas[]): Promise<BatchGas[]> {
  const pairs = measured.filter((b) => b.shape === "pairs").sort((a, b) => a.fills - b.fills);
  const [small, large] = [pairs[1], pairs[pairs.length - 1]];
  const marginal = (large.gasUsed - small.gasUsed) / (large.fills - small.fills);
  const fixed = small.gasUsed - marginal * small.fills;
  const maker = measured.find((b) => b.shape === "maker");
  const found: BatchGas[] = [];
  options.log("gas: searching the largest pair batch that fits in 2M gas");
  const pairFit = await largestFitting("pairs", guessFitting(fixed, marginal));
  if (pairFit) found.push(pairFit);
  if (maker) {
    options.log("gas: searching the largest one-maker batch that fits in 2M gas");
    const makerFit = await largestFitting("maker", guessFitting(fixed, (maker.gasUsed - fixed) / maker.fills));
    if (makerFit) found.push(makerFit);
  }
  return found;
}

/**
 * Fills per 2M-gas block: the best per-fill cost among the measured batches that fit in one block, times how many
 * such fills the block holds (the fitting batch itself when it was searched for).
 */
export function fillsPerBlockFigure(measured: BatchGas[]): BenchFigure {
  const fitting = measured.filter((b) => b.gasUsed <= SMALL_BLOCK_GAS);
  if (fitting.length === 0) throw new Error(`no measured settleBatch fits in ${SMALL_BLOCK_GAS} gas`);
  const best = fitting.reduce((a, b) => (perFill(b) < perFill(a) ? b : a));
  const fills = Math.floor(SMALL_BLOCK_GAS / perFill(best));
  const note =
    `best shape that fits: ${best.shape === "pairs" ? `${best.fills} matched pairs` : `one maker vs ${best.fills} takers`}` +
    ` (${best.gasUsed} gas, ${perFill(best)}/fill); bounded by the per-fill cost of settleBatch`;
  return gasFigure("settleBatch.fillsPerBlock", "fills per 2M-gas block", fills, note, {
    unit: "fills/block",
    target: { op: ">=", bound: 44 },
  });
}
