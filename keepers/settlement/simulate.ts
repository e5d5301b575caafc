/**
 * Simulating a candidate batch before it is journaled and sent: `staticCall` then `estimateGas` of `settleBatch`
 * from the matcher account, with every revert decoded ({@link decodeSettleRevert}) and an undecodable one located
 * by bisection over prefixes of the batch.
 */
import { BatchBuilder, type SettleBatchArgs } from "../sdk/batch";
import type { PositionManager } from "../sdk/typechain";
import type { SettleableFill } from "./journalTypes";
import { revertDataOf } from "../core/chainSupport";
import { decodeSettleRevert, type SettleRevert } from "./revert";

/** A probe's outcome: the gas estimate, or a located revert (never of kind `undecodable`: those are bisected). */
export type ProbeResult = { ok: true; gas: bigint } | { ok: false; revert: SettleRevert };

/** The `settleBatch` arguments of `fills` (in the given order) under `batchId`. */
export function buildSettleArgs(batchId: bigint, fills: readonly SettleableFill[]): SettleBatchArgs {
  const builder = new BatchBuilder(batchId);
  for (const fill of fills) builder.addFill(fill.maker, fill.taker, fill.sizeWad, fill.priceWad);
  return builder.args();
}

/** Simulates batches against the chain's current state; `pm` must be connected to the matcher signer. */
export class BatchSimulator {
  constructor(private readonly pm: PositionManager) {}

  /**
   * `staticCall` then `estimateGas` of the batch of `fills` under `batchId`.
   * @throws the provider's error when a call fails for a reason other than a revert (network, timeout).
   */
  async probe(batchId: bigint, fills: readonly SettleableFill[]): Promise<ProbeResult> {
    const failure = await this.call(batchId, fills);
    if (failure) return { ok: false, revert: await this.locate(batchId, fills, failure) };
    const args = buildSettleArgs(batchId, fills);
    try {
      return {
        ok: true,
        gas: await this.pm.settleBatch.estimateGas(args.batchId, args.orders, args.signatures, args.fills),
      };
    } catch (error) {
      const data = revertDataOf(error);
      if (data === undefined) throw error;
      return { ok: false, revert: await this.locate(batchId, fills, decodeSettleRevert(data, args)) };
    }
  }

  /** The decoded revert of a `staticCall` of the batch, or undefined when it succeeds. */
  private async call(batchId: bigint, fills: readonly SettleableFill[]): Promise<SettleRevert | undefined> {
    const args = buildSettleArgs(batchId, fills);
    try {
      await this.pm.settleBatch.staticCall(args.batchId, args.orders, args.signatures, args.fills);
      return undefined;
    } catch (error) {
      const data = revertDataOf(error);
      if (data === undefined) throw error;
      return decodeSettleRevert(data, args);
    }
  }

  /**
   * Returns `revert` unless it is undecodable; then finds the shortest failing prefix of `fills` by bisection and
   * blames its last fill (`both` orders: nothing says which one is at fault), or reports the revert as blocked when
   * it looks systemic (the first fill fails alone and so does the second, with the same data).
   */
  private async locate(batchId: bigint, fills: readonly SettleableFill[], revert: SettleRevert): Promise<SettleRevert> {
    if (revert.kind !== "undecodable") return revert;
    let passing = 0; // the longest prefix known to pass (the empty batch "passes")
    let failing = fills.length; // the shortest prefix known to fail
    let failure = revert;
    while (failing - passing > 1) {
      const mid = Math.floor((passing + failing) / 2);
      const attempt = await this.call(batchId, fills.slice(0, mid));
      if (attempt) [failing, failure] = [mid, attempt];
      else passing = mid;
    }
    if (failure.kind !== "undecodable") return failure; // the shorter prefix named its culprit
    if (failing === 1 && fills.length > 1) {
      const second = await this.call(batchId, fills.slice(1, 2));
      if (second?.kind === "undecodable" && second.data === failure.data) {
        return { ...failure, kind: "blocked", message: `${failure.message} (every fill fails alike)` };
      }
    }
    return {
      ...failure,
      kind: "fill",
      fillIndex: failing - 1,
      culprit: "both",
      message: `${failure.message} (undecodable; isolated by bisection)`,
    };
  }
}
