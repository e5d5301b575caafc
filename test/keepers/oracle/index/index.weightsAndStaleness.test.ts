/** computeIndex: the latest quote per venue, default weights, per-venue staleness and minSources. */
import { expect } from "chai";
import { computeIndex, DEFAULT_INDEX_WEIGHTS, evaluateIndex } from "../../../../keepers/oracle/index";
import { spot, wad } from "./helpers";

const NOW = 1_000_000;

describe("index: weights and staleness", () => {
  it("weights Binance 3, OKX and Bybit 2, others 1, using each venue's latest quote", () => {
    expect(DEFAULT_INDEX_WEIGHTS).to.deep.equal({ binance: 3, okx: 2, bybit: 2 });
    const quotes = [
      spot("binance", 59_000, NOW - 5_000), // older Binance quote: superseded
      spot("binance", 60_000, NOW - 1_000),
      spot("okx", 60_010, NOW),
      spot("bybit", 60_020, NOW),
      spot("kraken", 60_030, NOW),
      spot("coinbase", 60_040, NOW),
    ];
    // 60000 (3), 60010 (2), 60020 (2), 60030 (1), 60040 (1); W = 9: cum 3 → 6 < 9, cum 5 → 10 > 9 → 60010.
    const result = computeIndex(quotes, NOW);
    expect(result?.indexWad).to.equal(wad(60_010));
    expect(result?.used.map((v) => [v.venue, v.weight])).to.deep.equal([
      ["binance", 3],
      ["bybit", 2],
      ["coinbase", 1],
      ["kraken", 1],
      ["okx", 2],
    ]);
    expect(result?.dropped).to.deep.equal([]);
    // With Binance at weight 1 and Kraken at 5: 60000 (1), 60010 (2), 60020 (2), 60030 (5), 60040 (1); W = 11:
    // cum 1, 3, 5 → 10 < 11; cum 10 → 20 > 11 → 60030.
    const reweighted = computeIndex(quotes, NOW, { weights: { binance: 1, okx: 2, bybit: 2, kraken: 5 } });
    expect(reweighted?.indexWad).to.equal(wad(60_030));
  });

  it("drops a venue older than the staleness limit as stale; exactly at the limit is fresh", () => {
    const quotes = [spot("binance", 60_000, NOW - 10_000), spot("kraken", 61_000, NOW - 10_001)];
    const result = computeIndex(quotes, NOW);
    expect(result?.indexWad).to.equal(wad(60_000));
    expect(result?.used.map((v) => v.venue)).to.deep.equal(["binance"]);
    expect(result?.dropped.map((v) => [v.venue, v.reason, v.ageMs])).to.deep.equal([["kraken", "stale", 10_001]]);
  });

  it("takes a staleness limit per venue, the default for venues not listed", () => {
    const quotes = [spot("gemini", 60_000, NOW - 30_000), spot("kraken", 60_100, NOW - 30_000)];
    const result = computeIndex(quotes, NOW, { maxStalenessMs: { gemini: 60_000 } });
    expect(result?.used.map((v) => v.venue)).to.deep.equal(["gemini"]);
    expect(result?.dropped.map((v) => [v.venue, v.reason])).to.deep.equal([["kraken", "stale"]]);
  });

  it("returns undefined below minSources, while evaluateIndex still says why", () => {
    const quotes = [spot("binance", 60_000, NOW), spot("okx", 60_000, NOW - 20_000)];
    expect(computeIndex(quotes, NOW, { minSources: 2 })).to.equal(undefined);
    expect(computeIndex([], NOW)).to.equal(undefined);
    const why = evaluateIndex(quotes, NOW, { minSources: 2 });
    expect(why.indexWad).to.equal(undefined);
    expect(why.dropped.map((v) => [v.venue, v.reason])).to.deep.equal([["okx", "stale"]]);
    expect(computeIndex(quotes, NOW, { minSources: 1 })?.indexWad).to.equal(wad(60_000));
  });

  it("leaves out a venue quoting a price of 0 as invalid", () => {
    const result = computeIndex([spot("binance", 0, NOW), spot("okx", 60_000, NOW)], NOW);
    expect(result?.indexWad).to.equal(wad(60_000));
    expect(result?.dropped.map((v) => [v.venue, v.reason])).to.deep.equal([["binance", "invalid"]]);
  });

  it("leaves out venues of weight 0 and quotes of kinds not counted", () => {
    const quotes = [
      spot("binance", 60_000, NOW),
      spot("okx", 61_000, NOW),
      { ...spot("bybit", 59_000, NOW), kind: "perpMid" as const },
    ];
    const result = computeIndex(quotes, NOW, { weights: { binance: 3, okx: 0 }, kinds: ["spot"] });
    expect(result?.indexWad).to.equal(wad(60_000));
    expect(result?.dropped.map((v) => [v.venue, v.reason])).to.deep.equal([["okx", "disabled"]]);
    expect(() => computeIndex([spot("kraken", 1, NOW)], NOW, { defaultWeight: 0.5 })).to.throw(
      RangeError,
      "weight of kraken",
    );
    expect(() => computeIndex(quotes, NOW, { minSources: 0 })).to.throw(RangeError, "minSources");
  });
});
