/**
 * The shape of a benchmark figure (DESIGN §11): what `npm run bench` writes to `bench/results.json` and prints beside
 * its target. Every suite in bench/ returns a list of these.
 */

/** A target a figure is compared with: `value` must be at most (`<=`) or at least (`>=`) `bound`. */
export interface BenchTarget {
  op: "<=" | ">=";
  bound: number;
}

/** One measured figure. */
export interface BenchFigure {
  /** Stable id, e.g. "gas.settleBatch.pair.50" (the key in results.json). */
  id: string;
  /** What a reader sees in the table, e.g. "gas per matched pair, batch of 50". */
  label: string;
  value: number;
  /** "gas", "gas/pair", "orders/s", "ms", "fills/block", … */
  unit: string;
  target?: BenchTarget;
  /** How it was measured, what dominates it, caveats (one line). */
  note?: string;
}

/** Options every suite receives. */
export interface SuiteOptions {
  /** Small sizes for a smoke run (tests): every code path, no meaningful figure. */
  smoke: boolean;
  /** Progress lines (stderr). */
  log(line: string): void;
}

/** Whether `figure` meets its target (undefined when it has none). */
export function meetsTarget(figure: BenchFigure): boolean | undefined {
  if (!figure.target) return undefined;
  return figure.target.op === "<=" ? figure.value <= figure.target.bound : figure.value >= figure.target.bound;
}
