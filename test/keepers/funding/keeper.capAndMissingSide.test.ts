/**
 * On chain, the 4%/h cap lands exactly on PositionManager's bound (no FundingAboveCap), and a book missing one impact
 * side yields no premium sample, so the interval pays the interest term alone.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { BTC_USD, SENATE22_R, deployKeel, wad } from "../../fixtures/keel";
import { setPrices } from "../../contracts/trading/helpers";
import { fundingHarness, type FundingHarness } from "./helpers";

describe("funding keeper: cap and missing impact side", function () {
  let h: FundingHarness | undefined;
  afterEach(async function () {
    await h?.close();
    h = undefined;
  });

  it("applies a capped rate at exactly the on-chain bound, and interest only when a side is missing", async function () {
    const f = await deployKeel();
    await time.increaseTo((Math.floor((await time.latest()) / 3600) + 1) * 3600 + 10);
    await setPrices(f, { [BTC_USD]: wad("60000"), [SENATE22_R]: wad("0.4") });
    h = await fundingHarness(f, { marketIds: [BTC_USD, SENATE22_R] });
    // BTC: impact bid 90,000 → premium 0.5; rate8h 0.4995; /8 = 0.0624 > 4%/h → 0.04 · 60,000 = 2,400 USD
    h.gateway.set(BTC_USD, wad("90000"), wad("90010"));
    // SENATE22-R: no asks deep enough for 1,000 USD → no sample at all
    h.gateway.set(SENATE22_R, wad("0.41"), undefined);
    await h.keeper.tick();
    for (let i = 1; i < 12; i++) {
      h.advanceClock(5_000);
      await h.keeper.sample();
    }
    expect(h.keeper.sampler(SENATE22_R).size).to.equal(0);

    await time.increase(3600);
    await setPrices(f, { [BTC_USD]: wad("60000"), [SENATE22_R]: wad("0.4") });
    const [btc, event] = await h.keeper.applyDue();
    expect(btc.funding.capped).to.equal(true);
    expect(btc.funding.fundingPerUnitWad).to.equal(wad("2400"));
    expect(btc.funding.maxFundingPerUnitWad, "PositionManager's bound: 0.04 · 3600/3600 · 60,000").to.equal(
      wad("2400"),
    );
    expect((await f.pm.marketState(BTC_USD)).cumulativeFundingWad).to.equal(wad("2400"));
    // SENATE22-R: no sample → rate8h = clamp(interest 0, ±0.0005) = 0 → 0 per unit, but the epoch still advances
    expect(event.funding.sampled).to.equal(false);
    expect(event.funding.fundingPerUnitWad).to.equal(0n);
    expect((await f.pm.marketState(SENATE22_R)).fundingEpoch).to.equal(1n);

    // Next interval: BTC's bids vanish → no sample → interest only, 0.0001 / 8 · 60,000 = 0.75 USD
    h.gateway.set(BTC_USD, undefined, wad("60010"));
    for (let i = 0; i < 12; i++) {
      h.advanceClock(5_000);
      await h.keeper.sample();
    }
    await time.increase(3600);
    await setPrices(f, { [BTC_USD]: wad("60000"), [SENATE22_R]: wad("0.4") });
    const [btcNext] = await h.keeper.applyDue();
    expect(btcNext.funding.sampled).to.equal(false);
    expect(btcNext.funding.fundingPerUnitWad).to.equal(wad("0.75"));
    expect((await f.pm.marketState(BTC_USD)).cumulativeFundingWad).to.equal(wad("2400.75"));
  });
});
