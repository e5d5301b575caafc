/** Impact prices on a hand-computed book: the average price of a market order of a given USD notional. */
import { expect } from "chai";
import { WAD } from "../../../keepers/sdk/math";
import { ALICE, BOB, harness, order, wad } from "./helpers";

describe("matcher: impact prices", () => {
  function bookFixture() {
    const h = harness();
    // Asks: 1 @ 100, 2 @ 101, 5 @ 103 (worth 100, 202, 515). Bids: 2 @ 99, 1 @ 98 (worth 198, 98).
    h.engine.place(order({ account: ALICE, side: "sell", price: 100, size: 1 }));
    h.engine.place(order({ account: ALICE, side: "sell", price: 101, size: 2 }));
    h.engine.place(order({ account: BOB, side: "sell", price: 103, size: 5 }));
    h.engine.place(order({ account: ALICE, side: "buy", price: 99, size: 2 }));
    h.engine.place(order({ account: BOB, side: "buy", price: 98, size: 1 }));
    return h;
  }

  it("averages across levels: notional / size filled, rounded down once", () => {
    const h = bookFixture();
    // 250 USD of asks: 1 @ 100, then 150 / 101 at 101 → 250 / (1 + 150/101) = 25250 / 251.
    const impact = h.engine.impactPrices(1, wad(250));
    expect(impact.impactAskWad).to.equal((wad(25250) * WAD) / wad(251));
    // 250 USD of bids: 2 @ 99, then 52 / 98 at 98 → 250 / (2 + 52/98) = 24500 / 248.
    expect(impact.impactBidWad).to.equal((wad(24500) * WAD) / wad(248));
    // 150 USD of bids: all within the 99 level.
    expect(h.engine.impactPrices(1, wad(150)).impactBidWad).to.equal(wad(99));
    expect(impact).to.include({ marketId: 1, impactNotionalWad: wad(250), timestampMs: 1_700_000_000_000 });
  });

  it("ends exactly on a level boundary, and is undefined on a side too thin", () => {
    const h = bookFixture();
    // 302 USD of asks = 1 @ 100 + 2 @ 101 exactly: 302 / 3.
    expect(h.engine.impactPrices(1, wad(302)).impactAskWad).to.equal(wad(302) / 3n);
    // 296 USD of bids = 2 @ 99 + 1 @ 98: 296 / 3, rounded down.
    const all = h.engine.impactPrices(1, wad(296));
    expect(all.impactBidWad).to.equal(wad(296) / 3n);
    expect(h.engine.impactPrices(1, wad(296) + 1n).impactBidWad).to.equal(undefined);
    expect(h.engine.impactPrices(1, wad(817)).impactAskWad).to.equal(wad(817) / 8n);
    expect(h.engine.impactPrices(1, wad(817) + 1n).impactAskWad).to.equal(undefined);
  });

  it("rejects a non-positive notional", () => {
    expect(() => bookFixture().engine.impactPrices(1, 0n)).to.throw(RangeError, /positive/);
  });
});
