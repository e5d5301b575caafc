/** The 2025-10-10 BTCUSD_PERP mark kline zip: 1440 one-minute klines, each a "mark" quote at its close_time. */
import { expect } from "chai";
import { loadBinanceMarkKlines, parseBinanceKlineZip, ReplayFormatError } from "../../../../keepers/oracle/replay";
import { zipSync, strToU8 } from "fflate";

const DAY_START_MS = Date.UTC(2025, 9, 10); // 1760054400000

describe("replay: Binance mark klines (BTCUSD_PERP-1m-2025-10-10.zip)", () => {
  it("reads 1440 klines from 00:00 to 23:59 UTC, quoted at close_time with the close", async () => {
    const replay = await loadBinanceMarkKlines();
    expect(replay.klines).to.have.length(1440);
    expect(replay.records).to.have.length(1440);
    expect([replay.venue, replay.instrument]).to.deep.equal(["binance", "BTCUSD_PERP"]);
    // First row: 1760054400000,121662,121737.53736410,121662,121689.00965205,0,1760054459999,…
    expect(replay.klines[0]).to.deep.include({ openTimeMs: DAY_START_MS, closeTimeMs: DAY_START_MS + 59_999 });
    expect(replay.klines[0].openWad).to.equal(121_662n * 10n ** 18n);
    expect(replay.records[0]).to.deep.equal({
      venue: "binance",
      instrument: "BTCUSD_PERP",
      kind: "mark",
      priceWad: 121_689_009_652_050_000_000_000n,
      timestampMs: DAY_START_MS + 59_999,
    });
    // Last row: 1760140740000,…,close 112992.60000000, close_time 1760140799999.
    expect(replay.records[1439]).to.deep.include({
      priceWad: 112_992_600_000_000_000_000_000n,
      timestampMs: 1760140799999,
    });
    expect([replay.startMs, replay.endMs]).to.deep.equal([DAY_START_MS + 59_999, 1760140799999]);
  });

  it("sees the crash low of 102,497.48513403 in the 21:20 UTC kline", async () => {
    const replay = await loadBinanceMarkKlines();
    const low = replay.klines.reduce((a, b) => (b.lowWad < a.lowWad ? b : a));
    expect(low.lowWad).to.equal(102_497_485_134_030_000_000_000n);
    expect(low.openTimeMs).to.equal(Date.UTC(2025, 9, 10, 21, 20));
    expect(replay.klines.every((k) => k.volumeWad === 0n && k.count === 60)).to.equal(true);
  });

  it("reads a headerless zip and refuses one without exactly one CSV", () => {
    const row = "1000,1,2,0.5,1.5,0,60999,0,60,0,0,0\n";
    const headerless = parseBinanceKlineZip(zipSync({ "ETHUSDT-1m-x.csv": strToU8(row) }), "mem.zip");
    expect(headerless.records[0]).to.deep.include({
      instrument: "ETHUSDT",
      timestampMs: 60999,
      priceWad: 15n * 10n ** 17n,
    });
    expect(() => parseBinanceKlineZip(zipSync({ "a.txt": strToU8(row) }), "mem.zip")).to.throw(
      ReplayFormatError,
      "expected one .csv entry, found none",
    );
    expect(() => parseBinanceKlineZip(new Uint8Array([1, 2, 3]), "mem.zip")).to.throw(
      ReplayFormatError,
      "not a readable zip",
    );
  });
});
