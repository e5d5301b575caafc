/**
 * An account holding a market that has no mark yet has no computable health (the chain's health view reverts too):
 * the tracker gives it no entry and never lists it, logs the market once (not on every update), and tracks the
 * account from the market's first push on. Accounts of priced markets are unaffected.
 */
import { expect } from "chai";
import { HealthTracker } from "../../../../keepers/liquidator/tracker";
import { BTC, ETH, IndexerDouble, addressOf, capturingLogger, indexedAccount, position, wad } from "./helpers";

describe("HealthTracker with a market that has no mark", function () {
  it("skips the account, logs the market once, and tracks it after the first push", function () {
    const mixed = addressOf(1); // BTC and ETH: deeply underwater at any ETH mark near its entry
    const btcOnly = addressOf(2);
    const indexer = new IndexerDouble(undefined, [
      indexedAccount(mixed, wad(-5_000), [position(BTC, wad(1), wad(60_000)), position(ETH, wad(10), wad(3_000))]),
      indexedAccount(btcOnly, wad(100), [position(BTC, wad(1), wad(60_000))]),
    ]);
    const lines: Record<string, unknown>[] = [];
    const tracker = new HealthTracker({ indexer, logger: capturingLogger(lines) });
    tracker.start();

    expect(tracker.entry(mixed)).to.equal(undefined);
    expect(tracker.candidates().map((e) => e.account)).to.deep.equal([btcOnly]);
    expect(tracker.stats()).to.deep.include({ tracked: 1, liquidatable: 1 });

    // More updates touching the account and the priced market: still skipped, still one log line.
    indexer.pushMark(BTC, wad(59_000));
    indexer.setAccount(indexedAccount(mixed, wad(-6_000), [...indexer.accounts.get(mixed)!.positions.values()]));
    indexer.replaceMarket(ETH, { openInterestWad: wad(20) });
    expect(tracker.entry(mixed)).to.equal(undefined);
    const warnings = lines.filter((l) => l.marketId === ETH && l.level === 40);
    expect(warnings, "one warning for the market").to.have.length(1);

    // ETH's first push: 10 ETH at 3,000 (PnL 0, MM 300); BTC at 59,000: PnL −1,000, MM 590.
    indexer.pushMark(ETH, wad(3_000));
    expect(tracker.entry(mixed)).to.deep.include({
      equityWad: wad(-7_000),
      maintenanceMarginWad: wad(890),
      liquidatable: true,
    });
    expect(tracker.candidates().map((e) => e.account)).to.deep.equal([mixed, btcOnly]);
  });
});
