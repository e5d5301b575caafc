/**
 * loadConfig merges, lowest priority first: schema defaults < JSON config file < KEEL_* environment variables <
 * overrides, converting environment text to the schema's types, and works for schemas that extend the base one.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { baseConfigSchema, envVarName, loadConfig } from "../../../keepers/core";

const KEY = `0x${"ab".repeat(32)}`;

function configFile(content: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "keel-config-")), "keeper.json");
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe("loadConfig: sources and precedence", function () {
  it("returns the schema defaults when nothing is set", function () {
    expect(loadConfig(baseConfigSchema, { env: {} })).to.deep.equal({
      rpcUrl: "http://127.0.0.1:8545",
      deploymentsDir: "deploy/deployments",
      network: "localhost",
      logLevel: "info",
      opsPort: 0,
      opsHost: "127.0.0.1",
      pollIntervalMs: 1000,
    });
  });

  it("maps camelCase fields to KEEL_UPPER_SNAKE variables and converts numbers", function () {
    expect(envVarName("rpcUrl")).to.equal("KEEL_RPC_URL");
    expect(envVarName("pollIntervalMs", "X_")).to.equal("X_POLL_INTERVAL_MS");
    const config = loadConfig(baseConfigSchema, {
      env: {
        KEEL_RPC_URL: "https://rpc.hyperliquid.xyz/evm",
        KEEL_OPS_PORT: "9464",
        KEEL_CHAIN_ID: "999",
        KEEL_NETWORK: "",
      },
    });
    expect(config.rpcUrl).to.equal("https://rpc.hyperliquid.xyz/evm");
    expect(config.opsPort).to.equal(9464);
    expect(config.chainId).to.equal(999);
    expect(config.network, "an empty variable counts as unset").to.equal("localhost");
  });

  it("reads the file named by KEEL_CONFIG, below the environment and above the defaults", function () {
    const file = configFile({ network: "hyperevm", opsPort: 9000, privateKey: KEY });
    const config = loadConfig(baseConfigSchema, { env: { KEEL_CONFIG: file, KEEL_OPS_PORT: "9100" } });
    expect(config.network).to.equal("hyperevm");
    expect(config.privateKey).to.equal(KEY);
    expect(config.opsPort, "environment beats the file").to.equal(9100);
  });

  it("puts overrides (command-line flags) above everything and ignores undefined ones", function () {
    const file = configFile({ logLevel: "warn" });
    const config = loadConfig(baseConfigSchema, {
      file,
      env: { KEEL_LOG_LEVEL: "error", KEEL_OPS_HOST: "0.0.0.0" },
      overrides: { logLevel: "debug", opsHost: undefined },
    });
    expect(config.logLevel).to.equal("debug");
    expect(config.opsHost).to.equal("0.0.0.0");
  });

  it("loads extended schemas with their own types (booleans, bigints, objects from the environment)", function () {
    const schema = baseConfigSchema.extend({
      dryRun: z.boolean().default(false),
      gasBudget: z.bigint().default(1_800_000n),
      markets: z.array(z.number().int()).default([1]),
      label: z.string().optional(),
    });
    const config = loadConfig(schema, {
      env: { KEEL_DRY_RUN: "true", KEEL_GAS_BUDGET: "3000000", KEEL_MARKETS: "[1, 2]", KEEL_LABEL: "42" },
    });
    expect(config.dryRun).to.equal(true);
    expect(config.gasBudget).to.equal(3_000_000n);
    expect(config.markets).to.deep.equal([1, 2]);
    expect(config.label, "strings stay strings").to.equal("42");
  });
});
