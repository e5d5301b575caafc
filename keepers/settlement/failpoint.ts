/**
 * Failpoints: named places in the send path where a test makes the settlement process die hard, to prove that a
 * crash at any of them loses and doubles nothing (DESIGN §13.18).
 *
 * `KEEL_FAILPOINT="<point>:<n>"`: the n-th time (1-based) the pipeline reaches `<point>`, the process sends itself
 * SIGKILL: no cleanup, no flush, no journal write after that point.
 */
import { FailpointSpecError } from "./errors";

/** The places in the send path where a crash is injected, in the order a batch reaches them. */
export const FAILPOINTS = ["before-send", "after-send", "after-receipt"] as const;

/**
 * - `before-send`: the batch and its signed transaction are journaled, nothing is broadcast;
 * - `after-send`: the transaction is broadcast and marked sent, its receipt not read;
 * - `after-receipt`: the receipt is read, the journal does not know the batch landed.
 */
export type Failpoint = (typeof FAILPOINTS)[number];

/** Called by the pipeline at each failpoint; may throw or end the process. */
export type FailpointHook = (point: Failpoint) => void;

/** Ends the process at once with SIGKILL (the kernel delivers it before `kill` returns). */
export function killSelf(): never {
  process.kill(process.pid, "SIGKILL");
  throw new Error("SIGKILL did not end the process"); // unreachable: SIGKILL cannot be caught or ignored
}

/**
 * The hook for a `KEEL_FAILPOINT` value, or undefined when `spec` is empty.
 * @param crash What to do when the failpoint fires (default {@link killSelf}); tests pass a throwing function.
 * @throws FailpointSpecError when `spec` is not `<point>:<n>` with a known point and an integer n ≥ 1.
 */
export function failpointFromSpec(
  spec: string | undefined,
  crash: (point: Failpoint) => void = killSelf,
): FailpointHook | undefined {
  if (spec === undefined || spec.trim() === "") return undefined;
  const [point, count, ...rest] = spec.trim().split(":");
  if (rest.length > 0 || count === undefined) throw new FailpointSpecError(spec, "expected exactly one ':'");
  if (!(FAILPOINTS as readonly string[]).includes(point)) {
    throw new FailpointSpecError(spec, `unknown point "${point}"; known: ${FAILPOINTS.join(", ")}`);
  }
  const n = Number(count);
  if (!Number.isInteger(n) || n < 1) throw new FailpointSpecError(spec, `"${count}" is not an integer ≥ 1`);
  let reached = 0;
  return (at) => {
    if (at === point && ++reached === n) crash(at);
  };
}
