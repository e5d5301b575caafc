/**
 * autoDeleverage closes at the bankruptcy price (ILiquidationWaterfall-autoDeleverage, Waterfall.bankruptcyPrice):
 * a long with deficit D and size S sells at mark + ⌊D·1e18/S⌋, a short buys at mark − ⌊D·1e18/|S|⌋, the price of a
 * BOUNDED market is clamped to [0, 1]. After a full close the account is flat with equity ≈ 0 (the offset rounds
 * toward the mark, so the account keeps a few wei of deficit, recorded as bad debt when the fund is empty); a close
 * in one market of a cross-margined account brings its equity exactly to zero with the other marks held.
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../../fixtures/keel";
import { walkPrices } from "../../trading/behaviourHelpers";
import {
  BANKRUPT_MARK,
  BTC_USD,
  SENATE22_R,
  WAD,
  adl,
  bankruptLong,
  equityOf,
  openTrade,
  setupAdl,
  wad,
} from "./helpers";

describe("PositionManager.autoDeleverage closes at the bankruptcy price", function () {
  useSolvencyInvariant();

  it("sells a bankrupt long at mark + deficit / size and leaves the account flat at ≈ 0", async function () {
    const f = await setupAdl();
    await bankruptLong(f); // alice +0.3 @ 60,000, bob −0.3 @ 60,000, mark 56,000: D = 200
    expect(await equityOf(f, f.alice)).to.equal(-wad("200"));

    // p = 56,000e18 + ⌊200e18 · 1e18 / 0.3e18⌋ = 56,000e18 + 666,666666666666666666 = 56,666.666666666666666666
    const p = 56666_666666666666666666n;
    const tx = adl(f, f.alice, BTC_USD, [f.bob]);
    await expect(tx).to.emit(f.pm, "AutoDeleveraged").withArgs(f.alice.address, f.bob.address, BTC_USD, wad("0.3"), p);
    // alice sells 0.3 at p: cash ⌊0.3 · p⌋ = ⌊16,999.9999999999999999998⌋ = 16,999.999999999999999999, minus the
    // 18,000 basis: −1,000 − 1 wei. Her balance 1,000 → −1 wei; the empty fund covers nothing: 1 wei bad debt.
    await expect(tx).to.emit(f.pm, "BadDebtRecorded").withArgs(f.alice.address, BTC_USD, 1n);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
    expect(await f.pm.openMarkets(f.alice.address)).to.deep.equal([]);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(-1n);
    expect(await f.vault.totalDebtWad()).to.equal(1n);
    // bob buys back his −0.3 (basis −18,000) at p: he pays ⌈16,999.9999999999999999998⌉ = 17,000: +1,000.
    expect(await f.vault.balanceWad(f.bob.address)).to.equal(wad("101000"));
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(0n);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(0n);
  });

  it("buys back a bankrupt short at mark − deficit / |size|", async function () {
    const f = await setupAdl();
    // alice −0.3 @ 60,000 (bob long); mark 64,000: equity = 1,000 − 0.3 · 4,000 = −200.
    await openTrade(f, f.bob, f.alice, wad("0.3"), wad("60000"));
    await walkPrices(f, { [BTC_USD]: wad("64000") });
    expect(await equityOf(f, f.alice)).to.equal(-wad("200"));

    // p = 64,000e18 − ⌊200e18 · 1e18 / 0.3e18⌋ = 64,000e18 − 666,666666666666666666 = 63,333.333333333333333334
    const p = 63333_333333333333333334n;
    const tx = adl(f, f.alice, BTC_USD, [f.bob]);
    await expect(tx).to.emit(f.pm, "AutoDeleveraged").withArgs(f.alice.address, f.bob.address, BTC_USD, -wad("0.3"), p);
    // alice pays ⌈0.3 · p⌉ = ⌈19,000.0000000000000000002⌉ = 19,000.000000000000000001 against her −18,000 basis:
    // −1,000 − 1 wei → balance −1 wei (bad debt). bob sells at p: ⌊19,000.0000000000000000002⌋ − 18,000 = +1,000.
    await expect(tx).to.emit(f.pm, "BadDebtRecorded").withArgs(f.alice.address, BTC_USD, 1n);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(-1n);
    expect(await f.vault.balanceWad(f.bob.address)).to.equal(wad("101000"));
  });

  it("prices a BOUNDED close inside [0, 1] and brings a cross-margined account to exactly zero", async function () {
    const f = await setupAdl();
    // alice: +0.3 BTC @ 60,000 (bob) and +1,000 SENATE @ 0.40 (carol short).
    await openTrade(f, f.alice, f.bob, wad("0.3"), wad("60000"));
    await openTrade(f, f.alice, f.carol, wad("1000"), wad("0.4"), SENATE22_R);
    await walkPrices(f, { [BTC_USD]: BANKRUPT_MARK, [SENATE22_R]: wad("0.35") });
    // equity = 1,000 − 0.3 · 4,000 − 1,000 · 0.05 = 1,000 − 1,200 − 50 = −250.
    expect(await equityOf(f, f.alice)).to.equal(-wad("250"));

    // p = 0.35 + 250 / 1,000 = 0.60 (inside [0, 1]: not clamped).
    const tx = adl(f, f.alice, SENATE22_R, [f.carol]);
    await expect(tx)
      .to.emit(f.pm, "AutoDeleveraged")
      .withArgs(f.alice.address, f.carol.address, SENATE22_R, wad("1000"), wad("0.6"));
    // alice still holds BTC: no residual debt is recorded.
    await expect(tx).not.to.emit(f.pm, "BadDebtRecorded");
    // alice: 1,000 · 0.60 − 400 = +200 → balance 1,200; with BTC's −1,200 her equity is exactly 0.
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("1200"));
    expect(await equityOf(f, f.alice)).to.equal(0n);
    // carol buys back −1,000 (basis −400) at 0.60: −200.
    expect(await f.vault.balanceWad(f.carol.address)).to.equal(wad("99800"));
    expect(await f.pm.openMarkets(f.alice.address)).to.deep.equal([BigInt(BTC_USD)]);
    // Equity 0 is not bankrupt: a second ADL is refused.
    await expect(adl(f, f.alice, BTC_USD, [f.bob]))
      .to.be.revertedWithCustomError(f.pm, "AdlAccountNotBankrupt")
      .withArgs(f.alice.address, 0n);
  });

  it("clamps a BOUNDED long's bankruptcy price to 1", async function () {
    const f = await setupAdl();
    // alice: +0.3 BTC @ 60,000 (bob) and +100 SENATE @ 0.40 (carol short).
    await openTrade(f, f.alice, f.bob, wad("0.3"), wad("60000"));
    await openTrade(f, f.alice, f.carol, wad("100"), wad("0.4"), SENATE22_R);
    await walkPrices(f, { [BTC_USD]: BANKRUPT_MARK, [SENATE22_R]: wad("0.35") });
    // equity = 1,000 − 1,200 − 100 · 0.05 = −205.
    expect(await equityOf(f, f.alice)).to.equal(-wad("205"));

    // p = 0.35 + 205 / 100 = 2.40 → clamped to 1.
    await expect(adl(f, f.alice, SENATE22_R, [f.carol]))
      .to.emit(f.pm, "AutoDeleveraged")
      .withArgs(f.alice.address, f.carol.address, SENATE22_R, wad("100"), WAD);
    // alice: 100 · 1 − 40 = +60 → balance 1,060, equity 1,060 − 1,200 = −140. carol: −100 + 40 = −60.
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("1060"));
    expect(await equityOf(f, f.alice)).to.equal(-wad("140"));
    expect(await f.vault.balanceWad(f.carol.address)).to.equal(wad("99940"));

    // The rest on BTC: p = 56,000 + ⌊140e18 · 1e18 / 0.3e18⌋ = 56,466.666666666666666666.
    const p = 56466_666666666666666666n;
    const tx = adl(f, f.alice, BTC_USD, [f.bob]);
    await expect(tx).to.emit(f.pm, "AutoDeleveraged").withArgs(f.alice.address, f.bob.address, BTC_USD, wad("0.3"), p);
    // alice: ⌊0.3 · p⌋ = 16,939.999999999999999999 − 18,000 = −1,060 − 1 wei → balance −1 wei, flat: 1 wei of bad debt.
    await expect(tx).to.emit(f.pm, "BadDebtRecorded").withArgs(f.alice.address, BTC_USD, 1n);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(-1n);
    // bob: 18,000 − ⌈16,939.9999999999999999998⌉ = 18,000 − 16,940 = +1,060.
    expect(await f.vault.balanceWad(f.bob.address)).to.equal(wad("101060"));
  });
});
