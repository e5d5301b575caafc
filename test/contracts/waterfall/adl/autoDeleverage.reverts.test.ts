/**
 * autoDeleverage's preconditions (ILiquidationWaterfall-autoDeleverage): ADL_ROLE only; the account must be bankrupt
 * (equity < 0) and hold the position; at least one counterparty; and the insurance fund must be unable to take it —
 * too little available, the per-block draw cap, the backstop's exposure cap, or (as BackstopCannotCover documents)
 * the fund would end below its own maintenance margin. Otherwise AdlInsuranceCanCover: the backstop goes first.
 */
import { expect } from "chai";
import { usdc, useSolvencyInvariant } from "../../../fixtures/keel";
import { walkPrices } from "../../trading/behaviourHelpers";
import { BTC_USD, SENATE22_R, adl, bankruptLong, equityOf, fundInsurance, openTrade, setupAdl, wad } from "./helpers";

describe("PositionManager.autoDeleverage reverts", function () {
  useSolvencyInvariant();

  it("requires ADL_ROLE", async function () {
    const f = await setupAdl();
    await bankruptLong(f);
    await expect(f.pm.connect(f.outsider).autoDeleverage(f.alice.address, BTC_USD, [f.bob.address]))
      .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
      .withArgs(f.outsider.address, await f.pm.ADL_ROLE());
  });

  it("requires negative equity", async function () {
    const f = await setupAdl();
    await openTrade(f, f.alice, f.bob, wad("0.3"), wad("60000"));
    // Mark 57,000: equity = 1,000 − 0.3 · 3,000 = 100 (liquidatable, not bankrupt).
    await walkPrices(f, { [BTC_USD]: wad("57000") });
    await expect(adl(f, f.alice, BTC_USD, [f.bob]))
      .to.be.revertedWithCustomError(f.pm, "AdlAccountNotBankrupt")
      .withArgs(f.alice.address, wad("100"));
    // A flat funded account: equity 100,000.
    await expect(adl(f, f.erin, BTC_USD, [f.bob]))
      .to.be.revertedWithCustomError(f.pm, "AdlAccountNotBankrupt")
      .withArgs(f.erin.address, wad("100000"));
  });

  it("requires a position in the market", async function () {
    const f = await setupAdl();
    await bankruptLong(f);
    await expect(adl(f, f.alice, SENATE22_R, [f.bob]))
      .to.be.revertedWithCustomError(f.pm, "LiquidationNoPosition")
      .withArgs(f.alice.address, SENATE22_R);
  });

  it("requires a counterparty", async function () {
    const f = await setupAdl();
    await bankruptLong(f);
    await expect(adl(f, f.alice, BTC_USD, [])).to.be.revertedWithCustomError(f.pm, "AdlNoCounterparty");
  });

  it("refuses while the fund can cover the deficit and take the position", async function () {
    const f = await setupAdl();
    await bankruptLong(f); // D = 200
    await fundInsurance(f, usdc(100_000));
    // coverable = min(available 100,000 − 0 maintenance, draw cap 1,000,000) = 100,000 ≥ 200; the fund's new long
    // 0.3 · 56,000 = 16,800 is within its 5,000,000 cap.
    await expect(adl(f, f.alice, BTC_USD, [f.bob]))
      .to.be.revertedWithCustomError(f.pm, "AdlInsuranceCanCover")
      .withArgs(f.alice.address, wad("200"), wad("100000"));
    // The backstop is the path: it succeeds.
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD)).to.emit(
      f.pm,
      "BackstopTakeover",
    );
  });

  it("runs when the per-block draw cap is below the deficit", async function () {
    const f = await setupAdl();
    await bankruptLong(f);
    await fundInsurance(f, usdc(100_000));
    await f.fund.connect(f.deployer).setMaxDrawPerBlock(wad("100")); // coverable = 100 < D = 200
    const tx = adl(f, f.alice, BTC_USD, [f.bob]);
    await expect(tx).to.emit(f.pm, "AutoDeleveraged");
    // The 1 wei of residual deficit (bankruptcy price rounded toward the mark) is covered by the fund.
    await expect(tx).to.emit(f.fund, "BadDebtCovered").withArgs(BTC_USD, 1n, 1n);
    await expect(tx).not.to.emit(f.pm, "BadDebtRecorded");
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(0n);
    expect(await f.vault.balanceWad(await f.fund.getAddress())).to.equal(wad("100000") - 1n);
  });

  it("runs when the backstop's exposure cap has no room for the position", async function () {
    const f = await setupAdl();
    await bankruptLong(f);
    await fundInsurance(f, usdc(100_000));
    // The fund's new long would be 0.3 · 56,000 = 16,800 > cap 10,000.
    await f.fund.connect(f.deployer).setBackstopExposureCap(BTC_USD, wad("10000"));
    await expect(adl(f, f.alice, BTC_USD, [f.bob])).to.emit(f.pm, "AutoDeleveraged");
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(0n);
  });

  it("runs when the takeover would leave the fund below its own maintenance margin", async function () {
    const f = await setupAdl();
    await bankruptLong(f); // D = 200
    // Fund 300: coverable 300 ≥ 200, but after the takeover its equity 300 − 200 = 100 is below the maintenance of
    // the 0.3 BTC it took over: 0.3 · 56,000 · 1% = 168. The backstop refuses…
    await fundInsurance(f, usdc(300));
    expect(await equityOf(f, f.alice)).to.equal(-wad("200"));
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopCannotCover")
      .withArgs(f.alice.address, wad("200"), 0n);
    // …so the account must go to auto-deleveraging (else neither stage could ever close it).
    await expect(adl(f, f.alice, BTC_USD, [f.bob])).to.emit(f.pm, "AutoDeleveraged");
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
  });

  it("refuses when the takeover leaves the fund exactly at its maintenance margin", async function () {
    const f = await setupAdl();
    await bankruptLong(f); // D = 200
    // Fund 368: after the takeover 368 − 200 = 168 = maintenance ⌈⌈0.3 · 56,000⌉ · 1%⌉: the backstop can take it.
    await fundInsurance(f, usdc(368));
    await expect(adl(f, f.alice, BTC_USD, [f.bob]))
      .to.be.revertedWithCustomError(f.pm, "AdlInsuranceCanCover")
      .withArgs(f.alice.address, wad("200"), wad("368"));
    await f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
    const fundHealth = await f.pm.accountHealth(await f.fund.getAddress());
    expect([fundHealth.equityWad, fundHealth.maintenanceMarginWad]).to.deep.equal([wad("168"), wad("168")]);
  });
});
