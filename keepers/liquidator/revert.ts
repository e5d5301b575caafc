/**
 * Reading why a waterfall call would revert: the custom error a gas estimate or a mined transaction returned, decoded
 * with the PositionManager's ABI, so the liquidator can tell "try later" (cooldown, block cap) from "not ours" (healthy,
 * handed to ADL) and from "a maker order is bad" (release it to the matcher as the culprit).
 */
import type { Interface, Result } from "ethers";
import { revertDataOf } from "../core/chainSupport";

/** A decoded custom error: its name and arguments. */
export interface DecodedRevert {
  name: string;
  args: Result;
}

/**
 * The custom error in `error` (a failed gas estimate, call or broadcast), or undefined when it carries no revert data
 * that `iface` knows (a network failure, a timeout, a Panic): the caller must treat that as a failure, not a decision.
 * The data is looked for in the error and the errors it wraps (`cause`, a JSON-RPC `error` and its `data`), since a
 * node that executes on broadcast (Hardhat's automine) answers `eth_sendRawTransaction` with the revert.
 */
export function decodeRevert(error: unknown, iface: Interface): DecodedRevert | undefined {
  for (const candidate of wrapped(error, 4)) {
    const data = revertDataOf(candidate);
    if (data === undefined || data.length < 10) continue;
    try {
      const parsed = iface.parseError(data);
      if (parsed) return { name: parsed.name, args: parsed.args };
    } catch {
      // Not one of ours (or arguments that do not decode): look further down the chain.
    }
  }
  return undefined;
}

/** `error` and what it wraps, breadth first, `depth` levels down. */
function wrapped(error: unknown, depth: number): unknown[] {
  const out: unknown[] = [];
  let level: unknown[] = [error];
  for (let d = 0; d <= depth && level.length > 0; d++) {
    out.push(...level);
    level = level.flatMap((e) => {
      if (typeof e !== "object" || e === null) return [];
      const o = e as { cause?: unknown; error?: unknown; data?: unknown; info?: { error?: unknown } };
      return [o.cause, o.error, typeof o.data === "object" ? o.data : undefined, o.info?.error].filter(
        (x) => x !== undefined && x !== null,
      );
    });
  }
  return out;
}

/** Errors of `liquidateOnBook` that name the maker order at fault by its index (`orderIndex`) in the call. */
const ORDER_INDEX_ERRORS = new Set([
  "OrderInvalidSignature",
  "OrderInvalidFlags",
  "OrderExpired",
  "OrderDead",
  "OrderBelowNonceFloor",
  "OrderMarketNotTrading",
  "OrderTriggerNotReached",
  "OrderMarketIdTooLarge",
  "FillPriceBeyondLimit",
  "FillExceedsOrder",
  "FillIncreasesPosition",
]);

/**
 * The maker order a `liquidateOnBook` revert blames: the order an order error names, or the maker of the fill a margin
 * error names when the account short of margin is that maker. Undefined when the revert blames no maker (or names the
 * liquidated position's synthetic order, index `orders.length`).
 * @param makers The call's maker orders: their hashes and accounts, in call order.
 * @param fillMakerIndex The `makerIndex` of each fill, in call order.
 */
export function culpritMaker(
  revert: DecodedRevert,
  makers: readonly { hash: string; account: string }[],
  fillMakerIndex: readonly number[],
): string | undefined {
  if (ORDER_INDEX_ERRORS.has(revert.name)) return makers[Number(revert.args.orderIndex as bigint)]?.hash;
  if (revert.name === "BatchMarginInsufficient") {
    const maker = makers[fillMakerIndex[Number(revert.args.fillIndex as bigint)] ?? -1];
    const account = String(revert.args.account).toLowerCase();
    return maker && maker.account.toLowerCase() === account ? maker.hash : undefined;
  }
  return undefined;
}
