/**
 * autoDeleverage records what even the bankruptcy price cannot close (DESIGN §8, §13.11): when a BOUNDED price is
 * clamped (a short cannot be bought back below 0), the account ends flat with a negative balance; the fund covers
 * what it can (BadDebtCovered; a draw that may trip its circuit breaker) and the rest emits BadDebtRecorded and stays
 * in the vault's totalDebtWad.
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../../fixtures/keel";
import { walkPrices } from "../../trading/behaviourHelpers";
import {
  BANKRUPT_MARK,
  BTC_USD,
  SENATE22_R,
  adl,
  equityOf,
  liquidateOnBook,
  openTrade,
  setupAdl,
  wad,
  type AdlFixture,
} from "./helpers";

describe("PositionManager.autoDeleverage records residual bad debt", function () {
  useSolvencyInvariant();

  /**
   * alice (1,000): +0.3 BTC @ 60,000 (bob short), −100 SENATE @ 0.40 (carol long). BTC → 56,000, SENATE → 0.45.
   * Her BTC is liquidated on the book to bob at 56,000: −1,200 and a 0.5% fee of 16,800 = 84 to the fund:
   * balance 1,000 − 1,200 − 84 = −284; with SENATE's −100 · 0.05 = −5 her equity is −289.
   */
  async function setup(): Promise<AdlFixture> {
    const f = await setupAdl();
    await openTrade(f, f.alice, f.bob, wad("0.3"), wad("60000"));
    await openTrade(f, f.carol, f.alice, wad("100"), wad("0.4"), SENATE22_R);
    await walkPrices(f, { [BTC_USD]: BANKRUPT_MARK, [SENATE22_R]: wad("0.45") });
    await liquidateOnBook(f, f.alice, f.bob, wad("0.3"), BANKRUPT_MARK);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(-wad("284"));
    expect(await f.vault.balanceWad(await f.fund.getAddress())).to.equal(wad("84"));
    expect(await equityOf(f, f.alice)).to.equal(-wad("289"));
    return f;
  }

  it("clamps a BOUNDED short's price to 0, then the fund covers what it can and the rest is recorded", async function () {
    const f = await setup();
    const fundAddress = await f.fund.getAddress();
    // coverable 84 < D 289: ADL. p = 0.45 − 289 / 100 = −2.44 → clamped to 0.
    const tx = adl(f, f.alice, SENATE22_R, [f.carol]);
    await expect(tx)
      .to.emit(f.pm, "AutoDeleveraged")
      .withArgs(f.alice.address, f.carol.address, SENATE22_R, -wad("100"), 0n);
    // alice buys back −100 (basis −40) at 0: +40 → balance −244, flat. The fund covers min(244, available 84) = 84,
    // 244 − 84 = 160 stays as bad debt.
    await expect(tx).to.emit(f.fund, "BadDebtCovered").withArgs(SENATE22_R, wad("244"), wad("84"));
    await expect(tx).to.emit(f.pm, "BadDebtRecorded").withArgs(f.alice.address, SENATE22_R, wad("160"));
    // The draw (84 of 84 available, > 30%) trips SENATE's circuit breaker: reduce-only.
    await expect(tx).to.emit(f.pm, "MarketReduceOnlySet").withArgs(SENATE22_R, true);
    expect(await f.pm.openMarkets(f.alice.address)).to.deep.equal([]);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(-wad("160"));
    expect(await f.vault.totalDebtWad()).to.equal(wad("160"));
    expect(await f.vault.balanceWad(fundAddress)).to.equal(0n);
    // carol sells her +100 (basis 40) at 0: −40. Against the mark she gave up 100 · 0.45 = 45 ≤ D = 289.
    expect(await f.vault.balanceWad(f.carol.address)).to.equal(wad("99960"));
    expect((await f.pm.marketState(SENATE22_R)).openInterestWad).to.equal(0n);
  });

  it("records the whole residual when the fund's draw cap is spent", async function () {
    const f = await setup();
    // A draw cap of 1 wei: coverBadDebt grants 1 wei, 244 − 1 wei is recorded.
    await f.fund.connect(f.deployer).setMaxDrawPerBlock(1n);
    const tx = adl(f, f.alice, SENATE22_R, [f.carol]);
    await expect(tx).to.emit(f.fund, "BadDebtCovered").withArgs(SENATE22_R, wad("244"), 1n);
    await expect(tx)
      .to.emit(f.pm, "BadDebtRecorded")
      .withArgs(f.alice.address, SENATE22_R, wad("244") - 1n);
    expect(await f.vault.totalDebtWad()).to.equal(wad("244") - 1n);
  });
});
