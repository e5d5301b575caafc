/** Self-trade prevention: a taker meeting its own account's resting order cancels that resting order and goes on. */
import { expect } from "chai";
import { ALICE, BOB, harness, order, wad } from "./helpers";

describe("matcher: self-trade prevention", () => {
  it("cancels the resting order of the same account and keeps matching the next one", () => {
    const h = harness();
    const own = order({ account: ALICE, side: "sell", price: 100, size: 1 });
    const other = order({ account: BOB, side: "sell", price: 100, size: 1 });
    h.engine.place(own);
    h.engine.place(other);
    // Same account, different spelling of the address: accounts compare case-insensitively.
    const taker = order({ account: ALICE.toLowerCase(), side: "buy", price: 100, size: 2 });
    const result = h.engine.place(taker);
    expect(result.cancelled.map((o) => [o.hash, o.status, o.reason])).to.deep.equal([
      [own.hash, "cancelled", "self-trade-prevention"],
    ]);
    expect(result.fills.map((f) => [f.makerHash, f.sizeWad])).to.deep.equal([[other.hash, wad(1)]]);
    expect(result.order).to.include({ status: "open", filledWad: wad(1) });
    expect(h.engine.order(own.hash)).to.include({ status: "cancelled", filledWad: 0n });
    expect(h.fills.some((f) => f.makerHash === own.hash)).to.equal(false);
  });
});
