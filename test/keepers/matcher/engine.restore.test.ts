/** restore: the book is rebuilt from journaled orders with their seq, fills and status, silently. */
import { expect } from "chai";
import type { BookOrder } from "../../../keepers/matcher/types";
import { ALICE, BOB, CAROL, harness, order, wad } from "./helpers";

describe("matcher: restore", () => {
  function journaled(spec: Parameters<typeof order>[0], state: Partial<BookOrder>): BookOrder {
    const placed = order(spec);
    return {
      hash: placed.hash,
      signed: { order: placed.order, signature: placed.signature },
      account: spec.account,
      marketId: placed.order.marketId,
      side: spec.side,
      priceWad: placed.order.price,
      sizeWad: placed.order.size,
      filledWad: 0n,
      status: "open",
      seq: 1,
      receivedAtMs: 1,
      ...state,
    };
  }

  it("rests open orders at their seq, holds untriggered ones, remembers the rest, and advances the seq", () => {
    const h = harness();
    const late = journaled({ account: ALICE, side: "sell", price: 100, size: 2 }, { seq: 40, filledWad: wad(1) });
    const early = journaled({ account: BOB, side: "sell", price: 100, size: 1 }, { seq: 12 });
    const stop = journaled(
      { account: BOB, side: "buy", price: 100, size: 1, stop: true, trigger: 110 },
      {
        seq: 41,
        status: "untriggered",
      },
    );
    const done = journaled(
      { account: CAROL, side: "buy", price: 100, size: 1 },
      { seq: 7, status: "filled", filledWad: wad(1) },
    );
    [late, early, stop, done].forEach((o) => h.engine.restore(o));
    expect(h.orders).to.deep.equal([]);
    expect(h.deltas).to.deep.equal([]);
    expect(h.engine.nextSeq).to.equal(42);
    expect(h.engine.book(1).asks).to.deep.equal([{ priceWad: wad(100), sizeWad: wad(2), orderCount: 2 }]);
    expect(h.engine.order(done.hash)).to.include({ status: "filled" });
    expect(() => h.engine.restore(early))
      .to.throw()
      .with.property("code", "DUPLICATE_ORDER");

    const taker = h.engine.place(order({ account: CAROL, side: "buy", price: 100, size: 2 }));
    expect(taker.order.seq).to.equal(42);
    expect(taker.fills.map((f) => [f.makerHash, f.sizeWad])).to.deep.equal([
      [early.hash, wad(1)],
      [late.hash, wad(1)],
    ]);
    expect(h.engine.onMark(1, wad(110)).map((r) => r.order.hash)).to.deep.equal([stop.hash]);
  });
});
