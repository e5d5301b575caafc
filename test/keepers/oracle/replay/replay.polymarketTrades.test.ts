/** The 2022 Senate market on Polymarket: 5087 trades newest first, one outcome token replayed in time order. */
import { expect } from "chai";
import { loadPolymarketTrades, parsePolymarketTrades, ReplayFormatError } from "../../../../keepers/oracle/replay";

const HEADER = '"","Timestamp","Account","Type","Outcome","Direction","Amount","Shares","Price","Var.9","Var.10"\n';

describe("replay: Polymarket trades (us_senate_overall.csv)", () => {
  it("accounts for all 5087 rows and replays the Republican token oldest first, read as UTC", async () => {
    const replay = await loadPolymarketTrades({ outcome: "Republican" });
    expect(replay.rowCount).to.equal(5087);
    // 2112 Republican rows, one with Price "NA" (line 1844, a 0-share sell) skipped.
    expect(replay.records).to.have.length(2111);
    expect(replay.skippedLines).to.deep.equal([1844]);
    // Last line: "5087",2022-01-12 21:28:30,…,"Buy","Republican","🔴",150,246.09,0.6095
    expect(replay.records[0]).to.deep.equal({
      venue: "polymarket",
      instrument: "us_senate_overall:Republican",
      kind: "trade",
      priceWad: 609_500_000_000_000_000n,
      sizeWad: 246_090_000_000_000_000_000n,
      timestampMs: Date.UTC(2022, 0, 12, 21, 28, 30),
    });
    // Line 2: "1",2022-11-13 15:33:33,…,"Sell","Republican","🔵",0.78,425423.75,0
    expect(replay.records[2110]).to.deep.include({ priceWad: 0n, timestampMs: Date.UTC(2022, 10, 13, 15, 33, 33) });
    const democratic = await loadPolymarketTrades({ outcome: "Democratic" });
    expect(democratic.records).to.have.length(5087 - 2112);
    expect(democratic.records[0].timestampMs).to.equal(Date.UTC(2022, 0, 12, 21, 29, 18));
  });

  it("keeps same-second trades in time order (the file's reverse order, reversed)", () => {
    const text =
      HEADER +
      '"1",2022-11-13 15:33:27,"0xa","Sell","Republican","x",1,10,0\n' +
      '"2",2022-11-13 15:33:27,"0xa","Sell","Republican","x",1,10,1e-04\n' +
      '"3",2022-11-13 15:33:26,"0xa","Sell","Republican","x",1,10,7e-04\n';
    const replay = parsePolymarketTrades(text, "m.csv", { outcome: "Republican" });
    expect(replay.records.map((q) => q.priceWad)).to.deep.equal([700_000_000_000_000n, 100_000_000_000_000n, 0n]);
  });

  it("refuses an unknown outcome (listing those present) and a price above 1", () => {
    const ok = HEADER + '"1",2022-01-01 00:00:00,"0xa","Buy","Yes","x",1,1,0.5\n';
    expect(() => parsePolymarketTrades(ok, "m.csv", { outcome: "Republican" })).to.throw(
      ReplayFormatError,
      'no trades of outcome "Republican"; outcomes present: Yes',
    );
    const bad = HEADER + '"1",2022-01-01 00:00:00,"0xa","Buy","Yes","x",1,1,1.5\n';
    expect(() => parsePolymarketTrades(bad, "m.csv", { outcome: "Yes" })).to.throw(
      ReplayFormatError,
      "m.csv:2: price 1.5",
    );
  });
});
