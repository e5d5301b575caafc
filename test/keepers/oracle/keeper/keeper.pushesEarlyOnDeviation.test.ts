/**
 * Pushes come on the cadence, and early when a price moved more than 0.5% since the last push; a smaller move waits
 * for the cadence.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { setPrices } from "../../../contracts/trading/helpers";
import { BTC_USD, SENATE22_R, deployKeel, wad } from "../../../fixtures/keel";
import { metricValue, oracleHarness, type OracleHarness } from "./helpers";

describe("oracle keeper: pushes early on deviation", function () {
  let h: OracleHarness | undefined;
  afterEach(async function () {
    await h?.close();
    h = undefined;
  });

  it("waits for the cadence under 0.5% and pushes at once beyond it", async function () {
    const f = await deployKeel();
    await setPrices(f, { [BTC_USD]: wad("60000"), [SENATE22_R]: wad("0.4") });
    h = await oracleHarness(f, { pushIntervalMs: 30_000 });
    h.setBtc(wad("60000"));
    h.event.set(wad("0.4"));

    await h.nextSecond();
    const refresh = await h.keeper.round();
    expect(refresh.trigger, "the first round refreshes the chain's prices").to.equal("cadence");
    expect(refresh.push?.markets.map((m) => m.marketId)).to.deep.equal([BTC_USD, SENATE22_R]);

    h.setBtc(wad("60240")); // +0.4%: below the threshold
    await h.nextSecond();
    expect((await h.keeper.round()).trigger).to.equal(undefined);
    expect((await f.oracle.snapshot(BTC_USD)).markWad).to.equal(wad("60000"));

    h.setBtc(wad("60360")); // +0.6% since the last push: at once
    await h.nextSecond();
    const early = await h.keeper.round();
    expect(early.trigger).to.equal("deviation");
    expect((await f.oracle.snapshot(BTC_USD)).markWad).to.equal(wad("60360"));

    await h.nextSecond();
    expect((await h.keeper.round()).trigger, "unchanged, cadence not due").to.equal(undefined);

    await time.increase(29); // with nextSecond(): 30 s since the last push, the cadence
    await h.nextSecond();
    const cadence = await h.keeper.round();
    expect(cadence.trigger).to.equal("cadence");
    expect(cadence.push).to.not.equal(undefined);

    expect(await metricValue(h.metrics, "keel_oracle_pushes_total", { trigger: "deviation" })).to.equal(1);
    expect(await metricValue(h.metrics, "keel_oracle_pushes_total", { trigger: "cadence" })).to.equal(2);
  });
});
