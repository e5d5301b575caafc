/**
 * HealthTracker `exclude`: the insurance fund's backstop account and the PositionManager's clearing account keep an
 * entry (their health is still reported) but are never candidates, never bankrupt and never counted at risk or
 * liquidatable — the liquidator must not try to liquidate the fund that absorbs liquidations.
 */
import { expect } from "chai";
import { HealthTracker } from "../../../../keepers/liquidator/tracker";
import { BTC, IndexerDouble, addressOf, indexedAccount, position, silentLogger, wad } from "./helpers";

const LONG = position(BTC, wad(1), wad(60_000)); // MM 600 at 60,000

describe("HealthTracker exclude", function () {
  it("never lists an excluded account, given in any letter case, and leaves it out of the counts", function () {
    const fund = addressOf(0xf00d);
    const trader = addressOf(7);
    const indexer = new IndexerDouble(undefined, [
      indexedAccount(fund, wad(-1_000), [LONG]),
      indexedAccount(trader, wad(100), [LONG]),
    ]);
    const tracker = new HealthTracker({ indexer, exclude: [fund.toLowerCase()], logger: silentLogger() });
    tracker.start();

    expect(tracker.entry(fund)).to.deep.include({ equityWad: wad(-1_000), liquidatable: true });
    expect(tracker.candidates().map((e) => e.account)).to.deep.equal([trader]);
    expect(tracker.bankrupt()).to.deep.equal([]);
    expect(tracker.stats()).to.deep.include({ tracked: 2, liquidatable: 1, atRisk: 1 });

    // Still excluded after incremental updates of both kinds.
    indexer.pushMark(BTC, wad(59_000));
    indexer.setAccount(indexedAccount(fund, wad(-2_000), [LONG]));
    expect(tracker.candidates().map((e) => e.account)).to.deep.equal([trader]);
    expect(tracker.stats()).to.deep.include({ liquidatable: 1, atRisk: 1 });
  });
});
