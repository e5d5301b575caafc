/**
 * Running Hardhat in the work copy (compile, test) as a child process, and reading mocha's spec-reporter output.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** What one Hardhat invocation did. */
export interface HardhatRun {
  /** The exit code (null when killed). */
  exitCode: number | null;
  /** stdout and stderr, interleaved as they arrived (the last {@link MAX_OUTPUT_CHARS} characters). */
  output: string;
  /** Whether it was killed for running past its timeout. */
  timedOut: boolean;
  /** Wall-clock seconds. */
  seconds: number;
}

/** Output kept per run: mocha's failure summary comes last, so the tail is what matters. */
const MAX_OUTPUT_CHARS = 2_000_000;

/** Options of {@link runHardhat}. */
export interface RunOptions {
  /** Kill the process group after this many milliseconds. */
  timeoutMs: number;
  /** Environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Aborting kills the process group at once. */
  signal?: AbortSignal;
}

/**
 * Runs `hardhat <args>` in `repo` (with the Hardhat binary of `repo/node_modules`), in its own process group so a
 * timeout or an abort kills it with everything it started.
 * @throws Error when `repo` has no Hardhat binary.
 */
export function runHardhat(repo: string, args: readonly string[], options: RunOptions): Promise<HardhatRun> {
  const binary = path.join(repo, "node_modules", ".bin", "hardhat");
  if (!fs.existsSync(binary)) throw new Error(`no Hardhat binary at ${binary}: is node_modules linked into ${repo}?`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: repo,
      env: { ...(options.env ?? process.env), FORCE_COLOR: "0", NO_COLOR: "1" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      if (output.length > MAX_OUTPUT_CHARS) output = output.slice(-MAX_OUTPUT_CHARS);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, options.timeoutMs);
    const onAbort = (): void => killGroup(child);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (err) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      reject(new Error(`could not start ${binary}: ${err.message}`, { cause: err }));
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve({ exitCode, output, timedOut, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** Kills the child's whole process group; a group already gone is not an error. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

/** Mocha's summary counts from spec-reporter output (0 when absent). */
export function mochaCounts(output: string): { passing: number; failing: number } {
  const count = (word: string): number => Number(new RegExp(`^\\s+(\\d+) ${word}\\b`, "m").exec(output)?.[1] ?? 0);
  return { passing: count("passing"), failing: count("failing") };
}

/** The first failing test of spec-reporter output: its title path and the first line of its error. */
export interface MochaFailure {
  /** Describe titles and the test title, joined with " › " (a hook failure names the hook). */
  title: string;
  /** The first line of the error (e.g. `Error: VM Exception … reverted with custom error '…'`). */
  error: string;
}

/** The first entry of mocha's failure list (`  1) describe\n       test:\n     Error: …`), if any. */
export function firstMochaFailure(output: string): MochaFailure | undefined {
  const lines = output.split(/\r?\n/);
  const summary = lines.findIndex((line) => /^\s+\d+ failing\b/.test(line));
  if (summary === -1) return undefined;
  const first = lines.findIndex((line, i) => i > summary && /^\s+1\) /.test(line));
  if (first === -1) return undefined;
  const parts: string[] = [];
  let i = first;
  for (; i < lines.length; i++) {
    const text = (i === first ? lines[i].replace(/^\s+1\) /, "") : lines[i]).trim();
    if (text.endsWith(":")) {
      parts.push(text.slice(0, -1));
      break;
    }
    if (text !== "") parts.push(text);
  }
  const error = lines.slice(i + 1).find((line) => line.trim() !== "") ?? "";
  return { title: parts.join(" › "), error: error.trim() };
}

/** The first lines of a failed compile or a crashed run that say what went wrong (at most `max`). */
export function errorLines(output: string, max = 3): string {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /error/i.test(line) && !/^npm warn/i.test(line));
  return (lines.length > 0 ? lines : output.trim().split(/\r?\n/).slice(-max)).slice(0, max).join(" | ");
}
