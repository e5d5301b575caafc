/**
 * The fill band: the engine never matches at a maker price outside `maxFillDeviation` of the mark (the chain would
 * reject the fill); matching stops there, and resumes on a mark that brings the level into the band.
 */
import { expect } from "chai";
import { withinBand } from "../../../keepers/sdk/math";
import { MarketKind } from "../../../keepers/sdk/markets";
import { ALICE, BOB, CAROL, harness, market, order, wad } from "./helpers";

describe("matcher: band around the mark", () => {
  it("stops at the first maker level outside the band (ASSET, 10% of the mark) and rests the taker", () => {
    const h = harness({ markets: [market({ markWad: wad(100) })] });
    h.engine.place(order({ account: ALICE, side: "sell", price: 110, size: 1 }));
    h.engine.place(order({ account: BOB, side: "sell", price: 110.01, size: 1 }));
    expect(withinBand(MarketKind.Asset, wad(110), wad(100), wad(0.1)).within).to.equal(true);
    expect(withinBand(MarketKind.Asset, wad(110.01), wad(100), wad(0.1)).within).to.equal(false);
    const taker = h.engine.place(order({ account: CAROL, side: "buy", price: 120, size: 2 }));
    expect(taker.fills.map((f) => f.priceWad)).to.deep.equal([wad(110)]);
    expect(taker.order).to.include({ status: "open", filledWad: wad(1) });
    // The book is crossed only while the band blocks; a mark that admits the level matches it.
    expect(h.engine.onMark(1, wad(100.005))).to.deep.equal([]);
    const [uncrossed] = h.engine.onMark(1, wad(101));
    expect(uncrossed.order.hash).to.equal(taker.order.hash);
    expect(uncrossed.fills.map((f) => [f.priceWad, f.sizeWad])).to.deep.equal([[wad(110.01), wad(1)]]);
    expect(h.engine.book(1)).to.deep.include({ bids: [], asks: [] });
  });

  it("cancels an IOC remainder blocked by the band (BOUNDED: absolute distance)", () => {
    const h = harness({
      markets: [market({ kind: MarketKind.Bounded, maxFillDeviationWad: wad(0.05), markWad: wad(0.4) })],
    });
    h.engine.place(order({ account: ALICE, side: "buy", price: 0.35, size: 1 }));
    h.engine.place(order({ account: ALICE, side: "buy", price: 0.34, size: 1 }));
    const result = h.engine.place(order({ account: BOB, side: "sell", price: 0.3, size: 2, ioc: true }));
    expect(result.fills.map((f) => f.priceWad)).to.deep.equal([wad(0.35)]);
    expect(result.order).to.include({ status: "cancelled", reason: "ioc-remainder", filledWad: wad(1) });
    expect(h.engine.book(1).bids).to.deep.equal([{ priceWad: wad(0.34), sizeWad: wad(1), orderCount: 1 }]);
  });

  it("does not check a band before the first mark", () => {
    const h = harness();
    h.engine.place(order({ account: ALICE, side: "sell", price: 1, size: 1 }));
    expect(h.engine.place(order({ account: BOB, side: "buy", price: 1000, size: 1 })).fills).to.have.length(1);
  });
});
