/** Immediate-or-cancel: matches what crosses now, the remainder is cancelled, it never rests. */
import { expect } from "chai";
import { ALICE, BOB, harness, order, wad } from "./helpers";

describe("matcher: immediate-or-cancel", () => {
  it("cancels the remainder with reason ioc-remainder and leaves nothing on the book", () => {
    const h = harness();
    h.engine.place(order({ account: ALICE, side: "sell", price: 100, size: 1 }));
    const ioc = order({ account: BOB, side: "buy", price: 101, size: 3, ioc: true });
    const result = h.engine.place(ioc);
    expect(result.fills.map((f) => f.sizeWad)).to.deep.equal([wad(1)]);
    expect(result.order).to.include({ status: "cancelled", reason: "ioc-remainder", filledWad: wad(1) });
    expect(h.engine.book(1)).to.deep.include({ bids: [], asks: [] });
    expect(h.engine.ordersOf(BOB)).to.deep.equal([]);
  });

  it("is filled when the book absorbs it all, and cancelled untouched when nothing crosses", () => {
    const h = harness();
    h.engine.place(order({ account: ALICE, side: "buy", price: 100, size: 5 }));
    const full = h.engine.place(order({ account: BOB, side: "sell", price: 100, size: 2, ioc: true }));
    expect(full.order).to.include({ status: "filled", filledWad: wad(2) });
    expect(full.order.reason).to.equal(undefined);
    const none = h.engine.place(order({ account: BOB, side: "sell", price: 100.5, size: 2, ioc: true }));
    expect(none.order).to.include({ status: "cancelled", reason: "ioc-remainder", filledWad: 0n });
    expect(h.engine.book(1).asks).to.deep.equal([]);
  });
});
