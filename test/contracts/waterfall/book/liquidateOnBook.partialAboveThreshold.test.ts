/**
 * liquidateOnBook closes a position above partialThreshold (100,000 USD at the mark) by at most partialFraction
 * (20%) of its size, rounded up to a lot, per call, and not again within the 30 s cooldown (DESIGN §8;
 * ILiquidationWaterfall.liquidateOnBook). The liquidated position is order index `orders.length` in fill errors.
 *
 * Setup: alice deposits 4,500 USDC and buys 3.0003 BTC at 60,000 from bob (180,018 notional; taker fee
 * 180,018 · 0.045% = 81.0081 → balance 4,418.9919). At a mark of 59,000: equity = 4,418.9919 − 3.0003 · 1,000 =
 * 1,418.6919 < MM = 3.0003 · 59,000 · 1% = 1,770.177 (⅔ MM = 1,180.118: not yet the backstop); notional
 * 177,017.7 > 100,000, so the liquidation is partial.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, useSolvencyInvariant, type KeelFixture } from "../../../fixtures/keel";
import type { SignedOrder } from "../../../../keepers/sdk/batch";
import {
  BTC_USD,
  LIQ_MARK,
  LONG_SIZE,
  liqFill,
  liquidatableLong,
  liquidate,
  makerOrder,
  markAt,
  minedAt,
  openAt60k,
  refreshAt,
  setBtcLiquidationParams,
  usdc,
  wad,
} from "./helpers";

const MARK = wad("59000");

async function setup(size: bigint, depositUsdc: bigint): Promise<{ f: KeelFixture; bid: SignedOrder }> {
  const f = await deployKeel();
  await openAt60k(f, f.alice, "buy", size, depositUsdc);
  await markAt(f, MARK);
  // carol bids 5 BTC at 59,000: room for every partial step.
  const bid = await makerOrder(f, f.carol, "buy", wad("5"), MARK);
  return { f, bid };
}

async function expectPosition(f: KeelFixture, sizeWad: bigint, openNotionalWad: bigint): Promise<void> {
  const p = await f.pm.position(f.alice.address, BTC_USD);
  expect([p.sizeWad, p.openNotionalWad]).to.deep.equal([sizeWad, openNotionalWad]);
}

describe("PositionManager.liquidateOnBook is partial above partialThreshold", function () {
  useSolvencyInvariant();

  it("closes at most 20% of the size rounded up to a lot, then waits out the 30 s cooldown", async function () {
    const { f, bid } = await setup(wad("3.0003"), usdc(4500));
    const status = await f.pm.canLiquidate(f.alice.address);
    expect([status.equityWad, status.maintenanceMarginWad]).to.deep.equal([wad("1418.6919"), wad("1770.177")]);
    expect([status.liquidatable, status.belowBackstopThreshold]).to.deep.equal([true, false]);

    // 20% of 3.0003 = 0.60006, rounded up to the 0.0001 lot: 0.6001. One lot more exceeds the synthetic order
    // (index orders.length = 1), in one fill or split across two.
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.6002"), MARK)]))
      .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
      .withArgs(0, 1, wad("0.6002"), wad("0.6001"));
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.3"), MARK), liqFill(0, wad("0.3002"), MARK)]))
      .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
      .withArgs(1, 1, wad("0.6002"), wad("0.6001"));

    await refreshAt(f, (await time.latest()) + 1);
    const first = await liquidate(f, f.alice, [bid], [liqFill(0, wad("0.6001"), MARK)]);
    const t1 = await minedAt(first);
    // Notional 0.6001 · 59,000 = 35,405.9; fee 35,405.9 · 0.5% = 177.0295.
    await expect(first)
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, BTC_USD, wad("0.6001"), wad("35405.9"), wad("177.0295"));
    // Closed basis 180,018 · 0.6001 / 3.0003 = 36,006; realized 35,405.9 − 36,006 = −600.1;
    // balance 4,418.9919 − 600.1 − 177.0295 = 3,641.8624; left 2.4002 at basis 144,012.
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("3641.8624"));
    await expectPosition(f, wad("2.4002"), wad("144012"));

    // Still liquidatable (equity 3,641.8624 − 2,400.2 = 1,241.6624 < MM 1,416.118) and still above the threshold
    // (2.4002 · 59,000 = 141,611.8): a second call before t1 + 30 is refused, even one second before.
    await refreshAt(f, t1 + 1);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.1"), MARK)]))
      .to.be.revertedWithCustomError(f.pm, "LiquidationCooldown")
      .withArgs(f.alice.address, BTC_USD, t1 + 30);
    await refreshAt(f, t1 + 28);
    await time.setNextBlockTimestamp(t1 + 29);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.1"), MARK)]))
      .to.be.revertedWithCustomError(f.pm, "LiquidationCooldown")
      .withArgs(f.alice.address, BTC_USD, t1 + 30);

    // At t1 + 30 it works again: 20% of 2.4002 = 0.48004 → 0.4801; 0.4802 is one lot too many.
    await time.setNextBlockTimestamp(t1 + 30);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.4802"), MARK)]))
      .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
      .withArgs(0, 1, wad("0.4802"), wad("0.4801"));
    await time.setNextBlockTimestamp(t1 + 31);
    const second = await liquidate(f, f.alice, [bid], [liqFill(0, wad("0.4801"), MARK)]);
    // Notional 0.4801 · 59,000 = 28,325.9; fee 141.6295; basis 144,012 · 0.4801 / 2.4002 = 28,806; realized −480.1;
    // balance 3,641.8624 − 480.1 − 141.6295 = 3,020.1329; left 1.9201 at 115,206.
    await expect(second)
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, BTC_USD, wad("0.4801"), wad("28325.9"), wad("141.6295"));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("3020.1329"));
    await expectPosition(f, wad("1.9201"), wad("115206"));
    // carol's bid filled 0.6001 + 0.4801 = 1.0802 over the two liquidations.
    expect((await f.pm.orderStatus(bid.order)).filledWad).to.equal(wad("1.0802"));
  });

  it("accepts less than the maximum and applies the cooldown to it too", async function () {
    const { f, bid } = await setup(wad("3.0003"), usdc(4500));
    const tx = await liquidate(f, f.alice, [bid], [liqFill(0, wad("0.1"), MARK)]);
    const t1 = await minedAt(tx);
    await expectPosition(f, wad("2.9003"), wad("174018"));
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.1"), MARK)]))
      .to.be.revertedWithCustomError(f.pm, "LiquidationCooldown")
      .withArgs(f.alice.address, BTC_USD, t1 + 30);
  });

  it("lets a position that fell to the threshold or below close in full, cooldown or not", async function () {
    // alice buys 2.0003 at 60,000 with 3,000 USDC: taker fee 120,018 · 0.045% = 54.0081 → balance 2,945.9919.
    // At 59,000: equity 2,945.9919 − 2,000.3 = 945.6919 < MM 1,180.177; notional 118,017.7 > 100,000.
    const { f, bid } = await setup(wad("2.0003"), usdc(3000));
    // 20% of 2.0003 = 0.40006 → 0.4001. Notional 23,605.9, fee 118.0295, realized 0.4001 · −1,000 = −400.1:
    // balance 2,945.9919 − 400.1 − 118.0295 = 2,427.8624; left 1.6002 at 96,012.
    await liquidate(f, f.alice, [bid], [liqFill(0, wad("0.4001"), MARK)]);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("2427.8624"));
    // Now 1.6002 · 59,000 = 94,411.8 ≤ 100,000: equity 2,427.8624 − 1,600.2 = 827.6624 < MM 944.118, and the rest
    // closes at once a second later (the cooldown only binds positions above the threshold).
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("1.6002"), MARK)]))
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, BTC_USD, wad("1.6002"), wad("94411.8"), wad("472.059"));
    // Realized −1,600.2, fee 94,411.8 · 0.5% = 472.059: 2,427.8624 − 2,072.259 = 355.6034.
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("355.6034"));
    await expectPosition(f, 0n, 0n);
  });

  it("is partial only strictly above the threshold (notional at the mark)", async function () {
    // alice's 0.3 at 57,200 is 17,160 of notional (helpers.ts liquidatableLong).
    let f = await deployKeel();
    await liquidatableLong(f);
    let bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
    await setBtcLiquidationParams(f, { partialThresholdWad: wad("17160") });
    // At the threshold: closes in full.
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, BTC_USD, LONG_SIZE, wad("17160"), wad("85.8"));

    f = await deployKeel();
    await liquidatableLong(f);
    bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
    await setBtcLiquidationParams(f, { partialThresholdWad: wad("17159.9") });
    // Just above it: 20% of 0.3 = 0.06 at most.
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.0601"), LIQ_MARK)]))
      .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
      .withArgs(0, 1, wad("0.0601"), wad("0.06"));
    await liquidate(f, f.alice, [bid], [liqFill(0, wad("0.06"), LIQ_MARK)]);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.24"));
  });
});
