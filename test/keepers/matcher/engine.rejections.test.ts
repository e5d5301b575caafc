/** The engine's refusals that do not depend on an order type: unknown market, duplicate hash, malformed order. */
import { expect } from "chai";
import { EngineRejection } from "../../../keepers/matcher/engineErrors";
import { ALICE, BOB, harness, order } from "./helpers";

describe("matcher: rejections", () => {
  it("rejects UNKNOWN_MARKET for an order or a query on a market it does not run", () => {
    const h = harness();
    expect(() => h.engine.place(order({ account: ALICE, side: "buy", price: 1, size: 1, marketId: 9 })))
      .to.throw(EngineRejection, /Market 9/)
      .with.property("code", "UNKNOWN_MARKET");
    expect(() => h.engine.book(9))
      .to.throw(EngineRejection)
      .with.property("code", "UNKNOWN_MARKET");
    expect(() => h.engine.onMark(9, 1n))
      .to.throw(EngineRejection)
      .with.property("code", "UNKNOWN_MARKET");
  });

  it("rejects DUPLICATE_ORDER for a hash already placed, whatever became of it", () => {
    const h = harness();
    const first = order({ account: ALICE, side: "sell", price: 100, size: 1 });
    h.engine.place(first);
    h.engine.place(order({ account: BOB, side: "buy", price: 100, size: 1 }));
    expect(h.engine.order(first.hash)?.status).to.equal("filled");
    expect(() => h.engine.place(first))
      .to.throw(EngineRejection)
      .with.property("code", "DUPLICATE_ORDER");
    expect(() => h.engine.place({ ...first, hash: first.hash.toUpperCase().replace("0X", "0x") }))
      .to.throw(EngineRejection)
      .with.property("code", "DUPLICATE_ORDER");
    expect(h.engine.book(1)).to.deep.include({ bids: [], asks: [] });
  });

  it("rejects INVALID_ORDER for a size off the lot grid or invalid flags", () => {
    const h = harness();
    expect(() => h.engine.place(order({ account: ALICE, side: "buy", price: 1, size: "0.0015" })))
      .to.throw(EngineRejection, /lot size/)
      .with.property("code", "INVALID_ORDER");
    expect(() => h.engine.place(order({ account: ALICE, side: "buy", price: 1, size: 1, postOnly: true, ioc: true })))
      .to.throw(EngineRejection, /flags/)
      .with.property("code", "INVALID_ORDER");
    expect(h.engine.ordersOf(ALICE)).to.deep.equal([]);
  });
});
