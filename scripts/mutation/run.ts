/**
 * Mutation testing of the Keel contracts (issue 10): applies each hand-written mutant of `mutants.ts` to a temporary
 * work copy of the repository, compiles, runs the mutant's test suites with `--bail`, and reports killed / survived /
 * invalid. Exits 1 when any mutant survived or is invalid, 2 when the run itself could not proceed, 130 on SIGINT.
 *
 * @example
 *   npm run mutate                                 # every mutant, each against its own suites
 *   npm run mutate -- --only batch-id-check-dropped,order-expiry-dropped --keep
 *   npm run mutate -- --all-suites --report /tmp/mutation-all.json
 */
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { MutantAnchorError } from "./apply";
import { errorLines, firstMochaFailure, runHardhat } from "./hardhat";
import { MUTANTS, type Mutant } from "./mutants";
import { buildReport, classifyTestRun, writeReport, type MutantResult, type TestVerdict } from "./report";
import { suitesOf, testFiles } from "./suites";
import { Workspace } from "./workspace";

/** The repository this script belongs to (scripts/mutation/ → ../..). */
const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Options of the CLI, as commander parses them. */
interface CliOptions {
  only?: string;
  allSuites: boolean;
  report: string;
  keep: boolean;
  skipBaseline: boolean;
  timeout: number;
  list: boolean;
}

/** The run could not proceed (pristine copy broken, unknown mutant id, interrupted): exit 2 or 130. */
class MutationRunError extends Error {
  override readonly name = "MutationRunError";

  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new InvalidArgumentError("expected a whole number of seconds");
  return seconds;
}

/** The mutants named by `--only` (comma-separated ids), or all of them. */
function selectMutants(only: string | undefined): Mutant[] {
  if (only === undefined) return [...MUTANTS];
  const ids = only
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  const unknown = ids.filter((id) => !MUTANTS.some((m) => m.id === id));
  if (unknown.length > 0) {
    throw new MutationRunError(`unknown mutant id(s): ${unknown.join(", ")} (list them with --list)`);
  }
  return MUTANTS.filter((m) => ids.includes(m.id));
}

/** Compiles the pristine copy and runs the union of the selected suites on it: every suite must pass unmutated. */
async function baseline(ws: Workspace, mutants: Mutant[], opts: CliOptions, signal: AbortSignal): Promise<void> {
  const compile = await runHardhat(ws.repo, ["compile", "--quiet"], { timeoutMs: opts.timeout * 1000, signal });
  throwIfAborted(signal);
  if (compile.exitCode !== 0) {
    throw new MutationRunError(`the unmutated copy does not compile: ${errorLines(compile.output)}`);
  }
  console.log(`baseline: compiled in ${compile.seconds.toFixed(1)} s`);
  if (opts.skipBaseline) return;
  const files = testFiles(ws.repo, [...new Set(mutants.flatMap((m) => suitesOf(m, opts.allSuites)))]);
  const tests = await runHardhat(ws.repo, ["test", "--no-compile", "--bail", ...files], {
    timeoutMs: opts.timeout * 1000 * 4,
    signal,
  });
  throwIfAborted(signal);
  if (tests.exitCode !== 0) {
    const failure = firstMochaFailure(tests.output);
    throw new MutationRunError(
      `the unmutated suites fail, so no verdict would mean anything: ` +
        (failure ? `${failure.title}: ${failure.error}` : errorLines(tests.output)),
    );
  }
  console.log(`baseline: ${files.length} test files pass unmutated in ${tests.seconds.toFixed(1)} s`);
}

/** Applies one mutant, compiles, runs its suites, and restores nothing (the next `apply` restores). */
async function runMutant(ws: Workspace, mutant: Mutant, opts: CliOptions, signal: AbortSignal): Promise<MutantResult> {
  const started = Date.now();
  const result = ({ verdict, killedBy, detail }: TestVerdict): MutantResult => ({
    id: mutant.id,
    file: mutant.file,
    description: mutant.description,
    verdict,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    killedBy,
    ...(detail === undefined ? {} : { detail }),
  });
  try {
    ws.apply(mutant);
  } catch (err) {
    if (err instanceof MutantAnchorError) return result({ verdict: "invalid", killedBy: null, detail: err.message });
    throw err;
  }
  const timeoutMs = opts.timeout * 1000;
  const compile = await runHardhat(ws.repo, ["compile", "--quiet"], { timeoutMs, signal });
  throwIfAborted(signal);
  if (compile.exitCode !== 0) {
    return result({ verdict: "invalid", killedBy: null, detail: `does not compile: ${errorLines(compile.output)}` });
  }
  const files = testFiles(ws.repo, suitesOf(mutant, opts.allSuites));
  const tests = await runHardhat(ws.repo, ["test", "--no-compile", "--bail", ...files], { timeoutMs, signal });
  throwIfAborted(signal);
  return result(classifyTestRun(tests));
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new MutationRunError("interrupted", 130);
}

function progressLine(index: number, total: number, r: MutantResult): string {
  const width = String(total).length;
  const head = `[${String(index).padStart(width)}/${total}] ${r.verdict.toUpperCase().padEnd(8)} ${r.id}`;
  const tail = r.verdict === "killed" ? `by: ${r.killedBy}` : (r.detail ?? "every test passed: a test gap");
  return `${head.padEnd(60)} ${r.seconds.toFixed(1).padStart(6)} s  ${tail}`;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("mutate")
    .description(
      "Mutation testing of the Keel contracts: applies each hand-written mutant (scripts/mutation/mutants.ts) to a " +
        "temporary work copy of the repository, compiles, runs its test suites with --bail, and reports killed / " +
        "survived / invalid. Exits 1 if any mutant survived or is invalid.",
    )
    .option("--only <ids>", "run only these mutants (comma-separated ids)")
    .option("--all-suites", "run the whole test/contracts suite (plus the mutant's own suites) for every mutant", false)
    .option("--report <path>", "where to write the JSON report", path.join(REPO_ROOT, "reports", "mutation.json"))
    .option("--keep", "leave the temporary work copy on disk (its path is printed)", false)
    .option("--skip-baseline", "skip the unmutated test run (the unmutated copy is still compiled)", false)
    .option(
      "--timeout <seconds>",
      "kill a compile or test run after this long (a test timeout counts as killed)",
      parseSeconds,
      900,
    )
    .option("--list", "print the mutants and exit", false)
    .showHelpAfterError();
  program.parse(argv);
  const opts = program.opts<CliOptions>();

  const mutants = selectMutants(opts.only);
  if (opts.list) {
    for (const m of mutants) console.log(`${m.id.padEnd(44)} ${m.file}  ${m.description}`);
    return 0;
  }

  const started = Date.now();
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  const ws = Workspace.create(REPO_ROOT);
  console.log(`work copy: ${ws.repo}`);
  const results: MutantResult[] = [];
  try {
    await baseline(ws, mutants, opts, controller.signal);
    for (const [i, mutant] of mutants.entries()) {
      const r = await runMutant(ws, mutant, opts, controller.signal);
      results.push(r);
      console.log(progressLine(i + 1, mutants.length, r));
    }
    ws.restore();
  } finally {
    process.removeListener("SIGINT", interrupt);
    process.removeListener("SIGTERM", interrupt);
    if (opts.keep) console.log(`kept the work copy at ${ws.repo}`);
    else ws.dispose();
  }

  const totalSeconds = (Date.now() - started) / 1000;
  const command = ["ts-node --transpile-only scripts/mutation/run.ts", ...argv.slice(2)].join(" ");
  const report = buildReport(results, { command, allSuites: opts.allSuites, totalSeconds });
  const reportFile = path.resolve(opts.report);
  writeReport(reportFile, report);
  console.log(
    `${results.length} mutants: ${report.killed} killed, ${report.survived} survived, ${report.invalid} invalid ` +
      `in ${(totalSeconds / 60).toFixed(1)} min; report: ${path.relative(process.cwd(), reportFile)}`,
  );
  return report.survived + report.invalid === 0 ? 0 : 1;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`mutation run failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = err instanceof MutationRunError ? err.exitCode : 2;
  },
);
