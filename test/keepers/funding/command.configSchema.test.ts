/**
 * `keel-keeper funding` configuration: Hyperliquid's defaults (20,000 USD impact notional for ASSET markets, 1,000
 * USD for BOUNDED ones, a sample every 5 s), wads as decimal strings, and a sampling period that must divide a minute.
 */
import { expect } from "chai";
import { ConfigError, loadConfig } from "../../../keepers/core/config";
import { fundingConfigSchema } from "../../../keepers/funding/command";
import { wad } from "../../fixtures/keel";

describe("funding keeper: command configuration", function () {
  it("defaults to 20,000 / 1,000 USD impact notionals and a 5 s sample", function () {
    const config = loadConfig(fundingConfigSchema, { env: {} });
    expect(config.assetImpactNotionalWad).to.equal(wad("20000"));
    expect(config.boundedImpactNotionalWad).to.equal(wad("1000"));
    expect(config.sampleIntervalMs).to.equal(5000);
    expect(config.gatewayUrl).to.equal("http://127.0.0.1:8080");
  });

  it("reads wad strings and per-market notionals from the environment", function () {
    const config = loadConfig(fundingConfigSchema, {
      env: {
        KEEL_ASSET_IMPACT_NOTIONAL_WAD: "50000000000000000000000",
        KEEL_IMPACT_NOTIONAL_BY_MARKET: '{"2": "2000000000000000000000"}',
      },
    });
    expect(config.assetImpactNotionalWad).to.equal(wad("50000"));
    expect(config.impactNotionalByMarket).to.deep.equal({ "2": wad("2000") });
  });

  it("refuses a sampling period that does not divide a minute", function () {
    expect(() => loadConfig(fundingConfigSchema, { env: {}, overrides: { sampleIntervalMs: 7000 } }))
      .to.throw(ConfigError)
      .with.property("message")
      .that.matches(/sampleIntervalMs: must divide 60,000/);
  });
});
