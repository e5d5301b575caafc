/**
 * A book liquidation never grows |size| (DESIGN §13.10; ILiquidationWaterfall.liquidateOnBook "the liquidated
 * position only shrinks"): the liquidated position's synthetic order is as large as the position (or its partial
 * step), so a fill past it reverts FillExceedsOrder before the position could flip, for longs and shorts alike, in one
 * fill or over several; every accepted liquidation moves the size toward 0 on the same side.
 */
import { expect } from "chai";
import { deployKeel, useSolvencyInvariant, type KeelFixture } from "../../../fixtures/keel";
import {
  BTC_USD,
  LONG_SIZE,
  liqFill,
  liquidatableLong,
  liquidate,
  makerOrder,
  markAt,
  openAt60k,
  usdc,
  wad,
} from "./helpers";

async function sizeOf(f: KeelFixture, who: { address: string }): Promise<bigint> {
  return (await f.pm.position(who.address, BTC_USD)).sizeWad;
}

describe("PositionManager.liquidateOnBook never grows |size|", function () {
  useSolvencyInvariant();

  it("refuses to sell more than a long holds, in one fill or over several", async function () {
    const f = await deployKeel();
    await liquidatableLong(f);
    // At 57,000 alice (0.3 long at 60,000, balance 991.9) has equity 991.9 − 900 = 91.9 < MM 171, and stays
    // liquidatable through every step below.
    const M = wad("57000");
    await markAt(f, M);
    const bid = await makerOrder(f, f.carol, "buy", wad("1"), M);
    // Synthetic order (index 1 = orders.length): 0.3, alice's whole long (17,100 notional ≤ 100,000).
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.3001"), M)]))
      .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
      .withArgs(0, 1, wad("0.3001"), LONG_SIZE);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.2"), M), liqFill(0, wad("0.2"), M)]))
      .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
      .withArgs(1, 1, wad("0.4"), LONG_SIZE);
    expect(await sizeOf(f, f.alice)).to.equal(LONG_SIZE);

    // Step by step on the long side, each step refusing one lot past what is left:
    //  0.3 → 0.2: realized 0.1 · −3,000 = −300, fee 5,700 · 0.5% = 28.5 → balance 663.4; equity 663.4 − 600 = 63.4
    //             < MM 114.
    //  0.2 → 0.05: realized −450, fee 42.75 → 170.65; equity 170.65 − 150 = 20.65 < MM 28.5.
    //  0.05 → 0: realized −150, fee 14.25 → 6.4.
    const steps: [bigint, bigint][] = [
      [wad("0.1"), wad("0.2")],
      [wad("0.15"), wad("0.05")],
      [wad("0.05"), 0n],
    ];
    let before = LONG_SIZE;
    for (const [close, after] of steps) {
      expect((await f.pm.canLiquidate(f.alice.address)).liquidatable, "still liquidatable").to.equal(true);
      await expect(liquidate(f, f.alice, [bid], [liqFill(0, before + wad("0.0001"), M)]))
        .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
        .withArgs(0, 1, before + wad("0.0001"), before);
      await liquidate(f, f.alice, [bid], [liqFill(0, close, M)]);
      const now = await sizeOf(f, f.alice);
      expect(now, "size after").to.equal(after);
      expect(now >= 0n && now < before, "shrinks toward 0 without flipping").to.equal(true);
      before = now;
    }
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("6.4"));
  });

  it("buys back a liquidatable short without flipping it", async function () {
    const f = await deployKeel();
    // alice sells 0.3 at 60,000 with 1,000 USDC: balance 991.9, basis −18,000. At 62,800: equity 991.9 − 0.3 · 2,800
    // = 151.9 < MM 0.3 · 62,800 · 1% = 188.4.
    await openAt60k(f, f.alice, "sell", LONG_SIZE, usdc(1000));
    const mark = wad("62800");
    await markAt(f, mark);
    const ask = await makerOrder(f, f.carol, "sell", wad("1"), mark);
    await expect(liquidate(f, f.alice, [ask], [liqFill(0, wad("0.3001"), mark)]))
      .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
      .withArgs(0, 1, wad("0.3001"), LONG_SIZE);
    // A maker that buys (the short's own side) is refused.
    const bid = await makerOrder(f, f.carol, "buy", wad("1"), mark);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, mark)]))
      .to.be.revertedWithCustomError(f.pm, "FillIncompatibleOrders")
      .withArgs(0);

    // Buy back 0.3 at 62,800: realized −18,840 + 18,000 = −840; fee 18,840 · 0.5% = 94.2 → 991.9 − 934.2 = 57.7.
    await expect(liquidate(f, f.alice, [ask], [liqFill(0, LONG_SIZE, mark)]))
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, BTC_USD, LONG_SIZE, wad("18840"), wad("94.2"));
    expect(await sizeOf(f, f.alice)).to.equal(0n);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("57.7"));
    expect(await sizeOf(f, f.carol)).to.equal(-LONG_SIZE);
  });
});
