/** advanceTo hands out each record once, in time order, when the clock reaches it (the ReplaySource contract). */
import { expect } from "chai";
import { QuoteReplay, ReplayFormatError, TimelineReplay } from "../../../../keepers/oracle/replay";
import type { PriceQuote } from "../../../../keepers/oracle/types";

const quote = (timestampMs: number, priceWad: bigint, venue = "v"): PriceQuote => ({
  venue,
  instrument: "X",
  kind: "spot",
  priceWad,
  timestampMs,
});

describe("replay: timeline cursor", () => {
  it("returns records with timestamp ≤ t not returned before, sorted stably", () => {
    const replay = new QuoteReplay("v", [quote(30, 3n), quote(10, 1n), quote(20, 2n), quote(20, 22n)], "mem");
    expect([replay.startMs, replay.endMs]).to.deep.equal([10, 30]);
    expect(replay.latest).to.equal(undefined);
    expect(replay.advanceTo(9)).to.deep.equal([]);
    expect(replay.advanceTo(20).map((q) => q.priceWad)).to.deep.equal([1n, 2n, 22n]);
    expect(replay.latest?.priceWad).to.equal(22n);
    expect(replay.advanceTo(20)).to.deep.equal([]);
    expect(replay.advanceTo(5)).to.deep.equal([]);
    expect(replay.done).to.equal(false);
    expect(replay.advanceTo(1e15).map((q) => q.priceWad)).to.deep.equal([3n]);
    expect(replay.done).to.equal(true);
    replay.reset();
    expect(replay.advanceTo(10)).to.have.length(1);
  });

  it("refuses an empty recording and a quote of another venue", () => {
    expect(() => new TimelineReplay([], "empty.csv")).to.throw(ReplayFormatError, "empty.csv: no records to replay");
    expect(() => new QuoteReplay("v", [quote(1, 1n, "w")], "mem")).to.throw(ReplayFormatError, "venue w");
  });
});
