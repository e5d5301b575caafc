/** The Gemini BTCUSD trades of 2025-10-10 (Tardis export): 24,706 trades, microsecond times, sizes in wad. */
import { expect } from "chai";
import {
  loadTardisTrades,
  parseTardisTrades,
  ReplayFormatError,
  type QuoteReplay,
} from "../../../../keepers/oracle/replay";

describe("replay: Tardis trades (gemini_trades_2025-10-10_BTCUSD.csv.gz)", () => {
  let replay: QuoteReplay;
  before(async () => {
    replay = await loadTardisTrades();
  });

  it("reads 24,706 trades from 00:00:06 to 23:59:59 UTC with exact prices and sizes", () => {
    expect(replay.venue).to.equal("gemini");
    expect(replay.records).to.have.length(24_706);
    // gemini,BTCUSD,1760054406843000,1760054406899497,…,buy,121758.75,0.01428928
    expect(replay.records[0]).to.deep.equal({
      venue: "gemini",
      instrument: "BTCUSD",
      kind: "trade",
      priceWad: 121_758_750_000_000_000_000_000n,
      sizeWad: 14_289_280_000_000_000n,
      timestampMs: 1760054406843,
    });
    // gemini,BTCUSD,1760140799148000,…,buy,113063.2,0.00862647
    expect(replay.records[24_705]).to.deep.include({
      priceWad: 113_063_200_000_000_000_000_000n,
      timestampMs: 1760140799148,
    });
    expect(new Date(replay.startMs).toISOString()).to.equal("2025-10-10T00:00:06.843Z");
    expect(new Date(replay.endMs).toISOString()).to.equal("2025-10-10T23:59:59.148Z");
  });

  it("has no trade from 21:14 to 21:19 UTC (the silence the index must survive)", () => {
    const silent = replay.records.filter(
      (q) => q.timestampMs >= Date.UTC(2025, 9, 10, 21, 14) && q.timestampMs < Date.UTC(2025, 9, 10, 21, 20),
    );
    expect(silent).to.deep.equal([]);
  });

  it("rounds microseconds down to ms and rejects a bad timestamp with its line", () => {
    const header = "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n";
    const replay = parseTardisTrades(`${header}x,Y,1999999,0,1,buy,1,2\n`, "t.csv");
    expect(replay.records[0].timestampMs).to.equal(1999);
    expect(() => parseTardisTrades(`${header}x,Y,1.5e6,0,1,buy,1,2\n`, "t.csv")).to.throw(
      ReplayFormatError,
      "t.csv:2: column timestamp",
    );
  });
});
