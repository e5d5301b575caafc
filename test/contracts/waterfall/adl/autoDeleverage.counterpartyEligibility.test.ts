/**
 * autoDeleverage takes only opposite-side positions in profit (DESIGN §8, §13.12–13): an account with no open
 * position never loses balance to ADL; listing a flat account, a position on the bankrupt side, an opposite position
 * at a loss or at exactly zero PnL, or the bankrupt account itself reverts AdlCounterpartyNotEligible(counterparty,
 * size, unrealized PnL at the mark) and moves nothing.
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../../fixtures/keel";
import { walkPrices } from "../../trading/behaviourHelpers";
import { BANKRUPT_MARK, BTC_USD, adl, bankruptLong, equityOf, openTrade, setupAdl, wad } from "./helpers";

describe("PositionManager.autoDeleverage takes only opposite-side positions in profit", function () {
  useSolvencyInvariant();

  it("never touches the balance of a flat account, which is not an eligible counterparty", async function () {
    const f = await setupAdl();
    await bankruptLong(f);
    const erinBalance = await f.vault.balanceWad(f.erin.address); // 100,000, no position
    await expect(adl(f, f.alice, BTC_USD, [f.erin]))
      .to.be.revertedWithCustomError(f.pm, "AdlCounterpartyNotEligible")
      .withArgs(f.erin.address, 0n, 0n);
    await adl(f, f.alice, BTC_USD, [f.bob]);
    expect(await f.vault.balanceWad(f.erin.address)).to.equal(erinBalance);
    expect(await f.vault.balanceWad(f.dave.address)).to.equal(wad("100000"));
  });

  it("refuses a counterparty on the bankrupt side", async function () {
    const f = await setupAdl();
    // dave +0.1 @ 60,000 (from carol) is long like alice: PnL at 56,000 = 5,600 − 6,000 = −400.
    await openTrade(f, f.dave, f.carol, wad("0.1"), wad("60000"));
    await bankruptLong(f);
    await expect(adl(f, f.alice, BTC_USD, [f.dave]))
      .to.be.revertedWithCustomError(f.pm, "AdlCounterpartyNotEligible")
      .withArgs(f.dave.address, wad("0.1"), -wad("400"));
  });

  it("refuses an opposite position at a loss or at zero PnL", async function () {
    const f = await setupAdl();
    await openTrade(f, f.alice, f.bob, wad("0.3"), wad("60000"));
    // dave sells 0.1 to erin at 55,000 (mark 55,000), then at 56,000 dave's short has PnL 5,500 − 5,600 = −100.
    await walkPrices(f, { [BTC_USD]: wad("55000") });
    await openTrade(f, f.erin, f.dave, wad("0.1"), wad("55000"));
    await walkPrices(f, { [BTC_USD]: BANKRUPT_MARK });
    // carol sells 0.1 to erin at the mark 56,000: PnL exactly 0.
    await openTrade(f, f.erin, f.carol, wad("0.1"), BANKRUPT_MARK);
    expect(await equityOf(f, f.alice)).to.equal(-wad("200"));

    await expect(adl(f, f.alice, BTC_USD, [f.dave]))
      .to.be.revertedWithCustomError(f.pm, "AdlCounterpartyNotEligible")
      .withArgs(f.dave.address, -wad("0.1"), -wad("100"));
    await expect(adl(f, f.alice, BTC_USD, [f.carol]))
      .to.be.revertedWithCustomError(f.pm, "AdlCounterpartyNotEligible")
      .withArgs(f.carol.address, -wad("0.1"), 0n);
    // An ineligible counterparty listed first reverts the call, though bob after it could close everything.
    await expect(adl(f, f.alice, BTC_USD, [f.carol, f.bob]))
      .to.be.revertedWithCustomError(f.pm, "AdlCounterpartyNotEligible")
      .withArgs(f.carol.address, -wad("0.1"), 0n);
  });

  it("refuses the bankrupt account as its own counterparty", async function () {
    const f = await setupAdl();
    await bankruptLong(f);
    // alice +0.3: PnL 0.3 · 56,000 − 18,000 = −1,200.
    await expect(adl(f, f.alice, BTC_USD, [f.alice, f.bob]))
      .to.be.revertedWithCustomError(f.pm, "AdlCounterpartyNotEligible")
      .withArgs(f.alice.address, wad("0.3"), -wad("1200"));
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.3"));
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(-wad("0.3"));
  });
});
