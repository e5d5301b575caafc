/** Expiry (unix seconds, last second at which an order may fill): tick() expires resting and untriggered orders. */
import { expect } from "chai";
import { ALICE, BOB, harness, order } from "./helpers";

describe("matcher: expiry", () => {
  const T = 1_700_000_100; // seconds

  it("expires resting and untriggered orders once their last second has passed", () => {
    const h = harness();
    const resting = order({ account: ALICE, side: "buy", price: 100, size: 1, expiry: T });
    const untriggered = order({
      account: ALICE,
      side: "buy",
      price: 100,
      size: 1,
      expiry: T,
      stop: true,
      trigger: 120,
    });
    const gtc = order({ account: ALICE, side: "buy", price: 99, size: 1 });
    [resting, untriggered, gtc].forEach((o) => h.engine.place(o));
    expect(h.engine.tick(T * 1000 + 999)).to.deep.equal({ expired: [], cancelled: [] });
    const result = h.engine.tick((T + 1) * 1000);
    expect(result.expired.map((o) => [o.hash, o.status, o.reason])).to.deep.equal([
      [resting.hash, "expired", "expiry-passed"],
      [untriggered.hash, "expired", "expiry-passed"],
    ]);
    expect(h.engine.ordersOf(ALICE).map((o) => o.hash)).to.deep.equal([gtc.hash]);
    expect(h.engine.book(1).bids).to.have.length(1);
    expect(h.engine.tick((T + 5) * 1000).expired).to.deep.equal([]);
  });

  it("rejects ORDER_EXPIRED at placement and never fills an expired maker", () => {
    const h = harness();
    h.setNow((T + 1) * 1000);
    expect(() => h.engine.place(order({ account: ALICE, side: "buy", price: 100, size: 1, expiry: T })))
      .to.throw(/expired/)
      .with.property("code", "ORDER_EXPIRED");
    h.setNow(T * 1000);
    const maker = order({ account: ALICE, side: "sell", price: 100, size: 1, expiry: T });
    h.engine.place(maker);
    h.setNow((T + 1) * 1000);
    const taker = h.engine.place(order({ account: BOB, side: "buy", price: 100, size: 1 }));
    expect(taker.fills).to.deep.equal([]);
    expect(taker.cancelled.map((o) => [o.hash, o.status])).to.deep.equal([[maker.hash, "expired"]]);
    expect(taker.order.status).to.equal("open");
  });
});
