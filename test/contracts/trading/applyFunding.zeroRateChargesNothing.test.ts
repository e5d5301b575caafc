/**
 * A funding payment of 0 (premium and interest cancelling out, DESIGN §7) is still the interval's payment: it
 * advances the funding epoch, and no position pays or receives anything for it.
 */
import { expect } from "chai";
import { deployKeel, usdc, useSolvencyInvariant } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, defaultPrices, fundAll, trade, wad } from "./helpers";
import { balanceOf } from "./behaviourHelpers";

describe("PositionManager.applyFunding with a zero rate", function () {
  useSolvencyInvariant();

  it("advances the epoch and leaves every position with nothing due", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob], usdc(10_000));
    await defaultPrices(f);
    await trade(f, f.bob, f.alice, "buy", wad("0.1"), BTC_PRICE);
    const balances = [await balanceOf(f, f.alice), await balanceOf(f, f.bob)];

    await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, 0n))
      .to.emit(f.pm, "FundingApplied")
      .withArgs(BTC_USD, 0n, 0n, BTC_PRICE, 1n);

    const state = await f.pm.marketState(BTC_USD);
    expect([state.fundingEpoch, state.cumulativeFundingWad]).to.deep.equal([1n, 0n]);
    for (const who of [f.alice, f.bob]) {
      const p = await f.pm.position(who.address, BTC_USD);
      expect(p.pendingFundingWad).to.equal(0n);
    }

    // Touching both positions settles the zero payment: only the trade's fees move the balances.
    await defaultPrices(f);
    await trade(f, f.alice, f.bob, "buy", wad("0.1"), BTC_PRICE);
    expect(await balanceOf(f, f.alice)).to.equal(balances[0] - wad("0.9"));
    expect(await balanceOf(f, f.bob)).to.equal(balances[1] - wad("2.7"));
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
  });
});
