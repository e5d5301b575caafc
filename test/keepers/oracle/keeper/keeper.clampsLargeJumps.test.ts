/**
 * A 10% jump is pushed in steps inside OracleRegistry's per-push deviation limit (2% for BTC-USD): no push reverts,
 * and the chain's mark moves exactly to the clamped value each time until it reaches the computed price.
 */
import { expect } from "chai";
import { clampStep } from "../../../../keepers/oracle/mark";
import { MarketKind } from "../../../../keepers/sdk/markets";
import { setPrices } from "../../../contracts/trading/helpers";
import { BTC_USD, SENATE22_R, deployKeel, wad } from "../../../fixtures/keel";
import { metricValue, oracleHarness, type OracleHarness } from "./helpers";

const MAX_PUSH_DEVIATION = wad("0.02"); // deploy/params.ts btcUsd().oracle.maxPushDeviationWad

describe("oracle keeper: clamps large jumps", function () {
  let h: OracleHarness | undefined;
  afterEach(async function () {
    await h?.close();
    h = undefined;
  });

  it("moves the chain's mark by at most 99% of 2% per push and never reverts", async function () {
    const f = await deployKeel();
    await setPrices(f, { [BTC_USD]: wad("60000"), [SENATE22_R]: wad("0.4") });
    h = await oracleHarness(f);
    h.setBtc(wad("66000")); // +10%
    h.event.set(wad("0.4"));
    await h.nextSecond();

    const first = await h.keeper.round();
    expect(first.error).to.equal(undefined);
    // 60,000 · 2% = 1,200 allowed on chain; the keeper uses 99% of it: 1,188 → 61,188
    expect(first.push?.markets[0]).to.deep.include({ marketId: BTC_USD, rawMarkWad: wad("66000") });
    expect(first.push?.markets[0].markWad).to.equal(wad("61188"));
    expect((await f.oracle.snapshot(BTC_USD)).markWad).to.equal(wad("61188"));
    expect((await f.oracle.snapshot(BTC_USD)).indexWad).to.equal(wad("61188"));

    // Each later round keeps pushing early (the computed price is still > 0.5% away) by 1.98% of the last price.
    let previous = wad("61188");
    let pushes = 1;
    while (previous !== wad("66000")) {
      await h.nextSecond();
      const report = await h.keeper.round();
      expect(report.error, `push ${pushes + 1}`).to.equal(undefined);
      expect(report.trigger).to.equal("deviation");
      const expected = clampStep(MarketKind.Asset, previous, wad("66000"), MAX_PUSH_DEVIATION);
      expect((await f.oracle.snapshot(BTC_USD)).markWad).to.equal(expected);
      previous = expected;
      pushes++;
      if (pushes > 10) throw new Error("did not converge");
    }
    // 60,000 · 1.0198^n reaches 66,000 at n = 5 (ln 1.1 / ln 1.0198 ≈ 4.86)
    expect(pushes).to.equal(5);
    expect(await metricValue(h.metrics, "keel_oracle_clamped_total", { market: "1", price: "mark" })).to.equal(4);
    expect(await metricValue(h.metrics, "keel_oracle_push_failures_total")).to.equal(undefined);
  });
});
