/**
 * backstopLiquidate keeps the backstop account within the insurance fund's exposure cap per market (the JELLY lesson,
 * DESIGN §3, §8): a takeover that grows the fund's position past `backstopExposureCap(marketId)` (notional at the mark)
 * reverts BackstopExposureCap with the would-be notional and the cap; a cap of 0 disables takeovers that grow the
 * position; a takeover that shrinks the fund's position (an opposite account nets against it) is never capped.
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../../fixtures/keel";
import { balanceOf } from "../../trading/behaviourHelpers";
import { trade } from "../../trading/helpers";
import { BTC_PRICE, BTC_USD, backstopSetup, extraAccount, fundAddress, moveBtc, usdc, wad } from "./helpers";

describe("PositionManager.backstopLiquidate respects the backstop exposure cap", function () {
  useSolvencyInvariant();

  it("reverts BackstopExposureCap when the fund's position would pass the cap", async function () {
    const f = await backstopSetup();
    await expect(f.fund.connect(f.deployer).setBackstopExposureCap(BTC_USD, wad("17099.9")))
      .to.emit(f.fund, "ExposureCapUpdated")
      .withArgs(BTC_USD, wad("5000000"), wad("17099.9"));
    await moveBtc(f, wad("57000"));
    // The fund would hold 0.3 at 57,000: notional 17,100 > 17,099.9.
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopExposureCap")
      .withArgs(BTC_USD, wad("17100"), wad("17099.9"));
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.3"));

    // A cap of exactly 17,100 admits it.
    await f.fund.connect(f.deployer).setBackstopExposureCap(BTC_USD, wad("17100"));
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD)).to.emit(
      f.pm,
      "BackstopTakeover",
    );
    expect(await f.fund.backstopExposure(BTC_USD)).to.equal(wad("17100"));
  });

  it("caps the fund's whole position, not the one taken over, and a cap of 0 disables takeovers", async function () {
    const f = await backstopSetup();
    const dave = await extraAccount(f, usdc(1_000));
    // Dave buys 0.3 from bob at 60,000 too: same equity as alice at every mark.
    await trade(f, f.bob, dave, "buy", wad("0.3"), BTC_PRICE);
    // Cap 30,000: alice's 0.3 at 57,000 (17,100) fits; with dave's the fund would hold 0.6 · 57,000 = 34,200.
    await f.fund.connect(f.deployer).setBackstopExposureCap(BTC_USD, wad("30000"));
    await moveBtc(f, wad("57000"));
    await f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
    await expect(f.pm.connect(f.deployer).backstopLiquidate(dave.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopExposureCap")
      .withArgs(BTC_USD, wad("34200"), wad("30000"));

    await f.fund.connect(f.deployer).setBackstopExposureCap(BTC_USD, 0n);
    expect(await f.fund.backstopExposureCap(BTC_USD)).to.equal(0n);
    await expect(f.pm.connect(f.deployer).backstopLiquidate(dave.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopExposureCap")
      .withArgs(BTC_USD, wad("34200"), 0n);
  });

  it("never caps a takeover that shrinks the fund's position", async function () {
    const f = await backstopSetup();
    const fundAddr = await fundAddress(f);
    const dave = await extraAccount(f, usdc(1_000));
    // Dave sells 0.3 to carol at 60,000: his equity is 1,000 − 0.3 · (mark − 60,000).
    await trade(f, f.carol, dave, "sell", wad("0.3"), BTC_PRICE);
    await moveBtc(f, wad("57000"));
    await f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
    // Fund long 0.3 at 57,000 (openNotional 17,100). Takeovers are now disabled for growth.
    await f.fund.connect(f.deployer).setBackstopExposureCap(BTC_USD, 0n);

    // At 63,000: dave's equity = 1,000 − 0.3 · 3,000 = 100 < maintenance 0.3 · 63,000 · 1% = 189.
    await moveBtc(f, wad("63000"));
    expect((await f.pm.canLiquidate(dave.address)).equityWad).to.equal(wad("100"));
    // OI: alice's (now the fund's) 0.3 and carol's 0.3 long.
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.6"));
    const fundBefore = await balanceOf(f, fundAddr);

    await expect(f.pm.connect(f.deployer).backstopLiquidate(dave.address, BTC_USD))
      .to.emit(f.pm, "PositionTakenOver")
      .withArgs(dave.address, BTC_USD, -wad("0.3"), wad("63000"));
    // The fund's long and dave's short net out: the fund is flat and OI drops to carol's 0.3.
    expect((await f.pm.position(fundAddr, BTC_USD)).sizeWad).to.equal(0n);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.3"));
    // Fund: + dave's 1,000 + his realized −900 (18,000 − 0.3 · 63,000) + its own realized 0.3 · 63,000 − 17,100 = 1,800.
    expect((await balanceOf(f, fundAddr)) - fundBefore).to.equal(wad("1900"));
  });
});
