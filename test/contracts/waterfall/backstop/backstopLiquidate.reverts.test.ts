/**
 * backstopLiquidate refuses, in this order (ILiquidationWaterfall): the insurance fund's own account and the
 * PositionManager's clearing account (BackstopInvalidAccount), a market the account holds no position in
 * (LiquidationNoPosition), and an account at or above maintenance (LiquidationAccountHealthy, checked before the
 * caller's permission). Nothing moves on a refusal.
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../../fixtures/keel";
import { BTC_USD, SENATE22_R, backstopSetup, fundAddress, moveBtc, usdc, wad } from "./helpers";

describe("PositionManager.backstopLiquidate reverts", function () {
  useSolvencyInvariant();

  it("BackstopInvalidAccount for the fund's own account and the clearing account", async function () {
    const f = await backstopSetup();
    const fundAddr = await fundAddress(f);
    await moveBtc(f, wad("57000"));
    // Give the fund a position first, so the refusal is about who it is, not what it holds.
    await f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
    await expect(f.pm.connect(f.deployer).backstopLiquidate(fundAddr, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopInvalidAccount")
      .withArgs(fundAddr);
    const pmAddr = await f.pm.getAddress();
    await expect(f.pm.connect(f.deployer).backstopLiquidate(pmAddr, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopInvalidAccount")
      .withArgs(pmAddr);
  });

  it("LiquidationNoPosition for a market the account does not hold", async function () {
    const f = await backstopSetup();
    await moveBtc(f, wad("57000"));
    // Alice is liquidatable, but only in BTC-USD.
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, SENATE22_R))
      .to.be.revertedWithCustomError(f.pm, "LiquidationNoPosition")
      .withArgs(f.alice.address, SENATE22_R);
    // A market id beyond the open-market bitmap.
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, 500))
      .to.be.revertedWithCustomError(f.pm, "LiquidationNoPosition")
      .withArgs(f.alice.address, 500);
    // Carol holds cash only.
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.carol.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "LiquidationNoPosition")
      .withArgs(f.carol.address, BTC_USD);
  });

  it("LiquidationAccountHealthy at or above maintenance, for the liquidator and anyone else", async function () {
    const f = await backstopSetup();
    // At 60,000: equity 1,000, maintenance 0.3 · 60,000 · 1% = 180.
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "LiquidationAccountHealthy")
      .withArgs(f.alice.address, wad("1000"), wad("180"));
    await expect(f.pm.connect(f.outsider).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "LiquidationAccountHealthy")
      .withArgs(f.alice.address, wad("1000"), wad("180"));
  });

  it("LiquidationAccountHealthy with equity exactly at maintenance", async function () {
    // Alice deposits 1,071: at 57,000 her equity 1,071 − 900 = 171 equals her maintenance 0.3 · 57,000 · 1% = 171.
    const f = await backstopSetup({ aliceUsdc: usdc(1_071) });
    await moveBtc(f, wad("57000"));
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "LiquidationAccountHealthy")
      .withArgs(f.alice.address, wad("171"), wad("171"));
    // 0.1 lower: equity 1,071 − 0.3 · 3,000.1 = 170.97 < maintenance 0.3 · 56,999.9 · 1% = 170.9997.
    await moveBtc(f, wad("56999.9"));
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.emit(f.pm, "BackstopTakeover")
      .withArgs(f.alice.address, BTC_USD, wad("170.97"), f.deployer.address);
  });
});
