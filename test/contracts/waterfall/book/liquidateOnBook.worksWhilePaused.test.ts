/**
 * Book liquidations keep working while the protocol is paused (DESIGN §3: pausing blocks new risk, never the
 * reduction of risk; ILiquidationWaterfall.pause): with `pm.pause()` in force a batch that opens risk is refused,
 * yet the liquidator still closes a liquidatable position against a maker, with the same amounts as unpaused.
 */
import { expect } from "chai";
import { deployKeel, useSolvencyInvariant } from "../../../fixtures/keel";
import { BTC_PRICE, trade } from "../../trading/helpers";
import { BTC_USD, LIQ_MARK, LONG_SIZE, liqFill, liquidatableLong, liquidate, makerOrder, wad } from "./helpers";

describe("PositionManager.liquidateOnBook works while paused", function () {
  useSolvencyInvariant();

  it("closes a liquidatable position against a maker that reduces its own position", async function () {
    const f = await deployKeel();
    await liquidatableLong(f);
    await expect(f.pm.connect(f.deployer).pause()).to.emit(f.pm, "Paused");
    expect(await f.pm.paused()).to.equal(true);
    // New risk is refused by settleBatch: carol opening a long from nothing (FillIncreasesPosition, fill 0).
    await expect(trade(f, f.bob, f.carol, "buy", wad("0.1"), BTC_PRICE)).to.be.revertedWithCustomError(
      f.pm,
      "FillIncreasesPosition",
    );

    // bob (short 0.3 from the opening trade) bids 0.3 at 57,200 and takes alice's long: both positions shrink.
    const bid = await makerOrder(f, f.bob, "buy", LONG_SIZE, LIQ_MARK);
    // Notional 17,160, fee 85.8 (as unpaused); alice 991.9 − 840 − 85.8 = 66.1.
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, BTC_USD, LONG_SIZE, wad("17160"), wad("85.8"));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("66.1"));
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(0n);
    // bob: 100,000 − 2.7 (opening maker fee) + 0.3 · (60,000 − 57,200) = +840 − maker fee 2.574 = 100,834.726.
    expect(await f.vault.balanceWad(f.bob.address)).to.equal(wad("100834.726"));
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(0n);
    expect(await f.pm.paused()).to.equal(true);
  });
});
