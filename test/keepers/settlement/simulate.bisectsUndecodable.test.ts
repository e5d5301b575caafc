/**
 * A revert without readable data is located by bisection over prefixes of the batch: the first fill whose prefix
 * fails is blamed (both orders: nothing says which one is at fault), unless every fill fails alike, which is no
 * fill's fault and blocks the batch. A decodable revert found on the way names its own culprit.
 */
import { expect } from "chai";
import type { SettleBatchArgs } from "../../../keepers/sdk/batch";
import type { PositionManager } from "../../../keepers/sdk/typechain";
import type { SettleableFill } from "../../../keepers/settlement/journal";
import { BatchSimulator } from "../../../keepers/settlement/simulate";
import { PositionManager__factory } from "../../../keepers/sdk/typechain";
import { ACCOUNTS, bookOrder, engineFill } from "./journalFixtures";

const LOT = 10n ** 14n;

/** Six pending fills, sizes 1..6 lots. */
function fills(): SettleableFill[] {
  return [1, 2, 3, 4, 5, 6].map((lots, i) => {
    const maker = bookOrder(ACCOUNTS[0], "sell", 10n * LOT);
    const taker = bookOrder(ACCOUNTS[1], "buy", 10n * LOT);
    const fill = engineFill(maker, taker, BigInt(lots) * LOT);
    return { ...fill, id: i + 1, createdAtMs: 0, status: "pending", rolledBack: false };
  });
}

/** A stand-in PositionManager whose settleBatch reverts with `revert(args)` (undefined: succeeds). */
function stubPm(revert: (args: Pick<SettleBatchArgs, "fills">) => string | undefined): {
  pm: PositionManager;
  calls: number[];
} {
  const calls: number[] = [];
  const run = (fillsArg: SettleBatchArgs["fills"]) => {
    calls.push(fillsArg.length);
    const data = revert({ fills: fillsArg });
    if (data !== undefined) throw Object.assign(new Error("execution reverted"), { code: "CALL_EXCEPTION", data });
  };
  const settleBatch = {
    staticCall: async (_id: bigint, _o: unknown, _s: unknown, f: SettleBatchArgs["fills"]) => run(f),
    estimateGas: async (_id: bigint, _o: unknown, _s: unknown, f: SettleBatchArgs["fills"]) => (run(f), 100_000n),
  };
  return { pm: { settleBatch } as unknown as PositionManager, calls };
}

/** Reverts without data as soon as the batch holds a fill of `lots` lots. */
const failsOn = (lots: bigint) => (args: Pick<SettleBatchArgs, "fills">) =>
  args.fills.some((f) => f.sizeWad === lots * LOT) ? "0x" : undefined;

describe("BatchSimulator locates undecodable reverts", function () {
  it("blames the first fill whose prefix fails", async function () {
    const { pm, calls } = stubPm(failsOn(4n));
    const probe = await new BatchSimulator(pm).probe(1n, fills());
    expect(probe.ok).to.equal(false);
    if (probe.ok) return;
    expect(probe.revert).to.deep.include({ kind: "fill", fillIndex: 3, culprit: "both" });
    expect(probe.revert.message).to.match(/isolated by bisection/);
    expect(calls.length, "a bisection, not a scan").to.be.lessThanOrEqual(5);
  });

  it("blocks the batch when every fill fails alike", async function () {
    const { pm } = stubPm(() => "0x");
    const probe = await new BatchSimulator(pm).probe(1n, fills());
    expect(!probe.ok && probe.revert.kind).to.equal("blocked");
  });

  it("uses the named culprit when a shorter prefix reverts with a decodable error", async function () {
    const iface = PositionManager__factory.createInterface();
    const { pm } = stubPm((args) =>
      args.fills.length >= 5
        ? "0x"
        : args.fills.length >= 2
          ? iface.encodeErrorResult("FillIncompatibleOrders", [1])
          : undefined,
    );
    const probe = await new BatchSimulator(pm).probe(1n, fills());
    expect(!probe.ok && probe.revert).to.deep.include({
      kind: "fill",
      errorName: "FillIncompatibleOrders",
      fillIndex: 1,
    });
  });

  it("rethrows an error that is not a revert", async function () {
    const pm = {
      settleBatch: {
        staticCall: async () => Promise.reject(Object.assign(new Error("socket hang up"), { code: "NETWORK_ERROR" })),
      },
    } as unknown as PositionManager;
    let thrown: unknown;
    await new BatchSimulator(pm).probe(1n, fills()).catch((error: unknown) => (thrown = error));
    expect((thrown as Error).message).to.equal("socket hang up");
  });
});
