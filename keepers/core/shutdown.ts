/**
 * Graceful shutdown on SIGTERM / SIGINT: abort the keeper's loops, then run its steps in registration order (stop
 * intake, flush batches, close connections), every step even when an earlier one fails, within a total time limit.
 */
import type { Logger } from "./logger";

/** One shutdown step: stops, flushes or closes one thing. */
export type ShutdownStep = () => void | Promise<void>;

/** Options of {@link GracefulShutdown}. */
export interface GracefulShutdownOptions {
  /** Receives one line per step (and per failure). */
  logger: Logger;
  /** Total time the steps may take, in milliseconds (default 15,000); past it the process exits with code 1. */
  timeoutMs?: number;
  /** Ends the process (default `process.exit`); tests inject a recorder. */
  exit?: (code: number) => void;
  /** Signals {@link GracefulShutdown.install} hooks (default SIGTERM and SIGINT). */
  signals?: readonly NodeJS.Signals[];
}

/** Thrown into {@link GracefulShutdown.signal} listeners as the abort reason. */
export class ShutdownRequested extends Error {
  override readonly name = "ShutdownRequested";
  constructor(readonly reason: string) {
    super(`shutdown requested (${reason})`);
  }
}

/**
 * Runs a keeper's shutdown once. Register steps with {@link add} in the order they must run (stop intake, then flush,
 * then close), {@link install} the signal handlers, and watch {@link signal} in every loop.
 *
 * On the first SIGTERM/SIGINT (or {@link trigger}): `signal` is aborted, the steps run one after another (a failing
 * step is logged and the next one still runs), then the process exits 0 if every step succeeded and 1 otherwise. If
 * the steps take longer than `timeoutMs` in total, it logs the step still running and exits 1. A second signal
 * during shutdown exits 1 at once (an operator pressing Ctrl-C twice).
 *
 * @example
 * const shutdown = new GracefulShutdown({ logger });
 * shutdown.add("stop intake", () => gateway.close());
 * shutdown.add("flush batches", () => settlement.flush());
 * shutdown.add("close ops server", () => ops.close());
 * shutdown.install();
 * await keeper.start(shutdown.signal);
 */
export class GracefulShutdown {
  private readonly steps: { name: string; step: ShutdownStep }[] = [];
  private readonly controller = new AbortController();
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly exit: (code: number) => void;
  private readonly signals: readonly NodeJS.Signals[];
  private readonly onSignal = (signal: NodeJS.Signals): void => this.handleSignal(signal);
  private installed = false;
  private running: Promise<number> | undefined;

  constructor(options: GracefulShutdownOptions) {
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.exit = options.exit ?? ((code) => process.exit(code));
    this.signals = options.signals ?? ["SIGTERM", "SIGINT"];
  }

  /** Aborted when shutdown starts; its reason is a {@link ShutdownRequested}. Loops stop when it fires. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether shutdown has started. */
  get stopping(): boolean {
    return this.running !== undefined;
  }

  /** Appends a step; steps run in the order they were added. Returns this for chaining. */
  add(name: string, step: ShutdownStep): this {
    this.steps.push({ name, step });
    return this;
  }

  /** Hooks the signals (once; calling it again does nothing). Returns this for chaining. */
  install(): this {
    if (this.installed) return this;
    this.installed = true;
    for (const signal of this.signals) process.on(signal, this.onSignal);
    return this;
  }

  /** Removes the signal handlers {@link install} added. */
  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    for (const signal of this.signals) process.off(signal, this.onSignal);
  }

  /**
   * Starts the shutdown (or returns the one under way): aborts {@link signal}, runs the steps, calls `exit` with the
   * exit code and resolves with it (0: every step succeeded; 1: a step failed or the time limit passed).
   */
  trigger(reason = "requested"): Promise<number> {
    this.running ??= this.run(reason);
    return this.running;
  }

  private handleSignal(signal: NodeJS.Signals): void {
    if (this.running !== undefined) {
      this.logger.warn({ signal }, "second signal during shutdown: exiting now");
      this.exit(1);
      return;
    }
    this.logger.info({ signal }, "signal received: shutting down");
    // trigger() never rejects: run() catches every step failure and the timeout.
    void this.trigger(signal);
  }

  private async run(reason: string): Promise<number> {
    this.controller.abort(new ShutdownRequested(reason));
    let current = "(none)";
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.timeoutMs);
    });
    const steps = async (): Promise<boolean> => {
      let ok = true;
      for (const { name, step } of this.steps) {
        current = name;
        try {
          await step();
          this.logger.info({ step: name }, "shutdown step done");
        } catch (error) {
          ok = false;
          this.logger.error({ err: error, step: name }, "shutdown step failed; continuing with the next step");
        }
      }
      return ok;
    };
    const outcome = await Promise.race([steps(), timedOut]);
    clearTimeout(timer);
    let code: number;
    if (outcome === "timeout") {
      this.logger.error({ step: current, timeoutMs: this.timeoutMs }, "shutdown timed out; exiting with code 1");
      code = 1;
    } else {
      code = outcome ? 0 : 1;
      this.logger.info({ code }, "shutdown complete");
    }
    this.uninstall();
    this.exit(code);
    return code;
  }
}
