/**
 * Coverage gate: prints line, branch, function and statement coverage per Solidity file and in total, and exits 1
 * when the total is below 95% of lines or 90% of branches.
 *
 * Input: the report of the last `hardhat coverage` run (solidity-coverage, configured by `.solcover.js`):
 * `coverage/coverage-summary.json` (istanbul json-summary) or, when that is missing or older, `coverage.json`
 * (istanbul per-file hit counts). Files under `contracts/mocks/` never count, whichever report is read.
 *
 * Usage: npx hardhat coverage --testfiles 'test/contracts/**\/*.test.ts' && npx ts-node --transpile-only scripts/checkCoverage.ts
 */
import fs from "node:fs";
import path from "node:path";

/** Minimum share of lines covered, in percent. */
export const MIN_LINES_PCT = 95;
/** Minimum share of branches covered, in percent. */
export const MIN_BRANCHES_PCT = 90;

/** Covered and total counts of one metric. */
export interface Tally {
  total: number;
  covered: number;
}

/** The four istanbul metrics of one file, or of the total. */
export interface FileCoverage {
  lines: Tally;
  branches: Tally;
  functions: Tally;
  statements: Tally;
}

const METRICS = ["lines", "branches", "functions", "statements"] as const;

/** Per-file hit counts as istanbul writes them to `coverage.json` (only the fields read here). */
interface IstanbulFileCounts {
  l: Record<string, number>;
  s: Record<string, number>;
  f: Record<string, number>;
  b: Record<string, number[]>;
}

/** Percent covered; an empty metric counts as fully covered (100), as istanbul reports it. */
export function pct(tally: Tally): number {
  return tally.total === 0 ? 100 : (100 * tally.covered) / tally.total;
}

/** True for a file whose figures count: anything but `contracts/mocks/`. */
export function countsTowardsGate(file: string): boolean {
  return !file.split(path.sep).join("/").includes("contracts/mocks/");
}

function tallyOf(counts: number[]): Tally {
  return { total: counts.length, covered: counts.filter((hits) => hits > 0).length };
}

/** Converts `coverage.json` (istanbul hit counts per file) into per-file tallies. */
export function fromHitCounts(data: Record<string, IstanbulFileCounts>): Map<string, FileCoverage> {
  const files = new Map<string, FileCoverage>();
  for (const [file, counts] of Object.entries(data)) {
    files.set(file, {
      lines: tallyOf(Object.values(counts.l)),
      statements: tallyOf(Object.values(counts.s)),
      functions: tallyOf(Object.values(counts.f)),
      branches: tallyOf(Object.values(counts.b).flat()),
    });
  }
  return files;
}

/** Converts `coverage-summary.json` (istanbul json-summary) into per-file tallies, dropping its `total` entry. */
export function fromSummary(data: Record<string, Record<(typeof METRICS)[number], Tally>>): Map<string, FileCoverage> {
  const files = new Map<string, FileCoverage>();
  for (const [file, summary] of Object.entries(data)) {
    if (file === "total") continue;
    const pick = (metric: (typeof METRICS)[number]): Tally => ({
      total: summary[metric].total,
      covered: summary[metric].covered,
    });
    files.set(file, {
      lines: pick("lines"),
      branches: pick("branches"),
      functions: pick("functions"),
      statements: pick("statements"),
    });
  }
  return files;
}

/** Sums the tallies of the files that count (see {@link countsTowardsGate}). */
export function totalOf(files: ReadonlyMap<string, FileCoverage>): FileCoverage {
  const total: FileCoverage = {
    lines: { total: 0, covered: 0 },
    branches: { total: 0, covered: 0 },
    functions: { total: 0, covered: 0 },
    statements: { total: 0, covered: 0 },
  };
  for (const [file, coverage] of files) {
    if (!countsTowardsGate(file)) continue;
    for (const metric of METRICS) {
      total[metric].total += coverage[metric].total;
      total[metric].covered += coverage[metric].covered;
    }
  }
  return total;
}

/** The reasons the total fails the gate; empty when it passes. */
export function gateFailures(total: FileCoverage): string[] {
  const failures: string[] = [];
  if (pct(total.lines) < MIN_LINES_PCT) {
    failures.push(`lines ${pct(total.lines).toFixed(2)}% < ${MIN_LINES_PCT}%`);
  }
  if (pct(total.branches) < MIN_BRANCHES_PCT) {
    failures.push(`branches ${pct(total.branches).toFixed(2)}% < ${MIN_BRANCHES_PCT}%`);
  }
  return failures;
}

/** A fixed-width table of the four metrics per counted file, then the total. */
export function formatCoverageTable(files: ReadonlyMap<string, FileCoverage>, root: string): string {
  const rows: [string, FileCoverage][] = [...files]
    .filter(([file]) => countsTowardsGate(file))
    .map(([file, coverage]): [string, FileCoverage] => [path.relative(root, path.resolve(root, file)), coverage])
    .sort(([a], [b]) => a.localeCompare(b));
  rows.push(["total", totalOf(files)]);
  const width = Math.max(...rows.map(([name]) => name.length));
  const cell = (tally: Tally): string => `${pct(tally).toFixed(2)}% ${tally.covered}/${tally.total}`.padStart(20);
  const header = `${"file".padEnd(width)}${METRICS.map((metric) => metric.padStart(20)).join("")}`;
  return [header, ...rows.map(([name, c]) => `${name.padEnd(width)}${METRICS.map((m) => cell(c[m])).join("")}`)].join(
    "\n",
  );
}

/**
 * Loads the newest coverage report under `root`.
 * @throws Error when neither report exists (coverage was not run).
 */
export function loadCoverage(root: string): { source: string; files: Map<string, FileCoverage> } {
  const summaryPath = path.join(root, "coverage", "coverage-summary.json");
  const countsPath = path.join(root, "coverage.json");
  const mtime = (file: string): number => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : -1);
  if (mtime(summaryPath) < 0 && mtime(countsPath) < 0) {
    throw new Error(`Neither ${summaryPath} nor ${countsPath} exists: run \`npx hardhat coverage\` first`);
  }
  if (mtime(summaryPath) >= mtime(countsPath)) {
    return { source: summaryPath, files: fromSummary(JSON.parse(fs.readFileSync(summaryPath, "utf8"))) };
  }
  return { source: countsPath, files: fromHitCounts(JSON.parse(fs.readFileSync(countsPath, "utf8"))) };
}

function main(): void {
  const root = path.resolve(__dirname, "..");
  const { source, files } = loadCoverage(root);
  console.log(`coverage from ${path.relative(root, source)} (contracts/mocks/ excluded)`);
  console.log(formatCoverageTable(files, root));
  const failures = gateFailures(totalOf(files));
  if (failures.length > 0) {
    console.error(`coverage gate failed: ${failures.join("; ")}`);
    process.exitCode = 1;
  } else {
    console.log(`coverage gate passed: lines ≥ ${MIN_LINES_PCT}% and branches ≥ ${MIN_BRANCHES_PCT}%`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error: unknown) {
    console.error(error);
    process.exitCode = 1;
  }
}
