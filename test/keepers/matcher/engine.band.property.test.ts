/**
 * Property: with a moving mark, no fill is ever made at a price outside the band around the mark in force when it is
 * made, and after each new mark the book is crossed only where the band blocks the earlier of the two best orders.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { BookOrder, EngineFill, Side } from "../../../keepers/matcher/types";
import { withinBand } from "../../../keepers/sdk/math";
import { MarketKind } from "../../../keepers/sdk/markets";
import { ALICE, BOB, CAROL, harness, market, order, wad } from "./helpers";

const BAND = wad(0.05);

const placeAction = fc.record({
  type: fc.constant("place" as const),
  account: fc.constantFrom(ALICE, BOB, CAROL),
  side: fc.constantFrom<Side>("buy", "sell"),
  priceTicks: fc.integer({ min: 90, max: 110 }),
  lots: fc.integer({ min: 1, max: 4 }),
  ioc: fc.boolean(),
});
const markAction = fc.record({ type: fc.constant("mark" as const), markTicks: fc.integer({ min: 90, max: 110 }) });
const cancelAction = fc.record({ type: fc.constant("cancel" as const), pick: fc.nat() });
const actions = fc.array(
  fc.oneof(
    { arbitrary: placeAction, weight: 5 },
    { arbitrary: markAction, weight: 2 },
    { arbitrary: cancelAction, weight: 1 },
  ),
  { minLength: 20, maxLength: 80 },
);

describe("matcher: band under a moving mark (property)", () => {
  it("never fills outside the band and leaves the book crossed only where the band blocks", () => {
    let fillCount = 0;
    let crossedSeen = 0;
    fc.assert(
      fc.property(actions, (script) => {
        const h = harness({ markets: [market({ maxFillDeviationWad: BAND, markWad: wad(100) })] });
        const checked: [EngineFill, bigint][] = [];
        // Events are delivered when the call returns, after onMark stored its mark: read the mark in force then.
        h.engine.on("fill", (fill) => checked.push([fill, h.engine.mark(1) as bigint]));
        const hashes: string[] = [];
        for (const action of script) {
          if (action.type === "cancel") {
            if (hashes.length > 0) h.engine.cancel(hashes[action.pick % hashes.length]);
          } else if (action.type === "place") {
            const placed = order({ ...action, price: action.priceTicks, size: action.lots });
            h.engine.place(placed);
            hashes.push(placed.hash);
          } else {
            h.engine.onMark(1, wad(action.markTicks));
            const open = hashes.map((hash) => h.engine.order(hash) as BookOrder).filter((o) => o.status === "open");
            const bid = first(open, "buy");
            const ask = first(open, "sell");
            if (bid !== undefined && ask !== undefined && bid.priceWad >= ask.priceWad) {
              crossedSeen += 1;
              const older = bid.seq < ask.seq ? bid : ask;
              expect(withinBand(MarketKind.Asset, older.priceWad, wad(action.markTicks), BAND).within).to.equal(false);
            }
          }
        }
        for (const [fill, markWad] of checked) {
          expect(withinBand(MarketKind.Asset, fill.priceWad, markWad, BAND).within, "fill outside the band").to.equal(
            true,
          );
        }
        fillCount += checked.length;
      }),
      { numRuns: 200 },
    );
    expect(fillCount).to.be.greaterThan(200);
    expect(crossedSeen, "band-blocked crossings exercised").to.be.greaterThan(10);
  });
});

/** The first order of `side` in priority (best price, then lowest seq). */
function first(open: BookOrder[], side: Side): BookOrder | undefined {
  let best: BookOrder | undefined;
  for (const o of open) {
    if (o.side !== side) continue;
    const better = side === "buy" ? o.priceWad > (best?.priceWad ?? -1n) : o.priceWad < (best?.priceWad ?? 2n ** 255n);
    if (best === undefined || better || (o.priceWad === best.priceWad && o.seq < best.seq)) best = o;
  }
  return best;
}
