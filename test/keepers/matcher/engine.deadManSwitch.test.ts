/** Dead-man switch: scheduleCancel arms a cancel-all for an account that the first tick at or after its time fires. */
import { expect } from "chai";
import { ALICE, BOB, harness, market, order } from "./helpers";

describe("matcher: dead-man switch", () => {
  it("cancels every live order of the account in every market at the scheduled time, once", () => {
    const h = harness({ markets: [market(), market({ marketId: 2 })] });
    const a1 = order({ account: ALICE, side: "buy", price: 100, size: 1 });
    const a2 = order({ account: ALICE, side: "sell", price: 0.5, size: 1, marketId: 2 });
    const a3 = order({ account: ALICE, side: "sell", price: 120, size: 1, stop: true, trigger: 90 });
    const b1 = order({ account: BOB, side: "buy", price: 99, size: 1 });
    [a1, a2, a3, b1].forEach((o) => h.engine.place(o));
    h.engine.scheduleCancel(ALICE.toLowerCase(), 5_000);
    expect(h.engine.scheduledCancel(ALICE)).to.equal(5_000);
    expect(h.engine.tick(4_999).cancelled).to.deep.equal([]);
    const fired = h.engine.tick(5_000);
    expect(fired.cancelled.map((o) => [o.hash, o.reason])).to.deep.equal([
      [a1.hash, "dead-man-switch"],
      [a2.hash, "dead-man-switch"],
      [a3.hash, "dead-man-switch"],
    ]);
    expect(h.engine.ordersOf(ALICE)).to.deep.equal([]);
    expect(h.engine.ordersOf(BOB).map((o) => o.hash)).to.deep.equal([b1.hash]);
    expect(h.engine.scheduledCancel(ALICE)).to.equal(undefined);
    h.engine.place(order({ account: ALICE, side: "buy", price: 98, size: 1 }));
    expect(h.engine.tick(6_000).cancelled).to.deep.equal([]);
  });

  it("is disarmed by null and re-armed by a later time", () => {
    const h = harness();
    h.engine.place(order({ account: ALICE, side: "buy", price: 100, size: 1 }));
    h.engine.scheduleCancel(ALICE, 1_000);
    h.engine.scheduleCancel(ALICE, null);
    expect(h.engine.tick(2_000).cancelled).to.deep.equal([]);
    h.engine.scheduleCancel(ALICE, 3_000);
    h.engine.scheduleCancel(ALICE, 4_000);
    expect(h.engine.tick(3_500).cancelled).to.deep.equal([]);
    expect(h.engine.tick(4_000).cancelled).to.have.length(1);
  });
});
