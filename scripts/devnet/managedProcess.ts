/**
 * A child process of the devnet (the Hardhat node, the deploy, one keeper): started in its own process group so that
 * the terminal's Ctrl-C reaches only the devnet, which then stops its children in order; its stdout and stderr go to
 * one log file (and to the terminal with `follow`), and its JSON log lines can be waited for.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, createWriteStream, openSync, readSync, statSync, type WriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { DevnetError } from "./errors";

/** How a child process ended: its exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. the executable is missing). */
  spawnError?: Error;
}

/** One parsed JSON log line (pino). */
export type JsonLine = Record<string, unknown>;

/** Options of {@link ManagedProcess.start}. */
export interface ManagedProcessOptions {
  /** Short name used in messages, the terminal prefix and the table ("node", "matcher", ...). */
  name: string;
  /** Arguments of the Node.js executable running the child (the script first). */
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** File receiving the child's stdout and stderr (appended). */
  logFile: string;
  /** Also print each output line on the terminal, prefixed with the name. */
  follow: boolean;
}

/** What {@link ManagedProcess.stop} observed. */
export interface StopOutcome {
  exit: ProcessExit;
  /** The process ignored SIGTERM for the whole timeout and was killed with SIGKILL. */
  forced: boolean;
  /** Milliseconds between SIGTERM and the exit. */
  elapsedMs: number;
}

interface LineWaiter {
  match(line: JsonLine): boolean;
  resolve(line: JsonLine): void;
}

/** JSON lines kept for waiters registered after the line was printed. */
const HISTORY_LINES = 200;

/** A started child process; see the module comment. */
export class ManagedProcess {
  /** Resolves once the process has exited and its output is in the log file; never rejects. */
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private readonly waiters = new Set<LineWaiter>();
  private readonly history: JsonLine[] = [];
  private exit: ProcessExit | undefined;

  private constructor(private readonly options: ManagedProcessOptions) {
    this.log = createWriteStream(options.logFile, { flags: "a" });
    this.child = spawn(process.execPath, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.forwardLines(this.child.stdout, true);
    this.forwardLines(this.child.stderr, false);
    this.exited = new Promise<ProcessExit>((resolve) => {
      const finish = (exit: ProcessExit) => {
        if (this.exit !== undefined) return;
        this.exit = exit;
        this.log.end(() => resolve(exit));
      };
      this.child.on("error", (error) => {
        // Only a failed spawn leaves the child without a pid; other errors (a failed kill) change nothing here.
        if (this.child.pid === undefined) finish({ code: null, signal: null, spawnError: error });
      });
      this.child.once("close", (code, signal) => finish({ code, signal }));
    });
  }

  /** Spawns `node <args>` as described by `options`. */
  static start(options: ManagedProcessOptions): ManagedProcess {
    return new ManagedProcess(options);
  }

  get name(): string {
    return this.options.name;
  }

  get logFile(): string {
    return this.options.logFile;
  }

  /** The child's process id (undefined only when the spawn failed). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process has not exited yet. */
  get running(): boolean {
    return this.exit === undefined;
  }

  /**
   * The first JSON line of stdout that `match` accepts (including lines printed before the call, up to the last 200).
   * @throws DevnetError when the process exits first or `timeoutMs` passes (the message has the log's last lines);
   *   `signal.reason` when `signal` aborts first.
   */
  waitForJsonLine(
    match: (line: JsonLine) => boolean,
    what: string,
    { timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<JsonLine> {
    const seen = this.history.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<JsonLine>((resolve, reject) => {
      const cleanup = () => {
        this.waiters.delete(waiter);
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const waiter: LineWaiter = {
        match,
        resolve: (line) => {
          cleanup();
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new DevnetError(`${this.name} did not report ${what} within ${timeoutMs / 1000} s${this.tailText()}`));
      }, timeoutMs);
      const onAbort = () => {
        cleanup();
        reject(signal?.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.add(waiter);
      void this.exited.then((exit) => {
        if (!this.waiters.has(waiter)) return;
        cleanup();
        reject(new DevnetError(`${this.name} ${describeExit(exit)} before it reported ${what}${this.tailText()}`));
      });
    });
  }

  /**
   * Stops the process: SIGTERM, then SIGKILL to its whole process group if it has not exited after `timeoutMs`.
   * Resolves once it has exited (at once for a process already gone).
   */
  async stop(timeoutMs: number): Promise<StopOutcome> {
    const startedMs = Date.now();
    if (this.exit !== undefined) return { exit: this.exit, forced: false, elapsedMs: 0 };
    this.signal("SIGTERM", false);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    const exit = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (exit !== undefined) return { exit, forced: false, elapsedMs: Date.now() - startedMs };
    this.kill();
    return { exit: await this.exited, forced: true, elapsedMs: Date.now() - startedMs };
  }

  /** SIGKILL to the process and its group at once (synchronous: usable in an `exit` handler). */
  kill(): void {
    this.signal("SIGKILL", true);
  }

  /** The last `lines` lines of the log file (up to its last 64 KiB). */
  tail(lines = 20): string {
    return readTail(this.logFile, lines);
  }

  /** "; last lines of <file>:" and the indented tail, or "" when the log is empty. */
  tailText(lines = 20): string {
    const tail = this.tail(lines);
    if (tail === "") return ` (its log ${this.logFile} is empty)`;
    return `; last lines of ${this.logFile}:\n${tail
      .split("\n")
      .map((l) => `    ${l}`)
      .join("\n")}`;
  }

  private signal(signal: NodeJS.Signals, group: boolean): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exit !== undefined) return;
    try {
      process.kill(group ? -pid : pid, signal);
    } catch (error) {
      // ESRCH: it exited between the check and the signal; anything else (EPERM) is worth seeing.
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }

  private forwardLines(stream: Readable | null, parseJson: boolean): void {
    if (stream === null) return;
    const decoder = new StringDecoder("utf8");
    let pending = "";
    const onLine = (line: string) => {
      if (this.options.follow) process.stdout.write(`${this.name} | ${line}\n`);
      if (parseJson) this.offerJson(line);
    };
    stream.on("data", (chunk: Buffer) => {
      this.log.write(chunk);
      pending += decoder.write(chunk);
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        onLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
    });
    stream.on("end", () => {
      pending += decoder.end();
      if (pending !== "") onLine(pending);
      pending = "";
    });
  }

  private offerJson(text: string): void {
    if (!text.startsWith("{")) return;
    let line: JsonLine;
    try {
      line = JSON.parse(text) as JsonLine;
    } catch {
      return; // Not a log object (a stray line of a library): only the log file keeps it.
    }
    this.history.push(line);
    if (this.history.length > HISTORY_LINES) this.history.shift();
    for (const waiter of [...this.waiters]) if (waiter.match(line)) waiter.resolve(line);
  }
}

/** "exited with code 2", "was killed by SIGKILL" or "could not be started (...)". */
export function describeExit(exit: ProcessExit): string {
  if (exit.spawnError !== undefined) return `could not be started (${exit.spawnError.message})`;
  if (exit.signal !== null) return `was ended by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

const TAIL_BYTES = 64 * 1024;

/** The last `lines` lines of `file` (reads at most its last 64 KiB); "" when it is missing or empty. */
export function readTail(file: string, lines: number): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return "";
  }
  try {
    const size = statSync(file).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString("utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } finally {
    closeSync(fd);
  }
}
