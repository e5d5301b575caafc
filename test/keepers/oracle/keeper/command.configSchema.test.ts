/**
 * `keel-keeper oracle` configuration: markets and their sources from the JSON config file become live adapters with
 * the venue's BTC-USD instrument ids; wads are decimal strings; mistakes are reported with the field to fix.
 */
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ConfigError, loadConfig } from "../../../../keepers/core/config";
import { buildOracleFeeds, oracleConfigSchema } from "../../../../keepers/oracle/command";
import { wad } from "../../../fixtures/keel";

function configFile(json: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "keel-oracle-")), "oracle.json");
  writeFileSync(file, JSON.stringify(json));
  return file;
}

describe("oracle keeper: command configuration", function () {
  it("builds live sources per market from the config file, with defaults for the cadence", async function () {
    const file = configFile({
      markets: [
        {
          marketId: 1,
          sources: [
            { venue: "binance", instruments: "BTC-USD" },
            { venue: "kraken", instruments: "BTC-USD", options: { timeoutMs: 2000 } },
          ],
          index: { maxDeviationWad: "30000000000000000", weights: { kraken: 2 } },
        },
        { marketId: 2, sources: [{ venue: "polymarket", options: { tokenId: "123" } }] },
      ],
    });
    const config = loadConfig(oracleConfigSchema, { file, env: {} });
    expect(config.pushIntervalMs).to.equal(3000);
    expect(config.earlyPushDeviationWad).to.equal(wad("0.005"));
    expect(config.markets[0].index?.maxDeviationWad).to.equal(wad("0.03"));
    const feeds = await buildOracleFeeds(config.markets);
    expect(feeds.map((f) => [f.marketId, f.sources.map((s) => s.venue)])).to.deep.equal([
      [1, ["binance", "kraken"]],
      [2, ["polymarket"]],
    ]);
  });

  it("names the field of a bad source", function () {
    const file = configFile({ markets: [{ marketId: 1, sources: [{ venue: "mtgox" }] }] });
    expect(() => loadConfig(oracleConfigSchema, { file, env: {} }))
      .to.throw(ConfigError)
      .with.property("message")
      .that.matches(/markets\.0\.sources\.0/);
  });

  it("refuses a Polymarket replay without an outcome", async function () {
    const file = configFile({ markets: [{ marketId: 2, sources: [{ replay: "polymarketTrades", path: "/x.csv" }] }] });
    const config = loadConfig(oracleConfigSchema, { file, env: {} });
    let error: unknown;
    await buildOracleFeeds(config.markets).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/needs "outcome"/);
  });
});
