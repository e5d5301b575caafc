/**
 * Stop and take-profit orders: held outside the book until the mark crosses the trigger in the direction the chain
 * requires (`triggered` of keepers/sdk/math.ts, mirrored from OrderLib), then activated by `onMark` in seq order as
 * takers that behave per their flags.
 */
import { expect } from "chai";
import { triggered } from "../../../keepers/sdk/math";
import { ALICE, BOB, CAROL, harness, market, order, wad } from "./helpers";

describe("matcher: stop and take-profit", () => {
  // Stop = adverse direction: a buy stop fires as the mark rises to the trigger, a sell stop as it falls.
  // Take-profit = favourable: a buy take-profit fires as the mark falls to the trigger, a sell one as it rises.
  const cases = [
    { kind: "stop", side: "buy", firesAt: [100, 101] },
    { kind: "stop", side: "sell", firesAt: [99, 100] },
    { kind: "takeProfit", side: "buy", firesAt: [99, 100] },
    { kind: "takeProfit", side: "sell", firesAt: [100, 101] },
  ] as const;
  for (const c of cases) {
    it(`activates a ${c.side} ${c.kind} with trigger 100 exactly at marks ${c.firesAt.join(", ")}`, () => {
      for (const mark of [99, 100, 101]) {
        const h = harness();
        const conditional = order({
          account: ALICE,
          side: c.side,
          price: c.side === "buy" ? 200 : 1,
          size: 1,
          trigger: 100,
          stop: c.kind === "stop",
          takeProfit: c.kind === "takeProfit",
        });
        expect(h.engine.place(conditional).order.status).to.equal("untriggered");
        expect(h.engine.book(1)).to.deep.include({ bids: [], asks: [] });
        const results = h.engine.onMark(1, wad(mark));
        const fires = (c.firesAt as readonly number[]).includes(mark);
        expect(fires, "expected table agrees with the chain rule").to.equal(
          triggered(conditional.order.flags, wad(100), wad(mark)),
        );
        expect(results.map((r) => r.order.hash)).to.deep.equal(fires ? [conditional.hash] : []);
        expect(h.engine.order(conditional.hash)?.status).to.equal(fires ? "open" : "untriggered");
      }
    });
  }

  it("activates triggered orders in seq order with a new seq, as takers with their flags", () => {
    const h = harness();
    h.engine.place(order({ account: CAROL, side: "sell", price: 100, size: 1 }));
    const first = order({ account: ALICE, side: "buy", price: 100, size: 1, stop: true, trigger: 101 });
    const second = order({ account: BOB, side: "buy", price: 100, size: 2, stop: true, trigger: 100, ioc: true });
    const notYet = order({ account: BOB, side: "buy", price: 100, size: 1, stop: true, trigger: 103 });
    [first, second, notYet].forEach((o) => h.engine.place(o));
    const results = h.engine.onMark(1, wad(102));
    expect(results.map((r) => [r.order.hash, r.order.status, r.order.filledWad])).to.deep.equal([
      [first.hash, "filled", wad(1)],
      [second.hash, "cancelled", 0n],
    ]);
    expect(results[1].order.reason).to.equal("ioc-remainder");
    expect(results[0].order.seq).to.be.greaterThan(h.engine.order(notYet.hash)!.seq);
    expect(h.engine.ordersOf(BOB).map((o) => [o.hash, o.status])).to.deep.equal([[notYet.hash, "untriggered"]]);
  });

  it("activates at placement when the mark has already crossed the trigger", () => {
    const h = harness({ markets: [market({ markWad: wad(95) })] });
    h.engine.place(order({ account: BOB, side: "buy", price: 96, size: 1 }));
    const stopLoss = h.engine.place(
      order({ account: ALICE, side: "sell", price: 90, size: 1, stop: true, trigger: 96 }),
    );
    expect(stopLoss.order.status).to.equal("filled");
    expect(stopLoss.fills.map((f) => f.priceWad)).to.deep.equal([wad(96)]);
  });

  it("cancels a triggered reduce-only order with nothing to reduce instead of throwing", () => {
    const h = harness();
    const tp = order({
      account: ALICE,
      side: "sell",
      price: 100,
      size: 1,
      takeProfit: true,
      trigger: 110,
      reduceOnly: true,
    });
    h.engine.place(tp);
    const [result] = h.engine.onMark(1, wad(111));
    expect(result.order).to.include({ status: "cancelled", reason: "reduce-only-nothing-to-reduce" });
  });
});
