/**
 * Property: for random sequences of plain and reduce-only orders from accounts with random starting positions (kept
 * up to date from the engine's own `fill` events, as the service's position tracker does), no fill of a reduce-only
 * order ever grows or flips its account's position.
 */
import { expect } from "chai";
import fc from "fast-check";
import { EngineRejection } from "../../../keepers/matcher/engineErrors";
import type { Side } from "../../../keepers/matcher/types";
import { OrderFlag, hasFlag } from "../../../keepers/sdk/orders";
import { ALICE, BOB, CAROL, harness, order, wad } from "./helpers";

const ACCOUNTS = [ALICE, BOB, CAROL];

const placeAction = fc.record({
  type: fc.constant("place" as const),
  account: fc.integer({ min: 0, max: 2 }),
  side: fc.constantFrom<Side>("buy", "sell"),
  priceTicks: fc.integer({ min: 98, max: 102 }),
  lots: fc.integer({ min: 1, max: 6 }),
  reduceOnly: fc.boolean(),
  ioc: fc.boolean(),
});
const cancelAction = fc.record({ type: fc.constant("cancel" as const), pick: fc.nat() });
const scenario = fc.record({
  positions: fc.tuple(
    fc.integer({ min: -6, max: 6 }),
    fc.integer({ min: -6, max: 6 }),
    fc.integer({ min: -6, max: 6 }),
  ),
  script: fc.array(fc.oneof({ arbitrary: placeAction, weight: 5 }, { arbitrary: cancelAction, weight: 1 }), {
    minLength: 20,
    maxLength: 60,
  }),
});

describe("matcher: reduce-only under random sequences (property)", () => {
  it("never lets a reduce-only fill grow or flip a position", () => {
    let reduceOnlyFills = 0;
    fc.assert(
      fc.property(scenario, ({ positions, script }) => {
        const initial = Object.fromEntries(ACCOUNTS.map((a, i) => [a, wad(positions[i])]));
        const h = harness({ initialPositions: initial });
        const hashes: string[] = [];
        for (const action of script) {
          if (action.type === "cancel") {
            if (hashes.length > 0) h.engine.cancel(hashes[action.pick % hashes.length]);
            continue;
          }
          const placed = order({
            account: ACCOUNTS[action.account],
            side: action.side,
            price: action.priceTicks,
            size: action.lots,
            reduceOnly: action.reduceOnly,
            ioc: action.ioc,
          });
          try {
            h.engine.place(placed);
            hashes.push(placed.hash);
          } catch (error) {
            expect(action.reduceOnly).to.equal(true);
            expect(error).to.be.instanceOf(EngineRejection).with.property("code", "REDUCE_ONLY_WOULD_INCREASE");
          }
        }
        const replayed = new Map(ACCOUNTS.map((a, i) => [a, wad(positions[i])]));
        for (const fill of h.fills) {
          const takerDelta = fill.takerSide === "buy" ? fill.sizeWad : -fill.sizeWad;
          for (const [signed, delta] of [
            [fill.taker, takerDelta],
            [fill.maker, -takerDelta],
          ] as const) {
            const before = replayed.get(signed.order.account) as bigint;
            const after = before + delta;
            if (hasFlag(signed.order.flags, OrderFlag.ReduceOnly)) {
              reduceOnlyFills += 1;
              expect(after === 0n || after > 0n === before > 0n, "reduce-only fill flipped the position").to.equal(
                true,
              );
              expect(abs(after) < abs(before), "reduce-only fill grew the position").to.equal(true);
            }
            replayed.set(signed.order.account, after);
          }
        }
      }),
      { numRuns: 200 },
    );
    expect(reduceOnlyFills).to.be.greaterThan(100);
  });
});

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}
