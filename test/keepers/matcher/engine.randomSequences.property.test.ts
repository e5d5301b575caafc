/**
 * Property: for random sequences of limit, post-only and IOC places and cancels, the engine does exactly what a
 * brute-force reference matcher (linear scans, no data structures) does — same fills in the same order, same
 * statuses, same rejections — and after every place the book is not crossed, sizes are conserved and every fill is
 * at the maker's price within both limits.
 */
import { expect } from "chai";
import fc from "fast-check";
import { EngineRejection } from "../../../keepers/matcher/engineErrors";
import type { BookOrder, EngineFill, Side } from "../../../keepers/matcher/types";
import { ALICE, BOB, CAROL, harness, order, wad } from "./helpers";

type Kind = "limit" | "postOnly" | "ioc";

interface RefOrder {
  hash: string;
  account: string;
  side: Side;
  price: bigint;
  size: bigint;
  filled: bigint;
  seq: number;
  kind: Kind;
  status: "open" | "filled" | "cancelled";
}

type RefFill = [maker: string, taker: string, size: bigint, price: bigint];

/** The reference: the matching rules written as directly as possible. */
class ReferenceMatcher {
  readonly orders: RefOrder[] = [];
  private seq = 0;

  /** The first open order of `side` by priority: best price, then earliest. */
  private best(side: Side): RefOrder | undefined {
    let best: RefOrder | undefined;
    for (const o of this.orders) {
      if (o.status !== "open" || o.side !== side) continue;
      const better =
        best === undefined ||
        (side === "buy" ? o.price > best.price : o.price < best.price) ||
        (o.price === best.price && o.seq < best.seq);
      if (better) best = o;
    }
    return best;
  }

  place(o: Omit<RefOrder, "filled" | "seq" | "status">): RefFill[] | "rejected" {
    const opposite: Side = o.side === "buy" ? "sell" : "buy";
    const crosses = (m: RefOrder) => (o.side === "buy" ? o.price >= m.price : o.price <= m.price);
    const top = this.best(opposite);
    if (o.kind === "postOnly" && top !== undefined && crosses(top)) return "rejected";
    const taker: RefOrder = { ...o, filled: 0n, seq: ++this.seq, status: "open" };
    this.orders.push(taker);
    const fills: RefFill[] = [];
    for (
      let m = this.best(opposite);
      m !== undefined && crosses(m) && taker.filled < taker.size;
      m = this.best(opposite)
    ) {
      if (m.account === taker.account) {
        m.status = "cancelled";
        continue;
      }
      const size = taker.size - taker.filled < m.size - m.filled ? taker.size - taker.filled : m.size - m.filled;
      taker.filled += size;
      m.filled += size;
      if (m.filled === m.size) m.status = "filled";
      fills.push([m.hash, taker.hash, size, m.price]);
    }
    if (taker.filled === taker.size) taker.status = "filled";
    else if (taker.kind === "ioc") taker.status = "cancelled";
    return fills;
  }

  cancel(hash: string): void {
    const o = this.orders.find((x) => x.hash === hash);
    if (o !== undefined && o.status === "open") o.status = "cancelled";
  }
}

const placeAction = fc.record({
  type: fc.constant("place" as const),
  account: fc.constantFrom(ALICE, BOB, CAROL),
  side: fc.constantFrom<Side>("buy", "sell"),
  priceTicks: fc.integer({ min: 95, max: 105 }),
  lots: fc.integer({ min: 1, max: 5 }),
  kind: fc.constantFrom<Kind>("limit", "limit", "postOnly", "ioc"),
});
const cancelAction = fc.record({ type: fc.constant("cancel" as const), pick: fc.nat() });
const actions = fc.array(fc.oneof({ arbitrary: placeAction, weight: 4 }, { arbitrary: cancelAction, weight: 1 }), {
  minLength: 10,
  maxLength: 80,
});

describe("matcher: random sequences (property)", () => {
  it("match a brute-force reference and keep the book uncrossed, sizes conserved, fills within limits", () => {
    fc.assert(
      fc.property(actions, (script) => {
        const h = harness();
        const ref = new ReferenceMatcher();
        const hashes: string[] = [];
        for (const action of script) {
          if (action.type === "cancel") {
            if (hashes.length === 0) continue;
            const hash = hashes[action.pick % hashes.length];
            h.engine.cancel(hash);
            ref.cancel(hash);
          } else {
            const placed = order({
              account: action.account,
              side: action.side,
              price: action.priceTicks,
              size: action.lots,
              postOnly: action.kind === "postOnly",
              ioc: action.kind === "ioc",
            });
            const expected = ref.place({
              hash: placed.hash,
              account: action.account,
              side: action.side,
              price: wad(action.priceTicks),
              size: wad(action.lots),
              kind: action.kind,
            });
            let fills: EngineFill[] | "rejected";
            try {
              fills = h.engine.place(placed).fills;
              hashes.push(placed.hash);
            } catch (error) {
              expect(error).to.be.instanceOf(EngineRejection).with.property("code", "POST_ONLY_WOULD_CROSS");
              fills = "rejected";
            }
            const actual =
              fills === "rejected" ? fills : fills.map((f) => [f.makerHash, f.takerHash, f.sizeWad, f.priceWad]);
            expect(actual).to.deep.equal(expected);
          }
          checkInvariants(
            h.engine.book(1),
            hashes.map((hash) => h.engine.order(hash) as BookOrder),
            h.fills,
          );
          for (const r of ref.orders)
            expect(h.engine.order(r.hash)).to.include({ status: r.status, filledWad: r.filled });
        }
      }),
      { numRuns: 100 },
    );
  });
});

function checkInvariants(
  book: { bids: { priceWad: bigint }[]; asks: { priceWad: bigint }[] },
  orders: BookOrder[],
  fills: EngineFill[],
): void {
  if (book.bids.length > 0 && book.asks.length > 0) {
    expect(book.bids[0].priceWad < book.asks[0].priceWad, "book crossed").to.equal(true);
  }
  const filledBy = new Map<string, bigint>();
  const byHash = new Map(orders.map((o) => [o.hash, o]));
  for (const f of fills) {
    filledBy.set(f.makerHash, (filledBy.get(f.makerHash) ?? 0n) + f.sizeWad);
    filledBy.set(f.takerHash, (filledBy.get(f.takerHash) ?? 0n) + f.sizeWad);
    const maker = byHash.get(f.makerHash) as BookOrder;
    const taker = byHash.get(f.takerHash) as BookOrder;
    expect(f.priceWad).to.equal(maker.priceWad);
    expect(f.takerSide).to.equal(taker.side);
    expect(maker.side).to.not.equal(taker.side);
    expect(taker.side === "buy" ? f.priceWad <= taker.priceWad : f.priceWad >= taker.priceWad, "taker limit").to.equal(
      true,
    );
    expect(f.sizeWad > 0n).to.equal(true);
  }
  for (const o of orders) {
    // Σ fills + remaining (open) + cancelled remainder = size, and status says which.
    expect(filledBy.get(o.hash) ?? 0n).to.equal(o.filledWad);
    expect(o.filledWad <= o.sizeWad).to.equal(true);
    expect(o.status === "filled").to.equal(o.filledWad === o.sizeWad);
  }
}
