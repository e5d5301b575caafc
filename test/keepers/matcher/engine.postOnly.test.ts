/** Post-only (Hyperliquid ALO): rejected when it would cross at placement, rests otherwise, never takes. */
import { expect } from "chai";
import { EngineRejection } from "../../../keepers/matcher/engineErrors";
import { ALICE, BOB, harness, order, wad } from "./helpers";

describe("matcher: post-only", () => {
  it("rejects POST_ONLY_WOULD_CROSS when it would cross, and changes nothing", () => {
    const h = harness();
    h.engine.place(order({ account: ALICE, side: "sell", price: 100, size: 1 }));
    const before = h.engine.book(1);
    const crossing = order({ account: BOB, side: "buy", price: 100, size: 1, postOnly: true });
    let caught: unknown;
    try {
      h.engine.place(crossing);
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(EngineRejection);
    expect(caught).to.include({ code: "POST_ONLY_WOULD_CROSS", hash: crossing.hash });
    expect((caught as Error).message).to.match(/best ask at 100\.0/);
    expect(h.engine.book(1)).to.deep.equal(before);
    expect(h.engine.order(crossing.hash)).to.equal(undefined);
    expect(h.fills).to.deep.equal([]);
  });

  it("rests when it does not cross, and fills later as maker", () => {
    const h = harness();
    h.engine.place(order({ account: ALICE, side: "sell", price: 100, size: 1 }));
    const maker = order({ account: BOB, side: "buy", price: 99.99, size: 1, postOnly: true });
    expect(h.engine.place(maker).order).to.include({ status: "open", filledWad: 0n });
    const taker = h.engine.place(order({ account: ALICE, side: "sell", price: 99, size: 1 }));
    expect(taker.fills.map((f) => [f.makerHash, f.priceWad])).to.deep.equal([[maker.hash, wad(99.99)]]);
  });
});
