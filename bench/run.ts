/**
 * `npm run bench`: measures the figures of DESIGN §11 the same way every time — gas (settlement, deposit, withdrawal,
 * liquidation stages, funding, price pushes), matcher throughput with and without signature checks, gateway throughput
 * and latency over HTTP and WebSocket, order-to-settlement latency, and the liquidation scan — writes
 * `bench/results.json` and prints each figure beside its target.
 *
 *   npm run bench                    # every suite (a few minutes)
 *   npm run bench -- --only gas,scan # some suites
 *   npm run bench -- --smoke         # tiny sizes: checks every code path, figures meaningless (not written)
 *
 * Benchmarks are not tests: nothing here fails on a slow figure; a missed target is shown as MISS.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { meetsTarget, type BenchFigure, type SuiteOptions } from "./figures";

/** The suites, in run order (each is bench/<name>.ts exporting `run`). */
export const SUITES = ["gas", "matcher", "scan", "gateway"] as const;

type SuiteName = (typeof SUITES)[number];
type Suite = { run(options: SuiteOptions): Promise<BenchFigure[]> };

const loaders: Record<SuiteName, () => Promise<Suite>> = {
  gas: () => import("./gas"),
  matcher: () => import("./matcher"),
  scan: () => import("./scan"),
  gateway: () => import("./gateway"),
};

/** Runs `names` and returns their figures in order. */
export async function runSuites(names: readonly SuiteName[], options: SuiteOptions): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const name of names) {
    const started = Date.now();
    options.log(`bench: ${name} …`);
    figures.push(...(await (await loaders[name]()).run(options)));
    options.log(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return figures;
}

/** The table `npm run bench` prints: figure, value, target and whether it is met. */
export function formatTable(figures: readonly BenchFigure[]): string {
  const rows = figures.map((f) => {
    const met = meetsTarget(f);
    return [
      f.label,
      `${formatNumber(f.value)} ${f.unit}`,
      f.target ? `${f.target.op} ${formatNumber(f.target.bound)}` : "",
      met === undefined ? "" : met ? "MET" : "MISS",
    ];
  });
  const header = ["figure", "value", "target", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function formatNumber(value: number): string {
  return Number.isInteger(value)
    ? value.toLocaleString("en-US")
    : value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

async function main(): Promise<void> {
  const program = new Command()
    .name("npm run bench --")
    .description("measure gas, throughput, latency and scan time; write bench/results.json")
    .option("--only <suites>", `comma-separated subset of ${SUITES.join(", ")}`)
    .option("--smoke", "tiny sizes to check the code paths; nothing is written", false)
    .option("--out <file>", "results file", path.join(__dirname, "results.json"))
    .parse(process.argv);
  const options = program.opts<{ only?: string; smoke: boolean; out: string }>();
  const names = (options.only?.split(",").map((s) => s.trim()) ?? [...SUITES]) as SuiteName[];
  const unknown = names.filter((n) => !SUITES.includes(n));
  if (unknown.length > 0)
    throw new Error(`unknown suite(s) ${unknown.join(", ")}; the suites are ${SUITES.join(", ")}`);
  // The suites deploy on Hardhat's in-process network; loading it first keeps `--help` fast.
  await import("hardhat");
  const figures = await runSuites(names, { smoke: options.smoke, log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`\n${formatTable(figures)}\n`);
  if (options.smoke) return;
  const results = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench${options.only ? ` -- --only ${options.only}` : ""}`,
    machine: {
      node: process.version,
      cpu: os.cpus()[0]?.model ?? "unknown",
      cores: os.cpus().length,
      platform: os.platform(),
    },
    figures: Object.fromEntries(figures.map((f) => [f.id, { ...f, met: meetsTarget(f) }])),
  };
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwritten: ${options.out}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
