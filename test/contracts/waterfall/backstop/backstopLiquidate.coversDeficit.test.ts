/**
 * backstopLiquidate of a bankrupt account (equity < 0): the insurance fund covers the deficit — its vault balance
 * drops by exactly that amount and it emits BadDebtCovered — before any position moves, within its per-block draw cap
 * and its available amount; when it cannot (cap, too little money, or it would end below its own maintenance margin)
 * the takeover reverts BackstopCannotCover and nothing moves (the account is left to auto-deleveraging).
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../../fixtures/keel";
import { balanceOf } from "../../trading/behaviourHelpers";
import { BTC_USD, backstopSetup, fundAddress, moveBtc, usdc, wad } from "./helpers";

describe("PositionManager.backstopLiquidate covers a bankrupt account's deficit", function () {
  useSolvencyInvariant();

  it("draws the deficit from the fund and takes the position over", async function () {
    const f = await backstopSetup();
    const fundAddr = await fundAddress(f);
    // At 56,000: equity = 1,000 + 0.3 · (56,000 − 60,000) = −200 (deficit 200).
    await moveBtc(f, wad("56000"));
    expect((await f.pm.canLiquidate(f.alice.address)).equityWad).to.equal(-wad("200"));
    const fundBefore = await balanceOf(f, fundAddr);

    const tx = f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
    await expect(tx).to.emit(f.fund, "BadDebtCovered").withArgs(BTC_USD, wad("200"), wad("200"));
    await expect(tx).to.emit(f.pm, "PositionTakenOver").withArgs(f.alice.address, BTC_USD, wad("0.3"), wad("56000"));
    await expect(tx)
      .to.emit(f.pm, "BackstopTakeover")
      .withArgs(f.alice.address, BTC_USD, -wad("200"), f.deployer.address);
    // 200 of 10,000 is below the breaker's 30% (3,000).
    await expect(tx).not.to.emit(f.fund, "CircuitBreakerTripped");

    // Fund balance: + alice's 1,000 + her realized −1,200 (0.3 · 56,000 − 18,000) = −200.
    expect((await balanceOf(f, fundAddr)) - fundBefore).to.equal(-wad("200"));
    expect(await balanceOf(f, f.alice)).to.equal(0n);
    expect(await f.pm.openMarkets(f.alice.address)).to.deep.equal([]);
    const fundPos = await f.pm.position(fundAddr, BTC_USD);
    expect(fundPos.sizeWad).to.equal(wad("0.3"));
    // 0.3 · 56,000 = 16,800.
    expect(fundPos.openNotionalWad).to.equal(wad("16800"));
    // The draw was booked against BTC-USD with the window's starting amount (10,000 available before the draw).
    const b = await f.fund.breaker(BTC_USD);
    expect(b.drawnInWindowWad).to.equal(wad("200"));
    expect(b.windowStartAvailableWad).to.equal(wad("10000"));
    expect(b.tripped).to.equal(false);
  });

  it("reverts BackstopCannotCover when the per-block draw cap is below the deficit", async function () {
    const f = await backstopSetup();
    await f.fund.connect(f.deployer).setMaxDrawPerBlock(wad("150"));
    await moveBtc(f, wad("56000"));
    // The fund would grant min(200, 10,000 available, 150 cap) = 150 of the 200 deficit.
    expect(await f.fund.coverableWad()).to.equal(wad("150"));
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopCannotCover")
      .withArgs(f.alice.address, wad("200"), wad("150"));
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.3"));
    expect(await f.fund.drawnThisBlockWad()).to.equal(0n);

    // With the cap back at 200 the same takeover goes through.
    await f.fund.connect(f.deployer).setMaxDrawPerBlock(wad("200"));
    await moveBtc(f, wad("56000"));
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.emit(f.fund, "BadDebtCovered")
      .withArgs(BTC_USD, wad("200"), wad("200"));
  });

  it("reverts BackstopCannotCover when the fund has less than the deficit", async function () {
    // The fund holds 150: it could cover min(200, 150) = 150.
    const f = await backstopSetup({ fundUsdc: usdc(150) });
    await moveBtc(f, wad("56000"));
    expect(await f.fund.availableWad()).to.equal(wad("150"));
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopCannotCover")
      .withArgs(f.alice.address, wad("200"), wad("150"));
    expect(await balanceOf(f, await fundAddress(f))).to.equal(wad("150"));
  });

  it("reverts BackstopCannotCover when the fund would end below its own maintenance margin", async function () {
    // The fund holds 300 ≥ the 200 deficit, but would keep 100 against the taken position's maintenance of
    // 0.3 · 56,000 · 1% = 168: equity 100 < 168.
    const f = await backstopSetup({ fundUsdc: usdc(300) });
    await moveBtc(f, wad("56000"));
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopCannotCover")
      .withArgs(f.alice.address, wad("200"), 0n);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.3"));
  });

  it("lets the fund end exactly at its maintenance margin", async function () {
    // The fund holds 368: after covering 200 it keeps 168 = 0.3 · 56,000 · 1%.
    const f = await backstopSetup({ fundUsdc: usdc(368) });
    await moveBtc(f, wad("56000"));
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD)).to.emit(
      f.pm,
      "BackstopTakeover",
    );
    const m = await f.pm.accountMargin(await fundAddress(f));
    expect(m.equityWad).to.equal(wad("168"));
    expect(m.maintenanceMarginWad).to.equal(wad("168"));
    expect(await f.fund.availableWad()).to.equal(0n);
  });

  it("reverts BackstopCannotCover for a solvent account the fund cannot margin", async function () {
    // An empty fund: alice's equity of 100 at 57,000 would leave the fund 100 against a maintenance of 171.
    const f = await backstopSetup({ fundUsdc: 0n });
    await moveBtc(f, wad("57000"));
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopCannotCover")
      .withArgs(f.alice.address, 0n, 0n);
  });
});
