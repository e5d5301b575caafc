/**
 * The funding keeper samples premiums every 5 s, applies funding once per interval at the boundary of chain time, and
 * the chain's cumulative funding moves by exactly the hand-computed amount per unit; a second call within the same
 * interval applies nothing, and an interval without samples pays the interest term alone.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { BTC_USD, SENATE22_R, deployKeel, wad, type KeelFixture } from "../../fixtures/keel";
import { setPrices } from "../../contracts/trading/helpers";
import { fundingHarness, type FundingHarness } from "./helpers";

/** Moves the chain to 10 s past its next hour boundary, so that the test's boundary is one hour away. */
async function alignChainToHour(): Promise<void> {
  const now = await time.latest();
  await time.increaseTo((Math.floor(now / 3600) + 1) * 3600 + 10);
}

async function pushDefaultPrices(f: KeelFixture): Promise<void> {
  await setPrices(f, { [BTC_USD]: wad("60000"), [SENATE22_R]: wad("0.4") });
}

async function cumulative(f: KeelFixture, marketId: number): Promise<bigint> {
  return (await f.pm.marketState(marketId)).cumulativeFundingWad;
}

describe("funding keeper: applies once per interval", function () {
  let h: FundingHarness | undefined;
  afterEach(async function () {
    await h?.close();
    h = undefined;
  });

  it("applies the hand-computed funding at the boundary, once, then the interest term alone", async function () {
    const f = await deployKeel();
    await alignChainToHour();
    await pushDefaultPrices(f);
    h = await fundingHarness(f);
    // BTC: impact bid 60,180 vs index 60,000 → premium (60,180 − 60,000) / 60,000 = +0.003
    h.gateway.set(BTC_USD, wad("60180"), wad("60200"));
    // SENATE22-R: impact bid 0.41 vs index 0.40 → premium 0.01 / 0.40 = +0.025
    h.gateway.set(SENATE22_R, wad("0.41"), wad("0.43"));

    expect(await h.keeper.tick(), "nothing is due in the first interval").to.deep.equal([]);
    for (let i = 1; i < 24; i++) {
      h.advanceClock(5_000);
      // one spike tick in minute 0: premium (66,000 − 60,000) / 60,000 = 0.1, outvoted by the minute's median
      if (i === 7) h.gateway.set(BTC_USD, wad("66000"), wad("66010"));
      await h.keeper.sample();
      if (i === 7) h.gateway.set(BTC_USD, wad("60180"), wad("60200"));
    }
    expect(await h.keeper.applyDue(), "the boundary has not passed").to.deep.equal([]);

    await time.increase(3600);
    await pushDefaultPrices(f); // BTC's index must be fresh (60 s staleness) for applyFunding
    const applied = await h.keeper.applyDue();
    expect(applied.map((a) => a.marketId)).to.deep.equal([BTC_USD, SENATE22_R]);
    // BTC: minute medians 0.003, 0.003 → avg 0.003; rate8h = 0.003 + clamp(0.0001 − 0.003, ±0.0005) = 0.0025;
    // hourly 0.0025 / 8 = 0.0003125; per unit 0.0003125 · 60,000 USD = 18.75 USD
    expect(applied[0].minutesSampled).to.equal(2);
    expect(applied[0].funding.fundingPerUnitWad).to.equal(wad("18.75"));
    expect(await cumulative(f, BTC_USD)).to.equal(wad("18.75"));
    // SENATE22-R: rate8h = 0.025 + clamp(0 − 0.025, ±0.0005) = 0.0245; hourly 0.0030625; × 1 USD
    expect(applied[1].funding.fundingPerUnitWad).to.equal(wad("0.0030625"));
    expect(await cumulative(f, SENATE22_R)).to.equal(wad("0.0030625"));
    expect(applied.map((a) => a.fundingEpoch)).to.deep.equal([1, 1]);
    // impact notionals: 20,000 USD for the asset market, 1,000 USD for the bounded one
    const notionals = new Map(h.gateway.requests.map((r) => [r.marketId, r.notionalWad]));
    expect(notionals.get(BTC_USD)).to.equal(wad("20000"));
    expect(notionals.get(SENATE22_R)).to.equal(wad("1000"));

    expect(await h.keeper.applyDue(), "a second call in the same interval applies nothing").to.deep.equal([]);
    expect(await cumulative(f, BTC_USD)).to.equal(wad("18.75"));
    expect((await f.pm.marketState(BTC_USD)).fundingEpoch).to.equal(1n);

    await time.increase(3600);
    await pushDefaultPrices(f);
    const next = await h.keeper.applyDue();
    // no sample since the last application: BTC pays interest only, 0.0001 / 8 · 60,000 = 0.75 USD; the event
    // market has no interest: 0
    expect(next.map((a) => a.funding.fundingPerUnitWad)).to.deep.equal([wad("0.75"), 0n]);
    expect(next.map((a) => a.funding.sampled)).to.deep.equal([false, false]);
    expect(await cumulative(f, BTC_USD)).to.equal(wad("19.5"));
    expect(await cumulative(f, SENATE22_R)).to.equal(wad("0.0030625"));
    expect(next.map((a) => a.fundingEpoch)).to.deep.equal([2, 2]);
  });
});
