/** computeIndex: venues more than maxDeviation (relative) from the fresh venues' weighted median are outliers. */
import { expect } from "chai";
import { computeIndex } from "../../../../keepers/oracle/index";
import { spot, wad } from "./helpers";

const NOW = 1_000_000;

describe("index: outlier rejection", () => {
  it("keeps a venue exactly 2% away and drops one a wei further", () => {
    const quotes = [
      spot("binance", 60_000, NOW),
      spot("okx", 60_000, NOW),
      spot("kraken", 61_200, NOW), // |61200 − 60000| / 60000 = 0.02 exactly: kept
      { ...spot("coinbase", 61_200, NOW), priceWad: wad(61_200) + 1n }, // 0.02 + 1/60000e18: dropped
    ];
    // Reference: 60000 (cum 5 of W = 7) → 10 > 7 → 60000.
    const result = computeIndex(quotes, NOW);
    expect(result?.referenceWad).to.equal(wad(60_000));
    expect(result?.used.map((v) => v.venue)).to.deep.equal(["binance", "kraken", "okx"]);
    expect(result?.dropped).to.have.length(1);
    expect(result?.dropped[0]).to.deep.include({ venue: "coinbase", reason: "outlier", deviationWad: wad("0.02") });
    // Used: 60000 (5), 61200 (1); W = 6 → 10 > 6 → 60000.
    expect(result?.indexWad).to.equal(wad(60_000));
  });

  it("takes the median of the venues left, which can differ from the reference", () => {
    const quotes = [
      spot("binance", 100, NOW),
      spot("okx", 101, NOW),
      spot("a", 150, NOW),
      spot("b", 150, NOW),
      spot("c", 150, NOW),
      spot("d", 150, NOW),
    ];
    // Reference over W = 9: 100 (cum 3) → 6 < 9; 101 (cum 5) → 10 > 9 → 101. 150 is 48.5% away: a, b, c, d dropped.
    // Index over binance (3) and okx (2), W = 5: 100 (cum 3) → 6 > 5 → 100.
    const result = computeIndex(quotes, NOW);
    expect(result?.referenceWad).to.equal(wad(101));
    expect(result?.indexWad).to.equal(wad(100));
    expect(result?.dropped.map((v) => v.reason)).to.deep.equal(["outlier", "outlier", "outlier", "outlier"]);
    // A looser limit keeps them all: 100 (3), 101 (2), 150 (4); W = 9 → 101.
    expect(computeIndex(quotes, NOW, { maxDeviationWad: wad("0.5") })?.indexWad).to.equal(wad(101));
  });

  it("checks outliers among fresh venues only", () => {
    // The stale Binance quote would be the reference; without it OKX alone is the reference and the index.
    const quotes = [spot("binance", 50_000, NOW - 60_000), spot("okx", 60_000, NOW)];
    const result = computeIndex(quotes, NOW);
    expect(result?.indexWad).to.equal(wad(60_000));
    expect(result?.dropped.map((v) => [v.venue, v.reason])).to.deep.equal([["binance", "stale"]]);
  });
});
