/** Partial fills: a taker walks several levels, and a maker is filled in parts by several takers, keeping its place. */
import { expect } from "chai";
import { ALICE, BOB, CAROL, DAVE, harness, order, wad } from "./helpers";

describe("matcher: partial fills", () => {
  it("fills a taker across levels at each maker's price and rests the rest at its limit", () => {
    const h = harness();
    const a1 = order({ account: ALICE, side: "sell", price: 100, size: 1 });
    const a2 = order({ account: BOB, side: "sell", price: 101, size: 2 });
    const a3 = order({ account: CAROL, side: "sell", price: 103, size: 5 });
    [a1, a2, a3].forEach((o) => h.engine.place(o));
    const taker = order({ account: DAVE, side: "buy", price: 102, size: 4 });
    const result = h.engine.place(taker);
    expect(result.fills.map((f) => [f.makerHash, f.sizeWad, f.priceWad, f.takerSide])).to.deep.equal([
      [a1.hash, wad(1), wad(100), "buy"],
      [a2.hash, wad(2), wad(101), "buy"],
    ]);
    expect(result.order).to.include({ status: "open", filledWad: wad(3) });
    expect(h.engine.order(a1.hash)).to.include({ status: "filled", filledWad: wad(1) });
    expect(h.engine.order(a2.hash)).to.include({ status: "filled", filledWad: wad(2) });
    const book = h.engine.book(1);
    expect(book.bids).to.deep.equal([{ priceWad: wad(102), sizeWad: wad(1), orderCount: 1 }]);
    expect(book.asks).to.deep.equal([{ priceWad: wad(103), sizeWad: wad(5), orderCount: 1 }]);
    expect(h.fills).to.deep.equal(result.fills);
    expect(result.fills.every((f) => f.id === 0 && f.marketId === 1 && f.takerHash === taker.hash)).to.equal(true);
  });

  it("fills one maker in parts within a level and keeps it ahead of later orders at its price", () => {
    const h = harness();
    const big = order({ account: ALICE, side: "buy", price: 50, size: 5 });
    const later = order({ account: BOB, side: "buy", price: 50, size: 1 });
    h.engine.place(big);
    h.engine.place(later);
    h.engine.place(order({ account: CAROL, side: "sell", price: 50, size: 2 }));
    expect(h.engine.order(big.hash)).to.include({ status: "open", filledWad: wad(2) });
    const second = h.engine.place(order({ account: DAVE, side: "sell", price: 49, size: 3.5 }));
    expect(second.fills.map((f) => [f.makerHash, f.sizeWad, f.priceWad])).to.deep.equal([
      [big.hash, wad(3), wad(50)],
      [later.hash, wad(0.5), wad(50)],
    ]);
    expect(h.engine.order(big.hash)).to.include({ status: "filled", filledWad: wad(5) });
    expect(h.engine.order(later.hash)).to.include({ status: "open", filledWad: wad(0.5) });
    expect(second.order).to.include({ status: "filled", filledWad: wad(3.5) });
    expect(h.engine.book(1).bids).to.deep.equal([{ priceWad: wad(50), sizeWad: wad(0.5), orderCount: 1 }]);
  });

  it("reports each order change as an event, the taker once with its final state", () => {
    const h = harness();
    const maker = order({ account: ALICE, side: "sell", price: 10, size: 1 });
    h.engine.place(maker);
    h.orders.length = 0;
    const taker = order({ account: BOB, side: "buy", price: 10, size: 3 });
    h.engine.place(taker);
    expect(h.orders.map((o) => [o.hash, o.status, o.filledWad])).to.deep.equal([
      [maker.hash, "filled", wad(1)],
      [taker.hash, "open", wad(1)],
    ]);
  });
});
