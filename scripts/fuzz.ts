/**
 * `npm run fuzz:long`: the stateful fuzzer of test/security/fuzz.stateful.test.ts at length (10,000 sequences by
 * default) on the in-process Hardhat network, with a progress line per 100 sequences and a JSON report of what was
 * reached (steps per action, outcomes, custom errors met). Exits 1 on the first broken invariant, after printing the
 * seed and path that replay it (shrunk to a short counterexample worth adding to test/security/fuzz/regressions.ts).
 *
 *   npm run fuzz:long                                  # 10,000 sequences, random seed
 *   npm run fuzz:long -- --runs 500 --seed 42          # a shorter, reproducible run
 *   npm run fuzz:long -- --seed 42 --path "17:3:0"     # replay a reported failure
 */
import { writeFileSync } from "node:fs";
import { Command } from "commander";

const program = new Command()
  .name("npm run fuzz:long --")
  .description("stateful fuzzing of Keel against every invariant of DESIGN §13 (see README, Security suite)")
  .option("--runs <n>", "sequences to run", (v) => Number.parseInt(v, 10), 10_000)
  .option("--max-steps <n>", "most actions per sequence", (v) => Number.parseInt(v, 10), 25)
  .option("--seed <n>", "fast-check seed (random by default; printed either way)", (v) => Number.parseInt(v, 10))
  .option("--path <path>", "fast-check replay path of a reported failure (with its --seed)")
  .option("--no-shrink", "report the first failing sequence as found, without shrinking it")
  .option("--report <file>", "where the JSON report is written", "fuzz-report.json")
  .showHelpAfterError();

async function main(): Promise<number> {
  program.parse(process.argv);
  const o = program.opts<{
    runs: number;
    maxSteps: number;
    seed?: number;
    path?: string;
    shrink: boolean;
    report: string;
  }>();
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error(`--runs must be a positive integer, got ${o.runs}`);
  // Loading Hardhat here keeps `--help` fast; the fuzzer runs on its in-process network.
  await import("hardhat");
  const { runFuzz } = await import("../test/security/fuzz/run");
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  const started = Date.now();
  process.stdout.write(`fuzzing ${o.runs} sequences of up to ${o.maxSteps} steps, seed ${seed}\n`);
  const stats = await runFuzz({
    numRuns: o.runs,
    maxSteps: o.maxSteps,
    seed,
    path: o.path,
    endOnFailure: !o.shrink,
    onSequence: (s) => {
      if (s.sequences % 100 !== 0) return;
      const minutes = (Date.now() - started) / 60_000;
      process.stdout.write(`  ${s.sequences} sequences (of ${o.runs}), ${s.steps} steps, ${minutes.toFixed(1)} min\n`);
      // A partial report every 100 sequences, so that an interrupted run still says how far it got.
      writeFileSync(
        o.report,
        JSON.stringify({ ...s, seed, maxSteps: o.maxSteps, minutes, partial: true }, null, 2) + "\n",
      );
    },
  });
  const report = { ...stats, maxSteps: o.maxSteps, minutes: (Date.now() - started) / 60_000, violations: 0 };
  writeFileSync(o.report, JSON.stringify(report, null, 2) + "\n");
  process.stdout.write(
    `\n${stats.sequences} sequences, ${stats.steps} steps, 0 violations (seed ${seed}); report: ${o.report}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // fast-check's report (seed, path, counterexample) wraps the sequence's failure (step, trace, violation).
    for (
      let e: unknown = error, depth = 0;
      e !== undefined && depth < 3;
      e = (e as { cause?: unknown }).cause, depth++
    ) {
      process.stderr.write(`\n${e instanceof Error ? e.message : String(e)}\n`);
    }
    process.exit(1);
  },
);
