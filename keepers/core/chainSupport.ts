/**
 * Small helpers the keepers share: the revert data of a failed call, a readable line for it, an abortable pause for
 * their loops, and an estimate of the chain's current time.
 */
import { setTimeout as delay } from "node:timers/promises";
import { isError, type Interface, type Provider } from "ethers";
import { errorText } from "./retry";

/**
 * One readable line for a failed contract call (gas estimate or mined revert): the custom error in `error` decoded with the first of `interfaces` that knows its selector, as
 * `Name(arg=value, …)`; `error`'s text when it carries no decodable revert data (a network failure, a timeout).
 */
export function describeCallFailure(error: unknown, ...interfaces: Interface[]): string {
  const data = revertDataOf(error);
  if (data !== undefined && data.length >= 10) {
    for (const iface of interfaces) {
      let parsed: ReturnType<Interface["parseError"]>;
      try {
        parsed = iface.parseError(data);
      } catch {
        continue; // a known selector with arguments that do not decode: try the next interface, else the raw text
      }
      if (parsed === null) continue;
      const args = parsed.fragment.inputs.map((input, i) => `${input.name}=${String(parsed.args[i])}`);
      return `${parsed.name}(${args.join(", ")})`;
    }
  }
  return errorText(error);
}

/** Waits `ms`, or less when `signal` aborts (then it resolves: the caller's loop sees `signal.aborted`). */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch((error: unknown) => {
    if (!signal.aborted) throw error;
  });
}

/**
 * A clock of the chain's time (unix s) that the next block's timestamp will not be below: the latest block's
 * timestamp, plus the whole seconds since this clock first saw that block, minus one second of margin (never below
 * the block's own timestamp). The extrapolation keeps an idle chain (a Hardhat node mining only on transactions) from
 * freezing the time a keeper dates its pushes with; on HyperEVM, which makes a block every second, it adds little.
 * @throws the provider's error, or an Error when the node returns no latest block.
 */
export function chainTimeEstimator(provider: Pick<Provider, "getBlock">, now: () => number = Date.now) {
  let seen: { number: number; timestampSec: number; atMs: number } | undefined;
  return async (): Promise<number> => {
    const block = await provider.getBlock("latest");
    if (block === null) throw new Error("the node returned no latest block");
    if (seen?.number !== block.number) seen = { number: block.number, timestampSec: block.timestamp, atMs: now() };
    const elapsedSec = Math.floor((now() - seen.atMs) / 1_000);
    return Math.max(seen.timestampSec, seen.timestampSec + elapsedSec - 1);
  };
}

/**
 * The revert data of a failed call or gas estimate ("0x" when the node gave none), or undefined when `error` is
 * not a revert (a network failure, a timeout…), which callers must rethrow rather than blame on a fill. Reads
 * ethers' `CALL_EXCEPTION` and, for EIP-1193 providers such as Hardhat's in-process network, an error's hex `data`.
 */
export function revertDataOf(error: unknown): string | undefined {
  const data = (error as { data?: unknown } | null)?.data;
  const hex = typeof data === "string" && /^0x([0-9a-fA-F]{2})*$/.test(data) ? data : undefined;
  if (isError(error, "CALL_EXCEPTION")) return hex ?? "0x";
  return hex;
}
