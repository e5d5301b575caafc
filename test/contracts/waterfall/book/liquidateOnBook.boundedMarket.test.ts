/**
 * liquidateOnBook in a BOUNDED market (SENATE22-R, DESIGN §6, §8): the band is absolute (0.05 of the 0–1 price),
 * the partial threshold is 50,000 USD and the maker fee is 0, so the liquidated account pays only the 0.5% fee.
 *
 * Setup: alice deposits 500 USDC and buys 10,000 contracts at 0.40 from bob (4,000 notional; taker fee 0.1% = 4 →
 * balance 496; IM min(4,000 · 10.1%, 4,000) = 404). At a mark of 0.365: equity 496 + 10,000 · (0.365 − 0.40) = 146 <
 * MM 3,650 · 5% = 182.5 (⅔ MM = 121.67: a book case); notional 3,650 ≤ 50,000: closed in full.
 */
import { expect } from "chai";
import { deployKeel, fund, useSolvencyInvariant, type KeelFixture } from "../../../fixtures/keel";
import { SENATE22_R, defaultPrices, trade } from "../../trading/helpers";
import { insuranceBalance, liqFill, liquidate, makerOrder, usdc, wad, walkPrices } from "./helpers";

const SIZE = wad("10000");
const MARK = wad("0.365");

async function setup(): Promise<KeelFixture> {
  const f = await deployKeel();
  await fund(f, f.alice, usdc(500));
  await fund(f, f.bob, usdc(100_000));
  await fund(f, f.carol, usdc(100_000));
  await defaultPrices(f);
  await trade(f, f.bob, f.alice, "buy", SIZE, wad("0.4"), SENATE22_R);
  await walkPrices(f, { [SENATE22_R]: MARK });
  return f;
}

describe("PositionManager.liquidateOnBook in a BOUNDED market", function () {
  useSolvencyInvariant();

  it("closes the position within the absolute band and charges only the liquidation fee", async function () {
    const f = await setup();
    const s = await f.pm.canLiquidate(f.alice.address);
    expect([s.equityWad, s.maintenanceMarginWad, s.liquidatable, s.belowBackstopThreshold]).to.deep.equal([
      wad("146"),
      wad("182.5"),
      true,
      false,
    ]);
    const bid = await makerOrder(f, f.carol, "buy", SIZE, wad("0.4"), { marketId: SENATE22_R });
    // Band: |price − 0.365| ≤ 0.05 → [0.315, 0.415].
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, SIZE, wad("0.314"))], { marketId: SENATE22_R }))
      .to.be.revertedWithCustomError(f.pm, "FillPriceOutsideBand")
      .withArgs(0, wad("0.314"), MARK, wad("0.05"));

    // 10,000 at 0.365: notional 3,650, fee 18.25, realized 3,650 − 4,000 = −350 → 496 − 368.25 = 127.75.
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, SIZE, MARK)], { marketId: SENATE22_R }))
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, SENATE22_R, SIZE, wad("3650"), wad("18.25"));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("127.75"));
    // Maker fee 0: carol keeps 100,000; insurance 4 · 20% = 0.8 from the opening trade + 18.25 = 19.05.
    expect(await f.vault.balanceWad(f.carol.address)).to.equal(wad("100000"));
    expect(await insuranceBalance(f)).to.equal(wad("19.05"));
    expect((await f.pm.position(f.carol.address, SENATE22_R)).sizeWad).to.equal(SIZE);
    expect((await f.pm.position(f.alice.address, SENATE22_R)).sizeWad).to.equal(0n);
  });
});
