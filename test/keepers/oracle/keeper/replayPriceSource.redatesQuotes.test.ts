/**
 * ReplayPriceSource plays a recording as a live venue: each fetch returns the quotes recorded since the previous one,
 * re-dated into wall-clock time at the configured speed, so the index's staleness and the pushed timestamps behave as
 * with live data.
 */
import { expect } from "chai";
import { ReplayPriceSource } from "../../../../keepers/oracle/replaySource";
import { QuoteReplay } from "../../../../keepers/oracle/replay/timeline";
import type { PriceQuote } from "../../../../keepers/oracle/types";
import { wad } from "../../../fixtures/keel";

const RECORDED_START = 1_760_054_400_000; // 2025-10-10 00:00 UTC

function trade(offsetMs: number, price: string): PriceQuote {
  return {
    venue: "gemini",
    instrument: "BTCUSD",
    kind: "trade",
    priceWad: wad(price),
    timestampMs: RECORDED_START + offsetMs,
  };
}

describe("oracle keeper: ReplayPriceSource", function () {
  it("returns the recorded quotes as they fall due, re-dated to the wall clock at the given speed", async function () {
    const replay = new QuoteReplay(
      "gemini",
      [trade(0, "121000"), trade(10_000, "121100"), trade(20_000, "121200"), trade(60_000, "121300")],
      "test",
    );
    const clock = { nowMs: 5_000_000 };
    const source = new ReplayPriceSource(replay, {
      startMs: RECORDED_START + 5_000,
      speed: 10,
      clock: () => clock.nowMs,
    });

    // start: the quote recorded before the start comes out dated at the start
    expect((await source.fetchQuotes()).map((q) => [q.priceWad, q.timestampMs])).to.deep.equal([
      [wad("121000"), 5_000_000],
    ]);
    // 1.5 s of wall time at 10× = 15 s recorded: the 10 s quote (5 s after start → 0.5 s of wall time) and the 20 s one
    clock.nowMs += 1_500;
    expect((await source.fetchQuotes()).map((q) => [q.priceWad, q.timestampMs])).to.deep.equal([
      [wad("121100"), 5_000_500],
      [wad("121200"), 5_001_500],
    ]);
    expect(await source.fetchQuotes(), "nothing new").to.deep.equal([]);
    clock.nowMs += 10_000;
    expect((await source.fetchQuotes()).map((q) => q.priceWad)).to.deep.equal([wad("121300")]);
    expect(source.venue).to.equal("gemini");
  });
});
