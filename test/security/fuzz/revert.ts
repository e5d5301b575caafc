/**
 * Reverts as the fuzzer sees them (DESIGN §13.19): every revert must decode to a custom error declared by a compiled
 * contract (Keel's, or an OpenZeppelin base it inherits, e.g. `AccessControlUnauthorizedAccount`). A `Panic`, an
 * `Error(string)`, an unknown selector or a revert without data is a violation. Decoding is the revert recorder's
 * (test/fixtures/revertDecoder.ts), over every artifact.
 */
import path from "node:path";
import { Interface } from "ethers";
import {
  collectErrors,
  extractRevertData,
  readArtifacts,
  RevertDecoder,
  type DecodedRevert,
} from "../../fixtures/revertDecoder";

const ARTIFACTS = path.join(__dirname, "..", "..", "..", "artifacts");
const KNOWN = collectErrors(readArtifacts(ARTIFACTS));
const decoder = new RevertDecoder(KNOWN);
const declaredNames = new Set(KNOWN.map((e) => e.name));

/** Whether some compiled contract declares a custom error of this name. */
export function isDeclaredError(name: string): boolean {
  return declaredNames.has(name);
}

/** Thrown by {@link attempt} for a revert that is not a declared custom error (DESIGN §13.19). */
export class UndeclaredRevertError extends Error {
  override readonly name = "UndeclaredRevertError";
  constructor(
    readonly what: string,
    readonly revert: DecodedRevert,
  ) {
    super(`${what} reverted with ${JSON.stringify(revert)}: every revert must be a declared custom error (§13.19)`);
  }
}

/** What {@link attempt} returns: the value, or the declared custom error it reverted with (and its arguments). */
export type Attempt<T> = { ok: true; value: T } | { ok: false; error: string; detail: string };

/** `Name(arg, …)` of a declared custom error's revert data. */
function describe(signature: string, data: string): string {
  try {
    const iface = new Interface([`error ${signature}`]);
    const parsed = iface.parseError(data);
    return `${parsed!.name}(${parsed!.args.map(String).join(", ")})`;
  } catch {
    return signature;
  }
}

/** Counts of custom errors met, by name, across a run (for the report). */
export const errorsMet = new Map<string, number>();

/**
 * Runs `call`; a revert with a declared custom error is returned (and counted), anything else is thrown: a Panic,
 * a string, empty or unknown revert data as {@link UndeclaredRevertError}, a non-revert failure as it came.
 */
export async function attempt<T>(what: string, call: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const data = extractRevertData(error);
    if (data === undefined) throw error;
    const revert = decoder.decode(data);
    if (revert.kind !== "custom") throw new UndeclaredRevertError(what, revert);
    errorsMet.set(revert.name, (errorsMet.get(revert.name) ?? 0) + 1);
    return { ok: false, error: revert.name, detail: describe(revert.signature, data) };
  }
}
