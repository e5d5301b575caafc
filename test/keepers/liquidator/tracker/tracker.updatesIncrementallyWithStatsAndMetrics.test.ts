/**
 * HealthTracker follows the indexer incrementally: an `account` event recomputes that one account; a `mark`,
 * `funding` or `market` event recomputes only the holders of that market, and nothing when no input of the health
 * arithmetic changed (the indexer re-reads every market after each batch). `stats()` reports the counts and the last
 * update's size; the metrics gauges follow the counts and every update is observed in the scan-time histogram.
 */
import { expect } from "chai";
import { Registry } from "prom-client";
import { createLiquidatorMetrics } from "../../../../keepers/liquidator/metrics";
import { HealthTracker } from "../../../../keepers/liquidator/tracker";
import { BTC, EVENT, IndexerDouble, addressOf, indexedAccount, position, silentLogger, wad } from "./helpers";

const BTC_LONG = position(BTC, wad(1), wad(60_000)); // MM 600 at 60,000
const EVENT_SHORT = position(EVENT, wad(-1_000), wad(0.4)); // 1,000 shares short at 0.40

/** The value of an unlabelled gauge, or the observation count of a histogram (a `_seconds` name: `<name>_count`). */
async function metricValue(registry: Registry, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  const { values } = await metric.get();
  const named = values as { metricName?: string; value: number }[];
  const sample = name.endsWith("_seconds") ? named.find((v) => v.metricName === `${name}_count`) : named[0];
  if (!sample) throw new Error(`metric ${name} has no sample`);
  return sample.value;
}

describe("HealthTracker incremental updates, stats and metrics", function () {
  function setUp() {
    const indexer = new IndexerDouble(undefined, [
      indexedAccount(addressOf(1), wad(700), [BTC_LONG]), // ratio 1.1666: at risk
      indexedAccount(addressOf(2), wad(10_000), [BTC_LONG]), // healthy
      indexedAccount(addressOf(3), wad(500), [BTC_LONG, EVENT_SHORT]), // BTC and event
      indexedAccount(addressOf(4), wad(50)), // flat
    ]);
    const registry = new Registry();
    const metrics = createLiquidatorMetrics(registry);
    const tracker = new HealthTracker({ indexer, logger: silentLogger(), metrics });
    tracker.start();
    return { indexer, registry, tracker };
  }

  it("scans every account on start", async function () {
    const { tracker, registry } = setUp();
    // Account 3: 500 + 0, MM = 600 + min(1,000 · 0.4 · 0.05, 1,000 · 0.6) = 620 → liquidatable.
    expect(tracker.entry(addressOf(3))).to.deep.include({ equityWad: wad(500), maintenanceMarginWad: wad(620) });
    expect(tracker.stats()).to.deep.include({ tracked: 4, liquidatable: 1, atRisk: 2, lastScanAccounts: 4 });
    expect(tracker.stats().lastScanMs).to.be.at.least(0);
    expect(await metricValue(registry, "keel_liquidator_accounts_liquidatable")).to.equal(1);
    expect(await metricValue(registry, "keel_liquidator_accounts_at_risk")).to.equal(2);
    expect(await metricValue(registry, "keel_liquidator_scan_seconds")).to.equal(1);
  });

  it("recomputes only a market's holders on a mark, and one account on an account event", async function () {
    const { tracker, indexer, registry } = setUp();
    indexer.pushMark(EVENT, wad(0.45)); // holders: account 3 only
    expect(tracker.stats().lastScanAccounts).to.equal(1);
    // Short 1,000 at 0.40 → 0.45: PnL −50; MM 600 + 1,000 · 0.45 · 5% = 622.5.
    expect(tracker.entry(addressOf(3))).to.deep.include({ equityWad: wad(450), maintenanceMarginWad: wad(622.5) });

    indexer.pushMark(BTC, wad(59_400)); // holders: accounts 1, 2 and 3; PnL −600, MM 594
    expect(tracker.stats()).to.deep.include({ lastScanAccounts: 3, liquidatable: 2, atRisk: 2 });
    expect(tracker.entry(addressOf(1))).to.deep.include({ equityWad: wad(100), liquidatable: true });

    indexer.setAccount(indexedAccount(addressOf(1), wad(5_000), [BTC_LONG])); // a deposit
    expect(tracker.stats()).to.deep.include({ lastScanAccounts: 1, liquidatable: 1, atRisk: 1 });
    expect(await metricValue(registry, "keel_liquidator_accounts_liquidatable")).to.equal(1);
    expect(await metricValue(registry, "keel_liquidator_accounts_at_risk")).to.equal(1);
    expect(await metricValue(registry, "keel_liquidator_scan_seconds")).to.equal(4);
  });

  it("skips a market re-read that changed nothing, and applies funding once the market is re-read", async function () {
    const { tracker, indexer, registry } = setUp();
    indexer.replaceMarket(BTC); // same inputs, new object (as after every batch)
    expect(await metricValue(registry, "keel_liquidator_scan_seconds"), "no update").to.equal(1);
    expect(tracker.stats().lastScanAccounts).to.equal(4);

    // Longs pay 100 per BTC: `funding` arrives before the re-read (nothing to do), `market` after it.
    indexer.applyFunding(BTC, wad(100));
    expect(await metricValue(registry, "keel_liquidator_scan_seconds")).to.equal(2);
    expect(tracker.stats().lastScanAccounts).to.equal(3);
    expect(tracker.entry(addressOf(1))?.equityWad).to.equal(wad(600));

    indexer.replaceMarket(EVENT, { openInterestWad: wad(123) }); // open interest moved: event holders recomputed
    expect(tracker.stats().lastScanAccounts).to.equal(1);
  });

  it("stops following the indexer on stop", function () {
    const { tracker, indexer } = setUp();
    tracker.stop();
    indexer.pushMark(BTC, wad(50_000));
    expect(tracker.entry(addressOf(2))?.equityWad).to.equal(wad(10_000));
  });
});
