/**
 * Funding of one interval from an average premium, against hand-computed values (DESIGN §7): the ±0.05% interest
 * clamp, the 4%/h cap (the market's `fundingCapWad`), the per-unit amount on the index (ASSET) or on 1 USD (BOUNDED),
 * rounding toward zero, and the on-chain bound `fundingCap · interval / 3600 · referencePrice`.
 */
import { expect } from "chai";
import {
  computeFunding,
  fundingPerUnitWad,
  fundingRate8hWad,
  fundingReferencePriceWad,
  hourlyFundingRateWad,
  maxFundingPerUnitWad,
} from "../../../keepers/funding/rate";
import { MarketKind } from "../../../keepers/sdk/markets";
import { wad } from "../../fixtures/keel";

/** BTC-USD's parameters (deploy/params.ts): 1 h interval, 4%/h cap, 0.01% interest per 8 h. */
const BTC = { interestRate8hWad: wad("0.0001"), fundingCapWad: wad("0.04"), fundingIntervalSec: 3600 };
/** SENATE22-R's: 1 h interval, 1%/h cap, no interest. */
const EVENT = { interestRate8hWad: 0n, fundingCapWad: wad("0.01"), fundingIntervalSec: 3600 };
const INDEX = wad("60000");

describe("funding: rate of one interval", function () {
  it("is the interest rate when the premium is within ±0.05% of it", function () {
    // avg premium 0.0004: rate8h = 0.0004 + clamp(0.0001 − 0.0004 = −0.0003, ±0.0005) = 0.0001
    const f = computeFunding({ ...BTC, avgPremiumWad: wad("0.0004"), referencePriceWad: INDEX });
    expect(f.rate8hWad).to.equal(wad("0.0001"));
    // hourly = 0.0001 / 8 = 0.0000125; per unit = 0.0000125 · 3600/3600 · 60,000 = 0.75 USD
    expect(f.hourlyRateWad).to.equal(wad("0.0000125"));
    expect(f.fundingPerUnitWad).to.equal(wad("0.75"));
    expect(f.capped).to.equal(false);
  });

  it("follows the premium beyond the clamp, in both directions", function () {
    // +0.3%: rate8h = 0.003 + clamp(0.0001 − 0.003 = −0.0029 → −0.0005) = 0.0025; hourly 0.0003125; × 60,000 = 18.75
    const up = computeFunding({ ...BTC, avgPremiumWad: wad("0.003"), referencePriceWad: INDEX });
    expect([up.rate8hWad, up.hourlyRateWad, up.fundingPerUnitWad]).to.deep.equal([
      wad("0.0025"),
      wad("0.0003125"),
      wad("18.75"),
    ]);
    // −0.2%: rate8h = −0.002 + clamp(0.0001 + 0.002 = 0.0021 → +0.0005) = −0.0015; hourly −0.0001875; × 60,000 = −11.25
    const down = computeFunding({ ...BTC, avgPremiumWad: -wad("0.002"), referencePriceWad: INDEX });
    expect([down.rate8hWad, down.hourlyRateWad, down.fundingPerUnitWad]).to.deep.equal([
      -wad("0.0015"),
      -wad("0.0001875"),
      -wad("11.25"),
    ]);
  });

  it("pays the interest term alone when the interval had no sample", function () {
    // rate8h = 0 + clamp(0.0001, ±0.0005) = 0.0001 → 0.75 USD per BTC, as with a premium equal to zero
    const f = computeFunding({ ...BTC, avgPremiumWad: undefined, referencePriceWad: INDEX });
    expect(f.sampled).to.equal(false);
    expect(f.fundingPerUnitWad).to.equal(wad("0.75"));
    // The interest term itself is clamped: 0.08%/8h → 0.05%/8h
    expect(fundingRate8hWad(0n, wad("0.0008"))).to.equal(wad("0.0005"));
  });

  it("caps the hourly rate at the market's cap and lands exactly on the on-chain bound", function () {
    // +50%: rate8h = 0.5 − 0.0005 = 0.4995; /8 = 0.0624375 > 4% → 0.04; × 60,000 = 2,400 USD
    const f = computeFunding({ ...BTC, avgPremiumWad: wad("0.5"), referencePriceWad: INDEX });
    expect(f.hourlyRateWad).to.equal(wad("0.04"));
    expect(f.capped).to.equal(true);
    expect(f.fundingPerUnitWad).to.equal(wad("2400"));
    // on-chain bound: 0.04 · 3600 · 60,000 / 3600 = 2,400 (FundingAboveCap only above it)
    expect(f.maxFundingPerUnitWad).to.equal(wad("2400"));
    const short = computeFunding({ ...BTC, avgPremiumWad: -wad("0.5"), referencePriceWad: INDEX });
    expect(short.fundingPerUnitWad).to.equal(-wad("2400"));
  });

  it("pays BOUNDED markets on 1 USD, capped at their own cap", function () {
    expect(fundingReferencePriceWad(MarketKind.Bounded, wad("0.4"))).to.equal(wad("1"));
    expect(fundingReferencePriceWad(MarketKind.Asset, INDEX)).to.equal(INDEX);
    // premium 0.025 (impact bid 0.41 vs index 0.40): rate8h = 0.025 + clamp(0 − 0.025 → −0.0005) = 0.0245;
    // hourly = 0.0030625; × 1 USD = 0.0030625 USD per unit
    const f = computeFunding({ ...EVENT, avgPremiumWad: wad("0.025"), referencePriceWad: wad("1") });
    expect(f.fundingPerUnitWad).to.equal(wad("0.0030625"));
    // premium 0.1: rate8h 0.0995, hourly 0.0124375 > 1% → 0.01 USD per unit, the bound 0.01 · 1 USD
    const capped = computeFunding({ ...EVENT, avgPremiumWad: wad("0.1"), referencePriceWad: wad("1") });
    expect([capped.fundingPerUnitWad, capped.maxFundingPerUnitWad]).to.deep.equal([wad("0.01"), wad("0.01")]);
  });

  it("scales with the interval and rounds toward zero", function () {
    // 30-minute interval at 0.0000125/h on 60,000: 0.0000125 · 1800/3600 · 60,000 = 0.375
    expect(fundingPerUnitWad(wad("0.0000125"), 1800, INDEX)).to.equal(wad("0.375"));
    // 1 wei/h · 1 s · 1 USD / 3600 s = 1/3600 wei → 0, for either sign
    expect(fundingPerUnitWad(1n, 1, wad("1"))).to.equal(0n);
    expect(fundingPerUnitWad(-1n, 1, wad("1"))).to.equal(0n);
    // 8-hour division: 7 wei / 8 → 0 and −7 / 8 → 0
    expect(hourlyFundingRateWad(7n, wad("0.04"))).to.equal(0n);
    expect(hourlyFundingRateWad(-7n, wad("0.04"))).to.equal(0n);
    // the bound rounds down like Math.mulDiv: 4e16 · 1 s · 1e17 / (3600 · 1e18) = 1,111,111,111,111.1 → …111
    expect(maxFundingPerUnitWad(wad("0.04"), 1, wad("0.1"))).to.equal(1_111_111_111_111n);
  });

  it("refuses a cap above 4% per hour", function () {
    expect(() => hourlyFundingRateWad(0n, wad("0.05"))).to.throw(RangeError, /4%/);
  });
});
