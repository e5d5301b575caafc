/**
 * Reduce-only: fills never grow or flip the position (`positionOf` plus the fills of the call in progress), a
 * reduce-only order with nothing to reduce is rejected, and a resting one is cancelled when it would match.
 */
import { expect } from "chai";
import { EngineRejection } from "../../../keepers/matcher/engineErrors";
import { ALICE, BOB, CAROL, DAVE, harness, order, wad } from "./helpers";

describe("matcher: reduce-only", () => {
  it("caps a reduce-only taker at the position and cancels its remainder", () => {
    const h = harness({ initialPositions: { [ALICE]: wad(2) } });
    h.engine.place(order({ account: BOB, side: "buy", price: 100, size: 1 }));
    h.engine.place(order({ account: CAROL, side: "buy", price: 99, size: 3 }));
    const result = h.engine.place(order({ account: ALICE, side: "sell", price: 98, size: 5, reduceOnly: true }));
    expect(result.fills.map((f) => f.sizeWad)).to.deep.equal([wad(1), wad(1)]);
    expect(result.order).to.include({
      status: "cancelled",
      reason: "reduce-only-nothing-to-reduce",
      filledWad: wad(2),
    });
    expect(h.positions.get(ALICE.toLowerCase())).to.equal(0n);
    expect(h.engine.book(1).bids).to.deep.equal([{ priceWad: wad(99), sizeWad: wad(2), orderCount: 1 }]);
  });

  it("counts the fills of the call in progress once (positionOf already holds earlier ones)", () => {
    const h = harness({ initialPositions: { [ALICE]: wad(-3) } });
    for (const account of [BOB, CAROL, DAVE, BOB]) {
      h.engine.place(order({ account, side: "sell", price: 100, size: 1 }));
    }
    const result = h.engine.place(order({ account: ALICE, side: "buy", price: 100, size: 5, reduceOnly: true }));
    expect(result.fills.map((f) => f.sizeWad)).to.deep.equal([wad(1), wad(1), wad(1)]);
    expect(h.positions.get(ALICE.toLowerCase())).to.equal(0n);
  });

  it("rests a reduce-only order while there is a position, in whole lots when the position is not", () => {
    const h = harness({ initialPositions: { [ALICE]: wad("2.0005") } });
    const resting = h.engine.place(order({ account: ALICE, side: "sell", price: 105, size: 3, reduceOnly: true }));
    expect(resting.order.status).to.equal("open");
    const taker = h.engine.place(order({ account: BOB, side: "buy", price: 105, size: 3 }));
    expect(taker.fills.map((f) => f.sizeWad)).to.deep.equal([wad(2)]);
    expect(h.positions.get(ALICE.toLowerCase())).to.equal(wad("0.0005"));
  });

  it("cancels resting reduce-only makers whose position is gone when they would match", () => {
    const h = harness({ initialPositions: { [ALICE]: wad(2) } });
    const first = order({ account: ALICE, side: "sell", price: 101, size: 2, reduceOnly: true });
    const second = order({ account: ALICE, side: "sell", price: 102, size: 2, reduceOnly: true });
    const other = order({ account: CAROL, side: "sell", price: 102, size: 1 });
    [first, second, other].forEach((o) => h.engine.place(o));
    const result = h.engine.place(order({ account: BOB, side: "buy", price: 102, size: 4 }));
    expect(result.fills.map((f) => [f.makerHash, f.sizeWad])).to.deep.equal([
      [first.hash, wad(2)],
      [other.hash, wad(1)],
    ]);
    expect(result.cancelled.map((o) => [o.hash, o.status, o.reason])).to.deep.equal([
      [second.hash, "cancelled", "reduce-only-nothing-to-reduce"],
    ]);
    expect(result.order).to.include({ status: "open", filledWad: wad(3) });
  });

  for (const [side, positionWad] of [
    ["sell", 0n],
    ["buy", 0n],
    ["buy", wad(1)],
    ["sell", wad(-1)],
    ["sell", wad("0.0009")],
  ] as const) {
    it(`rejects REDUCE_ONLY_WOULD_INCREASE: ${side} with position ${positionWad}`, () => {
      const h = harness({ initialPositions: { [ALICE]: positionWad } });
      h.engine.place(order({ account: BOB, side: side === "buy" ? "sell" : "buy", price: 100, size: 1 }));
      const ro = order({ account: ALICE, side, price: 100, size: 1, reduceOnly: true });
      expect(() => h.engine.place(ro))
        .to.throw(EngineRejection, /would increase the position/)
        .with.property("code", "REDUCE_ONLY_WOULD_INCREASE");
      expect(h.engine.order(ro.hash)).to.equal(undefined);
      expect(h.fills).to.deep.equal([]);
    });
  }
});
