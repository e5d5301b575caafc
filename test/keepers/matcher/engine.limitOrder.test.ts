/** Limit (GTC) orders: rest when nothing crosses, match only while prices cross, never beyond the limit. */
import { expect } from "chai";
import { ALICE, BOB, harness, order, wad } from "./helpers";

describe("matcher: limit orders", () => {
  it("rests a limit order that does not cross, with a seq and the arrival time", () => {
    const h = harness();
    h.setNow(1_700_000_123_000);
    h.engine.place(order({ account: ALICE, side: "sell", price: 101, size: 1 }));
    const bid = order({ account: BOB, side: "buy", price: 100, size: 2 });
    const result = h.engine.place(bid);
    expect(result.fills).to.deep.equal([]);
    expect(result.order).to.include({ status: "open", filledWad: 0n, seq: 2, receivedAtMs: 1_700_000_123_000 });
    expect(result.order.account).to.equal(BOB);
    expect(h.engine.ordersOf(BOB.toLowerCase()).map((o) => o.hash)).to.deep.equal([bid.hash]);
    expect(h.engine.book(1).bids).to.deep.equal([{ priceWad: wad(100), sizeWad: wad(2), orderCount: 1 }]);
  });

  it("matches a sell limit against bids at or above its price only", () => {
    const h = harness();
    h.engine.place(order({ account: ALICE, side: "buy", price: 100, size: 1 }));
    h.engine.place(order({ account: ALICE, side: "buy", price: 98, size: 1 }));
    const result = h.engine.place(order({ account: BOB, side: "sell", price: 99, size: 3 }));
    expect(result.fills.map((f) => f.priceWad)).to.deep.equal([wad(100)]);
    expect(result.order).to.include({ status: "open", filledWad: wad(1) });
    const book = h.engine.book(1);
    expect(book.asks).to.deep.equal([{ priceWad: wad(99), sizeWad: wad(2), orderCount: 1 }]);
    expect(book.bids).to.deep.equal([{ priceWad: wad(98), sizeWad: wad(1), orderCount: 1 }]);
  });

  it("cancels a resting order by hash once, and all of an account's orders", () => {
    const h = harness();
    const a = order({ account: ALICE, side: "buy", price: 100, size: 1 });
    const b = order({ account: ALICE, side: "sell", price: 105, size: 1 });
    const c = order({ account: BOB, side: "sell", price: 106, size: 1 });
    [a, b, c].forEach((o) => h.engine.place(o));
    expect(h.engine.cancel(a.hash.toUpperCase().replace("0X", "0x"))).to.include({
      status: "cancelled",
      reason: "cancelled-by-user",
    });
    expect(h.engine.cancel(a.hash)).to.equal(undefined);
    expect(h.engine.cancelAll(ALICE.toLowerCase(), undefined, "risk").map((o) => [o.hash, o.reason])).to.deep.equal([
      [b.hash, "risk"],
    ]);
    expect(h.engine.ordersOf(ALICE)).to.deep.equal([]);
    expect(h.engine.book(1).asks.map((l) => l.priceWad)).to.deep.equal([wad(106)]);
  });
});
