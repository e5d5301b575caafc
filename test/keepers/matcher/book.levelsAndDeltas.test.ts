/**
 * Book levels and deltas: after every operation the engine's levels equal a brute-force aggregation of its open
 * orders, and replaying the emitted deltas (as a WebSocket client does) yields the same book, with the sequence
 * rising by one per delta.
 */
import { expect } from "chai";
import { prng } from "../../fixtures/prng";
import type { BookOrder } from "../../../keepers/matcher/types";
import { ALICE, BOB, CAROL, DAVE, bruteForceLevels, harness, levelMap, order, replayDeltas } from "./helpers";

describe("matcher: book levels and deltas", () => {
  it("stay consistent with a brute-force recomputation through random places, cancels and rollbacks", () => {
    const random = prng(20240611);
    const h = harness();
    const hashes: string[] = [];
    const accounts = [ALICE, BOB, CAROL, DAVE];
    for (let step = 0; step < 600; ++step) {
      const r = random();
      if (r < 0.6 || hashes.length === 0) {
        const placed = order({
          account: accounts[Math.floor(random() * accounts.length)],
          side: random() < 0.5 ? "buy" : "sell",
          price: 95 + Math.floor(random() * 11),
          size: 1 + Math.floor(random() * 4),
          ioc: random() < 0.15,
        });
        hashes.push(placed.hash);
        h.engine.place(placed);
      } else if (r < 0.9) {
        h.engine.cancel(hashes[Math.floor(random() * hashes.length)]);
      } else if (h.fills.length > 0) {
        const fill = h.fills[Math.floor(random() * h.fills.length)];
        try {
          h.engine.rollbackFill(fill, (["maker", "taker", "none", "both"] as const)[Math.floor(random() * 4)]);
        } catch (error) {
          // A fill already rolled back (or its orders' fills given back) is refused: that is the check it must make.
          expect(error).to.have.property("code", "INVALID_ROLLBACK");
        }
      }
      const all = hashes.map((hash) => h.engine.order(hash)).filter((o): o is BookOrder => o !== undefined);
      const book = h.engine.book(1);
      expect(book.bids, `bids after step ${step}`).to.deep.equal(bruteForceLevels(all, "buy"));
      expect(book.asks, `asks after step ${step}`).to.deep.equal(bruteForceLevels(all, "sell"));
      const replayed = replayDeltas(h.deltas);
      expect(replayed.buy).to.deep.equal(levelMap(book.bids));
      expect(replayed.sell).to.deep.equal(levelMap(book.asks));
      expect(book.sequence).to.equal(h.deltas.length === 0 ? 0 : h.deltas[h.deltas.length - 1].sequence);
    }
    expect(h.deltas.map((d) => d.sequence)).to.deep.equal(h.deltas.map((_, i) => i + 1));
    expect(h.fills.length).to.be.greaterThan(50);
  });

  it("limits snapshots to the requested depth, best levels first", () => {
    const h = harness();
    for (const price of [97, 99, 98, 96]) h.engine.place(order({ account: ALICE, side: "buy", price, size: 1 }));
    expect(h.engine.book(1, 2).bids.map((l) => Number(l.priceWad / 10n ** 18n))).to.deep.equal([99, 98]);
  });
});
