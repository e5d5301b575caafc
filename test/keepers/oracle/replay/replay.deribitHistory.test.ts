/** Deribit funding history: 16,008 hourly index quotes, with the funding rates on their own accessor. */
import { expect } from "chai";
import { loadDeribitHistory, type DeribitHistoryReplay } from "../../../../keepers/oracle/replay";

describe("replay: Deribit history (deribit_history.csv)", () => {
  let replay: DeribitHistoryReplay;
  before(async () => {
    replay = await loadDeribitHistory();
  });

  it("replays the index as 16,008 'index' quotes in time order, 2019-04-30 to 2021-02-25", () => {
    expect(replay.records).to.have.length(16_008);
    // 2019-04-30 11:00:00,1556618400000,,-0.00045471014938468695,0.0,5150.94,…
    expect(replay.records[0]).to.deep.equal({
      venue: "deribit",
      instrument: "BTC-PERPETUAL",
      kind: "index",
      priceWad: 5_150_940_000_000_000_000_000n,
      timestampMs: 1556618400000,
    });
    expect(replay.endMs).to.equal(1614250800000);
    const times = replay.records.map((q) => q.timestampMs);
    // Sorted by timestamp: the two "2019-10-27 01:00:00" rows (end of UK summer time) come out in order.
    expect(times.every((t, i) => i === 0 || t > times[i - 1])).to.equal(true);
  });

  it("exposes the funding fields, signed and exact, by time", () => {
    expect(replay.funding[0]).to.deep.equal({
      timestampMs: 1556618400000,
      indexWad: 5_150_940_000_000_000_000_000n,
      interest1hWad: 0n,
      interest8hWad: -454_710_149_384_686n, // -0.00045471014938468695 truncated to 18 decimals
    });
    // 2019-04-30 12:00:00 row: interest_1h -2.355264834228129e-05, prev_index_price 5150.94.
    const second = replay.fundingAt(1556622000000 + 1_800_000);
    expect(second).to.deep.include({
      interest1hWad: -23_552_648_342_281n,
      prevIndexWad: 5_150_940_000_000_000_000_000n,
    });
    expect(replay.fundingAt(1556618400000 - 1)).to.equal(undefined);
    replay.advanceTo(1556622000000);
    expect(replay.latestFunding?.timestampMs).to.equal(1556622000000);
  });

  it("covers Black Thursday: the index falls to 4198 and interest_8h to about -0.0056", () => {
    const day = replay.funding.filter(
      (r) => r.timestampMs >= Date.UTC(2020, 2, 12) && r.timestampMs < Date.UTC(2020, 2, 14),
    );
    const lowest = day.reduce((a, b) => (b.indexWad < a.indexWad ? b : a));
    expect(lowest.indexWad / 10n ** 18n).to.equal(4198n);
    const worst = day.reduce((a, b) => (b.interest8hWad < a.interest8hWad ? b : a));
    expect(Number(worst.interest8hWad) / 1e18).to.be.within(-0.006, -0.005);
  });
});
