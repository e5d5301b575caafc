/**
 * Decoding a `settleBatch` revert into what the pipeline does about it (DESIGN §5): drop one fill and blame one of
 * its orders, reconcile (the batch id moved), stop (not a fill's fault), or bisect (undecodable).
 *
 * Blame rules, from the error's parameters (IPositionManager.sol):
 * - `(fillIndex, orderIndex, …)` (every `Order…` error, `FillRoleNotAllowed`, `FillPriceBeyondLimit`,
 *   `FillExceedsOrder`, `FillIncreasesPosition`): the order at `orderIndex`, maker or taker of that fill;
 * - `BatchMarginInsufficient(fillIndex, account, …)`: the side of that fill whose account it names;
 * - any other `(fillIndex, …)` error (size, price, band, incompatible orders, bad indexes): the taker, the aggressor;
 * - `BatchOpenInterestCap(marketId, …)`: the taker of the batch's last fill in that market;
 * - `BatchIdMismatch`: no fill's fault, the journal must be reconciled with the chain;
 * - any other decoded error (paused, role, stale oracle, malformed batch): blocked, nothing is dropped;
 * - no data, an unknown selector, `Error(string)` or `Panic(uint256)`: undecodable, located by bisection.
 */
import { Interface, type ErrorDescription, type InterfaceAbi, type ParamType } from "ethers";
import type { SettleBatchArgs } from "../sdk/batch";
import {
  ICollateralVault__factory,
  IMarketRegistry__factory,
  IOracleRegistry__factory,
  PositionManager__factory,
} from "../sdk/typechain";
import type { Culprit } from "./journalTypes";

/** What a revert means for the batch. */
export type RevertKind = "fill" | "batch-id-mismatch" | "blocked" | "undecodable";

/** A decoded `settleBatch` revert. */
export interface SettleRevert {
  kind: RevertKind;
  /** The custom error's name (absent when undecodable). */
  errorName?: string;
  /** The error's arguments in declaration order (uint → bigint, address → string). */
  args: readonly unknown[];
  /** The index in the batch's `fills` of the fill to drop (kind `fill`). */
  fillIndex?: number;
  /** Whom to blame for that fill (`none` unless kind is `fill`). */
  culprit: Culprit;
  /** The raw revert data (0x hex; "0x" when the node returned none). */
  data: string;
  /** One line for logs and the journal's `drop_reason`, e.g. `OrderDead(fillIndex=2, orderIndex=3, orderHash=0x…)`. */
  message: string;
}

/** Every custom error `settleBatch` can surface: the PositionManager's own and those of the contracts it calls. */
const SETTLE_ERRORS: Interface = (() => {
  const abis: InterfaceAbi[] = [
    PositionManager__factory.abi,
    IOracleRegistry__factory.abi,
    IMarketRegistry__factory.abi,
    ICollateralVault__factory.abi,
  ];
  const errors = new Map<string, unknown>();
  for (const abi of abis) {
    for (const fragment of new Interface(abi).fragments) {
      if (fragment.type === "error") errors.set(fragment.format("sighash"), JSON.parse(fragment.format("json")));
    }
  }
  return new Interface([...errors.values()] as InterfaceAbi);
})();

/** Decodes revert `data` of `batch` (the exact arguments that reverted) and assigns the blame; see the module doc. */
export function decodeSettleRevert(data: string, batch: SettleBatchArgs): SettleRevert {
  let parsed: ErrorDescription | null = null;
  try {
    parsed = data.length >= 10 ? SETTLE_ERRORS.parseError(data) : null;
  } catch {
    parsed = null; // a known selector with malformed arguments is as undecodable as an unknown one
  }
  if (!parsed || parsed.name === "Error" || parsed.name === "Panic") {
    const detail = parsed ? `${parsed.name}(${parsed.args.map(String).join(", ")})` : `revert data ${data}`;
    return { kind: "undecodable", args: parsed ? [...parsed.args] : [], culprit: "none", data, message: detail };
  }
  const inputs = parsed.fragment.inputs;
  const args = [...parsed.args] as unknown[];
  const base = { errorName: parsed.name, args, data, message: formatError(parsed.name, inputs, args) };
  if (parsed.name === "BatchIdMismatch") return { ...base, kind: "batch-id-mismatch", culprit: "none" };
  if (parsed.name === "BatchOpenInterestCap") return blameOpenInterest(base, batch, Number(args[0]));

  if (inputs[0]?.name !== "fillIndex") return { ...base, kind: "blocked", culprit: "none" };
  const fillIndex = Number(args[0]);
  const fill = batch.fills[fillIndex];
  if (!fill) return { ...base, kind: "blocked", culprit: "none", message: `${base.message}: no such fill in batch` };

  let culprit: Culprit = "taker";
  if (inputs[1]?.name === "orderIndex") {
    culprit = sideOf(Number(args[1]), fill.makerIndex, fill.takerIndex);
  } else if (inputs[1]?.name === "account") {
    const account = String(args[1]).toLowerCase();
    const makerAccount = batch.orders[fill.makerIndex].account.toLowerCase();
    const takerAccount = batch.orders[fill.takerIndex].account.toLowerCase();
    culprit = account === makerAccount ? "maker" : account === takerAccount ? "taker" : "both";
  }
  return { ...base, kind: "fill", fillIndex, culprit };
}

/** `Name(param=value, …)` with every value in decimal or hex as the chain gave it. */
function formatError(name: string, inputs: readonly ParamType[], args: readonly unknown[]): string {
  return `${name}(${inputs.map((input, i) => `${input.name || i}=${String(args[i])}`).join(", ")})`;
}

function sideOf(orderIndex: number, makerIndex: number, takerIndex: number): Culprit {
  if (orderIndex === makerIndex) return "maker";
  if (orderIndex === takerIndex) return "taker";
  return "both";
}

/** OI cap: the taker of the batch's last fill in `marketId` (the fill that pushed the market over last). */
function blameOpenInterest(
  base: Omit<SettleRevert, "kind" | "culprit">,
  batch: SettleBatchArgs,
  marketId: number,
): SettleRevert {
  for (let i = batch.fills.length - 1; i >= 0; i--) {
    if (batch.orders[batch.fills[i].takerIndex].marketId === marketId) {
      return { ...base, kind: "fill", fillIndex: i, culprit: "taker" };
    }
  }
  return { ...base, kind: "blocked", culprit: "none", message: `${base.message}: no fill of market ${marketId}` };
}
