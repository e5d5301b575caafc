/** The BTCUSDT bookDepth of 2025-10-10: 2879 snapshots of cumulative depth by percentage band. */
import { expect } from "chai";
import {
  depthBand,
  loadBinanceBookDepth,
  parseBinanceBookDepth,
  ReplayFormatError,
  type BookDepthReplay,
} from "../../../../keepers/oracle/replay";

describe("replay: Binance book depth (BTCUSDT-bookDepth-2025-10-10.csv)", () => {
  let replay: BookDepthReplay;
  before(async () => {
    replay = await loadBinanceBookDepth();
  });

  it("groups the rows into 2879 snapshots from 00:00:07 to 23:59:30 UTC, five bands a side", () => {
    expect([replay.venue, replay.instrument]).to.deep.equal(["binance", "BTCUSDT"]);
    expect(replay.records).to.have.length(2879);
    expect(new Date(replay.startMs).toISOString()).to.equal("2025-10-10T00:00:07.000Z");
    expect(new Date(replay.endMs).toISOString()).to.equal("2025-10-10T23:59:30.000Z");
    expect(replay.records.every((s) => s.bids.length === 5 && s.asks.length === 5)).to.equal(true);
    // 2025-10-10 00:00:07,-1,1496.75,181266014.3741,… and 2025-10-10 00:00:07,5,6182.925,766746432.071,…
    const first = replay.records[0];
    expect(depthBand(first, "bid", 1)).to.deep.include({
      depthWad: 1_496_750n * 10n ** 15n,
      notionalWad: 1_812_660_143_741n * 10n ** 14n,
    });
    expect(depthBand(first, "ask", 5)?.depthWad).to.equal(6_182_925n * 10n ** 15n);
    expect(first.bids.map((b) => b.percent)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(depthBand(first, "ask", 6)).to.equal(undefined);
  });

  it("replays snapshots in time order and reads the one row with a stray leading space", () => {
    const at = Date.UTC(2025, 9, 10, 21, 34, 32);
    const upTo = replay.advanceTo(at);
    expect(upTo[upTo.length - 1].timestampMs).to.equal(at);
    // Line 25883: " 2025-10-10 21:34:32,-4,17.654,…" belongs to the 21:34:32 snapshot.
    expect(replay.latestBand("bid", 4)?.depthWad).to.equal(17_654n * 10n ** 15n);
    expect(replay.latest?.bids).to.have.length(5);
  });

  it("refuses a band repeated within a snapshot", () => {
    const text = "timestamp,percentage,depth,notional\n2025-01-01 00:00:00,1,1,1\n2025-01-01 00:00:00,1,2,2\n";
    expect(() => parseBinanceBookDepth(text, "d.csv")).to.throw(ReplayFormatError, "d.csv:3: band 1% appears twice");
  });
});
