/**
 * Verdicts of a mutation run and its JSON report (`reports/mutation.json`).
 */
import fs from "node:fs";
import path from "node:path";
import { errorLines, firstMochaFailure, mochaCounts, type HardhatRun } from "./hardhat";

/**
 * What became of a mutant: `killed` (a test failed), `survived` (every test passed: a test gap), or `invalid` (the
 * mutant did not compile, is no longer anchored, or the tests crashed without a failing test: a bug in the mutant).
 */
export type Verdict = "killed" | "survived" | "invalid";

/** One mutant's outcome. */
export interface MutantResult {
  id: string;
  file: string;
  description: string;
  verdict: Verdict;
  /** Wall-clock seconds of compile plus tests. */
  seconds: number;
  /** The first failing test's title path when killed, else null. */
  killedBy: string | null;
  /** The failing test's first error line, or why the mutant is invalid. */
  detail?: string;
}

/** The report written after a run. */
export interface MutationReport {
  /** ISO-8601 time the report was written. */
  generatedAt: string;
  /** The command line that produced it. */
  command: string;
  /** Whether every mutant ran the whole contract suite (`--all-suites`) rather than its own suites. */
  allSuites: boolean;
  /** Wall-clock seconds of the whole run, baseline included. */
  totalSeconds: number;
  mutants: MutantResult[];
  killed: number;
  survived: number;
  invalid: number;
}

/** The verdict part of a result, from the test run of a mutant that compiled. */
export type TestVerdict = Pick<MutantResult, "verdict" | "killedBy" | "detail">;

/**
 * Classifies a mutant's test run: exit 0 survived; a failing test (or a timeout, counted as detected) killed; any other
 * non-zero exit (a crash before any test failed, e.g. a TypeScript error) invalid.
 */
export function classifyTestRun(run: HardhatRun): TestVerdict {
  if (run.timedOut) {
    return { verdict: "killed", killedBy: "(timeout)", detail: `tests ran past ${Math.round(run.seconds)} s` };
  }
  if (run.exitCode === 0) return { verdict: "survived", killedBy: null };
  const failure = firstMochaFailure(run.output);
  if (mochaCounts(run.output).failing > 0 && failure !== undefined) {
    return { verdict: "killed", killedBy: failure.title, detail: failure.error };
  }
  return {
    verdict: "invalid",
    killedBy: null,
    detail: `tests exited ${run.exitCode} without a failing test: ${errorLines(run.output)}`,
  };
}

/** Assembles the report of `results`. */
export function buildReport(
  results: MutantResult[],
  meta: { command: string; allSuites: boolean; totalSeconds: number },
): MutationReport {
  const count = (verdict: Verdict): number => results.filter((r) => r.verdict === verdict).length;
  return {
    generatedAt: new Date().toISOString(),
    command: meta.command,
    allSuites: meta.allSuites,
    totalSeconds: Math.round(meta.totalSeconds),
    mutants: results,
    killed: count("killed"),
    survived: count("survived"),
    invalid: count("invalid"),
  };
}

/** Writes `report` as indented JSON, creating the folder if needed. */
export function writeReport(file: string, report: MutationReport): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
