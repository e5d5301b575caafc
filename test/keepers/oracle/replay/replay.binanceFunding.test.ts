/** Binance BTCUSDT funding history: 7119 eight-hour rates, 2020-01 onwards, the 2020-03-13 cap included. */
import { expect } from "chai";
import { loadBinanceFundingHistory } from "../../../../keepers/oracle/replay";

describe("replay: Binance funding history (BTCUSDT.csv)", () => {
  it("reads 7119 rates in time order, exact and signed", async () => {
    const replay = await loadBinanceFundingHistory();
    expect(replay.records).to.have.length(7119);
    // 1577836800000,8,-0.00012359
    expect(replay.records[0]).to.deep.equal({
      timestampMs: 1577836800000,
      intervalHours: 8,
      rateWad: -123_590_000_000_000n,
    });
    const capped = replay.records.find((r) => r.timestampMs === Date.UTC(2020, 2, 13, 8));
    expect(capped?.rateWad).to.equal(-3_000_000_000_000_000n);
  });
});
