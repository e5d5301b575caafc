/**
 * autoDeleverage takes only opposite-side positions (DESIGN §8, §13.13), whatever their profit: a position on the
 * bankrupt account's own side that is in profit (entered lower than the mark) is refused as a counterparty just like
 * one at a loss. Profit alone never makes a position eligible.
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../../fixtures/keel";
import { walkPrices } from "../../trading/behaviourHelpers";
import { BANKRUPT_MARK, BTC_USD, adl, equityOf, openTrade, setupAdl, wad } from "./helpers";

describe("PositionManager.autoDeleverage refuses a same-side position in profit", function () {
  useSolvencyInvariant();

  it("reverts AdlCounterpartyNotEligible for a profitable long against a bankrupt long, and moves nothing", async function () {
    const f = await setupAdl();
    await openTrade(f, f.alice, f.bob, wad("0.3"), wad("60000"));
    // dave buys 0.1 from erin at 55,000; at 56,000 dave's long has PnL 5,600 − 5,500 = +100, alice's equity −200.
    await walkPrices(f, { [BTC_USD]: wad("55000") });
    await openTrade(f, f.dave, f.erin, wad("0.1"), wad("55000"));
    await walkPrices(f, { [BTC_USD]: BANKRUPT_MARK });
    expect(await equityOf(f, f.alice)).to.equal(-wad("200"));
    const daveBalance = await f.vault.balanceWad(f.dave.address);

    await expect(adl(f, f.alice, BTC_USD, [f.dave]))
      .to.be.revertedWithCustomError(f.pm, "AdlCounterpartyNotEligible")
      .withArgs(f.dave.address, wad("0.1"), wad("100"));

    expect((await f.pm.position(f.dave.address, BTC_USD)).sizeWad).to.equal(wad("0.1"));
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.3"));
    expect(await f.vault.balanceWad(f.dave.address)).to.equal(daveBalance);
    // bob's short, opposite and in profit, is the eligible counterparty.
    await adl(f, f.alice, BTC_USD, [f.bob]);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
  });
});
