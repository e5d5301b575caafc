/**
 * MatchingEngine.takeLiquidity / returnLiquidity, the book side of a book liquidation: resting makers on the side
 * opposite to the closing side are filled in price-time priority at their own prices within the accepted band, up to
 * a whole number of lots, never against the liquidated account, without `fill` events; returning the liquidity puts
 * every maker back at its time priority, or cancels the culprit maker.
 */
import { expect } from "chai";
import { EngineRejection } from "../../../keepers/matcher/engineErrors";
import { withinBand } from "../../../keepers/sdk/math";
import { MarketKind } from "../../../keepers/sdk/markets";
import { ALICE, BOB, CAROL, DAVE, EVE, LOT, harness, order, wad } from "../matcher/helpers";

/** The 2% liquidation band around a mark of 100. */
const band2pct = (priceWad: bigint) => withinBand(MarketKind.Asset, priceWad, wad(100), wad("0.02")).within;
const everything = () => true;

describe("matcher: takeLiquidity and returnLiquidity", () => {
  it("fills bids best price first, then by arrival, at the makers' prices, emitting order and book events but no fill", () => {
    const h = harness();
    const later = order({ account: BOB, side: "buy", price: 99, size: 1 });
    const best = order({ account: CAROL, side: "buy", price: 100, size: 1 });
    const earlier = order({ account: DAVE, side: "buy", price: 99, size: 1 });
    h.engine.place(earlier);
    h.engine.place(best);
    h.engine.place(later);
    h.orders.length = 0;
    h.deltas.length = 0;

    const takes = h.engine.takeLiquidity(1, "sell", wad("2.5"), everything, ALICE);

    expect(takes.map((t) => [t.maker.hash, t.sizeWad, t.priceWad])).to.deep.equal([
      [best.hash, wad(1), wad(100)],
      [earlier.hash, wad(1), wad(99)],
      [later.hash, wad("0.5"), wad(99)],
    ]);
    expect(takes.map((t) => t.maker.status)).to.deep.equal(["filled", "filled", "open"]);
    expect(h.fills).to.deep.equal([]);
    expect(h.orders.map((o) => [o.hash, o.filledWad])).to.deep.equal([
      [best.hash, wad(1)],
      [earlier.hash, wad(1)],
      [later.hash, wad("0.5")],
    ]);
    expect(h.deltas.length).to.be.greaterThan(0);
    expect(h.engine.book(1).bids).to.deep.equal([{ priceWad: wad(99), sizeWad: wad("0.5"), orderCount: 1 }]);
  });

  it("skips bids above the band, stops at the first bid below it, and hits asks for a closing buy", () => {
    const h = harness();
    const above = order({ account: BOB, side: "buy", price: 103, size: 1 });
    const inside = order({ account: CAROL, side: "buy", price: 98, size: 1 });
    const below = order({ account: DAVE, side: "buy", price: 97, size: 1 });
    for (const o of [above, inside, below]) h.engine.place(o);
    // The bid at 103 crossed nothing (no asks); the band [98, 102] keeps only the bid at 98.
    const sells = h.engine.takeLiquidity(1, "sell", wad(3), band2pct, ALICE);
    expect(sells.map((t) => [t.maker.hash, t.sizeWad])).to.deep.equal([[inside.hash, wad(1)]]);

    const ask = order({ account: EVE, side: "sell", price: 101, size: 2 });
    h.engine.place(ask);
    const buys = h.engine.takeLiquidity(1, "buy", wad(1), band2pct, ALICE);
    expect(buys.map((t) => [t.maker.hash, t.sizeWad, t.priceWad])).to.deep.equal([[ask.hash, wad(1), wad(101)]]);
  });

  it("never takes the liquidated account's own orders and rounds the size down to whole lots", () => {
    const h = harness();
    const own = order({ account: ALICE, side: "buy", price: 100, size: 1 });
    const other = order({ account: BOB, side: "buy", price: 99, size: 1 });
    h.engine.place(own);
    h.engine.place(other);

    const takes = h.engine.takeLiquidity(1, "sell", wad("0.7") + LOT / 2n, everything, ALICE.toLowerCase());

    expect(takes.map((t) => [t.maker.hash, t.sizeWad])).to.deep.equal([[other.hash, wad("0.7")]]);
    expect(takes[0].sizeWad % LOT).to.equal(0n);
    expect(h.engine.order(own.hash)?.filledWad).to.equal(0n);
    expect(h.engine.takeLiquidity(1, "sell", LOT - 1n, everything, ALICE)).to.deep.equal([]);
  });

  it("fills a reduce-only maker only as far as it reduces its position", () => {
    const h = harness({ initialPositions: { [BOB]: -wad("0.4") } });
    const reduceOnly = order({ account: BOB, side: "buy", price: 100, size: 1, reduceOnly: true });
    const plain = order({ account: CAROL, side: "buy", price: 99, size: 1 });
    h.engine.place(reduceOnly);
    h.engine.place(plain);

    const takes = h.engine.takeLiquidity(1, "sell", wad(1), everything, ALICE);

    expect(takes.map((t) => [t.maker.hash, t.sizeWad])).to.deep.equal([
      [reduceOnly.hash, wad("0.4")],
      [plain.hash, wad("0.6")],
    ]);
  });

  it("returns the liquidity at the makers' original time priority", () => {
    const h = harness();
    const first = order({ account: BOB, side: "buy", price: 100, size: 1 });
    const second = order({ account: CAROL, side: "buy", price: 100, size: 1 });
    h.engine.place(first);
    h.engine.place(second);
    const takes = h.engine.takeLiquidity(1, "sell", wad("1.5"), everything, ALICE);
    const arrivedMeanwhile = order({ account: DAVE, side: "buy", price: 100, size: 1 });
    h.engine.place(arrivedMeanwhile);

    const result = h.engine.returnLiquidity(takes);

    expect(result.orders.map((o) => [o.hash, o.status, o.filledWad])).to.deep.equal([
      [first.hash, "open", 0n],
      [second.hash, "open", 0n],
    ]);
    expect(h.engine.book(1).bids).to.deep.equal([{ priceWad: wad(100), sizeWad: wad(3), orderCount: 3 }]);
    const next = h.engine.place(order({ account: EVE, side: "sell", price: 100, size: 1 }));
    expect(next.fills.map((f) => f.makerHash)).to.deep.equal([first.hash]);
  });

  it("cancels the culprit maker instead of returning it, and refuses a size larger than what was filled", () => {
    const h = harness();
    const innocent = order({ account: BOB, side: "buy", price: 100, size: 1 });
    const culprit = order({ account: CAROL, side: "buy", price: 99, size: 1 });
    h.engine.place(innocent);
    h.engine.place(culprit);
    const takes = h.engine.takeLiquidity(1, "sell", wad(2), everything, ALICE);

    expect(() => h.engine.returnLiquidity([{ ...takes[0], sizeWad: wad(2) }]))
      .to.throw(EngineRejection)
      .with.property("code", "INVALID_ROLLBACK");
    expect(h.engine.order(innocent.hash)?.status).to.equal("filled");

    const result = h.engine.returnLiquidity(takes, culprit.hash);
    expect(result.orders.map((o) => [o.hash, o.status, o.reason])).to.deep.equal([
      [innocent.hash, "open", undefined],
      [culprit.hash, "cancelled", "liquidation-rejected"],
    ]);
    expect(h.engine.book(1).bids).to.deep.equal([{ priceWad: wad(100), sizeWad: wad(1), orderCount: 1 }]);
  });
});
