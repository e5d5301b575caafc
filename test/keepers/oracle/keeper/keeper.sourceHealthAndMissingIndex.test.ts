/**
 * A failing venue is reported down and counted while the index comes from the others; a market left without any
 * index is left out of the push (its chain price ages honestly) while the other markets are still pushed.
 */
import { expect } from "chai";
import { setPrices } from "../../../contracts/trading/helpers";
import { BTC_USD, SENATE22_R, deployKeel, wad } from "../../../fixtures/keel";
import { metricValue, oracleHarness, type OracleHarness } from "./helpers";

describe("oracle keeper: source health and missing index", function () {
  let h: OracleHarness | undefined;
  afterEach(async function () {
    await h?.close();
    h = undefined;
  });

  it("counts a failing venue, pushes the others' index, and leaves a market without an index out", async function () {
    const f = await deployKeel();
    await setPrices(f, { [BTC_USD]: wad("60000"), [SENATE22_R]: wad("0.4") });
    h = await oracleHarness(f);
    h.btc.binance.set(wad("60000"));
    h.btc.bybit.set(wad("60200"));
    h.btc.okx.fail("HTTP 503");
    h.event.set(undefined); // Polymarket answers without a quote: no index for SENATE22-R
    await h.nextSecond();

    const report = await h.keeper.round();
    expect(report.error).to.equal(undefined);
    expect(report.withoutIndex).to.deep.equal([SENATE22_R]);
    // binance 60,000 (weight 3) and bybit 60,200 (weight 2): cumulative 3 of 5 passes half at 60,000
    expect(report.push?.markets.map((m) => [m.marketId, m.indexWad])).to.deep.equal([[BTC_USD, wad("60000")]]);
    expect((await f.oracle.snapshot(SENATE22_R)).timestamp, "SENATE22-R not re-dated").to.be.lessThan(
      BigInt(report.push?.timestampSec ?? 0),
    );

    const labels = (venue: string) => ({ market: "1", venue });
    expect(await metricValue(h.metrics, "keel_oracle_source_up", labels("okx"))).to.equal(0);
    expect(await metricValue(h.metrics, "keel_oracle_source_up", labels("binance"))).to.equal(1);
    expect(await metricValue(h.metrics, "keel_oracle_source_failures_total", labels("okx"))).to.equal(1);
    expect(await metricValue(h.metrics, "keel_oracle_source_up", { market: "2", venue: "polymarket" })).to.equal(0);
    expect(await metricValue(h.metrics, "keel_oracle_no_index_total", { market: "2" })).to.equal(1);
    expect(await metricValue(h.metrics, "keel_oracle_price_age_seconds", { market: "1" })).to.equal(0);

    h.btc.okx.set(wad("60100"));
    h.event.set(wad("0.41"));
    await h.nextSecond();
    const recovered = await h.keeper.round();
    expect(recovered.withoutIndex).to.deep.equal([]);
    expect(await metricValue(h.metrics, "keel_oracle_source_up", labels("okx"))).to.equal(1);
    // binance 60,000 (3), okx 60,100 (2), bybit 60,200 (2): cumulative 3 of 7 < half, 5 of 7 > half → 60,100
    expect(recovered.observations.find((o) => o.marketId === BTC_USD)?.indexWad).to.equal(wad("60100"));
    expect(recovered.push?.markets.map((m) => m.marketId)).to.deep.equal([BTC_USD, SENATE22_R]);
  });
});
