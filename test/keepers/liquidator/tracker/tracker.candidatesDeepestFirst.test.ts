/**
 * HealthTracker.candidates and bankrupt list liquidatable accounts deepest first: negative equity first (most negative
 * first), then margin ratio ascending, ties by address; flat accounts are never listed.
 *
 * Setup: every trader is long 1 BTC opened at the mark of 60,000 (PnL 0, no funding), so equity = balance and
 * MM = 60,000 · 1% = 600 (⅔ MM = 400).
 */
import { expect } from "chai";
import { HealthTracker } from "../../../../keepers/liquidator/tracker";
import { BTC, IndexerDouble, addressOf, indexedAccount, position, silentLogger, wad } from "./helpers";

const LONG = position(BTC, wad(1), wad(60_000));
const long = (n: number, balance: number) => indexedAccount(addressOf(n), wad(balance), [LONG]);

describe("HealthTracker.candidates and bankrupt order", function () {
  function trackerOver(): { tracker: HealthTracker; indexer: IndexerDouble } {
    const indexer = new IndexerDouble(undefined, [
      long(1, -100), // bankrupt
      long(2, -300), // deepest
      long(3, 300), // ratio 0.5
      long(4, 500), // ratio 0.8333…
      long(5, 300), // ratio 0.5, ties with 3
      long(6, 700), // ratio 1.1666…: at risk, not liquidatable
      long(7, 1000), // ratio 1.666…: healthy
      indexedAccount(addressOf(8), wad(-50)), // flat with a negative balance: never listed
    ]);
    const tracker = new HealthTracker({ indexer, logger: silentLogger() });
    tracker.start();
    return { tracker, indexer };
  }

  it("lists negative equity first (most negative first), then margin ratio ascending, ties by address", function () {
    const { tracker } = trackerOver();
    expect(tracker.candidates().map((e) => e.account)).to.deep.equal([2, 1, 3, 5, 4].map(addressOf));
  });

  it("lists only negative equity with positions in bankrupt, deepest deficit first", function () {
    const { tracker } = trackerOver();
    expect(tracker.bankrupt().map((e) => [e.account, e.equityWad])).to.deep.equal([
      [addressOf(2), wad(-300)],
      [addressOf(1), wad(-100)],
    ]);
  });

  it("reports the chain's flags and the margin ratio rounded toward −∞", function () {
    const { tracker } = trackerOver();
    const deep = tracker.entry(addressOf(1));
    expect(deep).to.deep.include({
      equityWad: wad(-100),
      maintenanceMarginWad: wad(600),
      liquidatable: true,
      belowBackstopThreshold: true,
      hasPositions: true,
    });
    // −100 / 600 = −0.1666…: rounded down to −0.166…67.
    expect(deep?.marginRatioWad).to.equal(-166666666666666667n);
    expect(tracker.entry(addressOf(3))).to.deep.include({ marginRatioWad: wad(0.5), belowBackstopThreshold: true });
    // 500 ≥ ⅔ · 600: liquidatable but not yet for the backstop.
    expect(tracker.entry(addressOf(4))).to.deep.include({ liquidatable: true, belowBackstopThreshold: false });
    expect(tracker.entry(addressOf(6))).to.deep.include({ liquidatable: false, marginRatioWad: 1166666666666666666n });
    const flat = tracker.entry(addressOf(8));
    expect(flat).to.deep.include({ hasPositions: false, maintenanceMarginWad: 0n, marginRatioWad: undefined });
  });

  it("re-orders after a mark move and drops an account that closed its position", function () {
    const { tracker, indexer } = trackerOver();
    // Mark 59,700: every long loses 300 (MM 597): 7 goes to 700 / 597 ≥ 1, 6 to 400 / 597 = 0.67 (liquidatable).
    indexer.pushMark(BTC, wad(59_700));
    expect(tracker.candidates().map((e) => e.account)).to.deep.equal([2, 1, 3, 5, 4, 6].map(addressOf));
    // Account 2 is flattened (e.g. by the backstop): its balance stays negative but it holds nothing.
    indexer.setAccount(indexedAccount(addressOf(2), wad(-300)));
    expect(tracker.candidates().map((e) => e.account)).to.deep.equal([1, 3, 5, 4, 6].map(addressOf));
    expect(tracker.bankrupt().map((e) => e.account)).to.deep.equal([addressOf(1)]);
  });
});
