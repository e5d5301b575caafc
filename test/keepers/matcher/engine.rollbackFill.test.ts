/**
 * rollbackFill: a fill settlement refused is undone on both orders; the culprit is cancelled, the innocent order
 * gets its size back at its original time priority.
 */
import { expect } from "chai";
import { EngineRejection } from "../../../keepers/matcher/engineErrors";
import { ALICE, BOB, CAROL, DAVE, EVE, harness, order, wad } from "./helpers";

describe("matcher: rollbackFill", () => {
  it("re-inserts a filled innocent maker ahead of later orders at its price and cancels the culprit taker", () => {
    const h = harness();
    const m1 = order({ account: ALICE, side: "sell", price: 100, size: 1 });
    const m2 = order({ account: BOB, side: "sell", price: 100, size: 1 });
    h.engine.place(m1);
    h.engine.place(m2);
    const taker = order({ account: CAROL, side: "buy", price: 100, size: 1 });
    const [fill] = h.engine.place(taker).fills;
    const m3 = order({ account: DAVE, side: "sell", price: 100, size: 1 });
    h.engine.place(m3);
    h.orders.length = 0;

    const result = h.engine.rollbackFill(fill, "taker");
    expect(result.orders.map((o) => [o.hash, o.status, o.reason, o.filledWad])).to.deep.equal([
      [m1.hash, "open", undefined, 0n],
      [taker.hash, "cancelled", "settlement-rejected", 0n],
    ]);
    expect(result.matches).to.deep.equal([]);
    expect(h.orders.map((o) => o.hash)).to.deep.equal([m1.hash, taker.hash]);
    expect(h.engine.book(1).asks).to.deep.equal([{ priceWad: wad(100), sizeWad: wad(3), orderCount: 3 }]);
    const next = h.engine.place(order({ account: EVE, side: "buy", price: 100, size: 1 }));
    expect(next.fills.map((f) => f.makerHash)).to.deep.equal([m1.hash]);
  });

  it("gives a partly filled innocent taker its size back in place and cancels the culprit maker", () => {
    const h = harness();
    const maker = order({ account: ALICE, side: "buy", price: 100, size: 1 });
    h.engine.place(maker);
    const taker = order({ account: BOB, side: "sell", price: 99, size: 3 });
    const [fill] = h.engine.place(taker).fills;
    const behind = order({ account: CAROL, side: "sell", price: 99, size: 1 });
    h.engine.place(behind);

    const result = h.engine.rollbackFill(fill, "maker");
    expect(result.orders.map((o) => [o.hash, o.status, o.reason, o.filledWad])).to.deep.equal([
      [maker.hash, "cancelled", "settlement-rejected", 0n],
      [taker.hash, "open", undefined, 0n],
    ]);
    expect(h.engine.book(1).asks).to.deep.equal([{ priceWad: wad(99), sizeWad: wad(4), orderCount: 2 }]);
    const next = h.engine.place(order({ account: DAVE, side: "buy", price: 99, size: 3.5 }));
    expect(next.fills.map((f) => [f.makerHash, f.sizeWad])).to.deep.equal([
      [taker.hash, wad(3)],
      [behind.hash, wad(0.5)],
    ]);
  });

  it("matches a restored order that crosses the book, the later arrival as taker at the maker's price", () => {
    const h = harness();
    const maker = order({ account: ALICE, side: "sell", price: 100, size: 1 });
    h.engine.place(maker);
    const [fill] = h.engine.place(order({ account: BOB, side: "buy", price: 100, size: 1 })).fills;
    const bid = order({ account: CAROL, side: "buy", price: 100.5, size: 2 });
    h.engine.place(bid);
    const result = h.engine.rollbackFill(fill, "taker");
    expect(
      result.matches.map((m) => [m.order.hash, m.fills.map((f) => [f.makerHash, f.priceWad, f.sizeWad])]),
    ).to.deep.equal([[bid.hash, [[maker.hash, wad(100), wad(1)]]]]);
    expect(h.engine.order(maker.hash)).to.include({ status: "filled", filledWad: wad(1) });
    expect(h.engine.book(1).bids).to.deep.equal([{ priceWad: wad(100.5), sizeWad: wad(1), orderCount: 1 }]);
    expect(h.engine.book(1).asks).to.deep.equal([]);
  });

  it("does not re-insert an innocent IOC order, and only undoes the size when nobody is to blame", () => {
    const h = harness();
    const maker = order({ account: ALICE, side: "sell", price: 100, size: 2 });
    h.engine.place(maker);
    const ioc = order({ account: BOB, side: "buy", price: 100, size: 1, ioc: true });
    const [fill] = h.engine.place(ioc).fills;
    const result = h.engine.rollbackFill(fill, "none");
    expect(result.orders.map((o) => [o.hash, o.status, o.reason, o.filledWad])).to.deep.equal([
      [maker.hash, "open", undefined, 0n],
      [ioc.hash, "cancelled", "ioc-remainder", 0n],
    ]);
    expect(h.engine.book(1).asks).to.deep.equal([{ priceWad: wad(100), sizeWad: wad(2), orderCount: 1 }]);
    expect(h.engine.book(1).bids).to.deep.equal([]);
  });

  it("refuses a rollback larger than what was filled (INVALID_ROLLBACK) or of unknown orders (UNKNOWN_ORDER)", () => {
    const h = harness();
    h.engine.place(order({ account: ALICE, side: "sell", price: 100, size: 2 }));
    const [fill] = h.engine.place(order({ account: BOB, side: "buy", price: 100, size: 1 })).fills;
    const before = h.engine.book(1);
    expect(() => h.engine.rollbackFill({ ...fill, sizeWad: wad(2) }, "taker"))
      .to.throw(EngineRejection)
      .with.property("code", "INVALID_ROLLBACK");
    expect(() => h.engine.rollbackFill({ ...fill, makerHash: "0xdead", takerHash: "0xbeef" }, "taker"))
      .to.throw(EngineRejection)
      .with.property("code", "UNKNOWN_ORDER");
    expect(h.engine.book(1)).to.deep.equal(before);
  });
});
