/**
 * A configuration that cannot be used stops the keeper with a ConfigError listing every problem, one per line, each
 * naming the field, the environment variable to set and the source of the bad value; secrets are never echoed.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { ConfigError, baseConfigSchema, loadConfig } from "../../../keepers/core";

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "keel-config-")), name);
  writeFileSync(file, text);
  return file;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail("expected a ConfigError");
}

describe("loadConfig: actionable errors", function () {
  it("lists every invalid field with its environment variable, value and source", function () {
    const file = tempFile("keeper.json", JSON.stringify({ opsPort: 70_000 }));
    const error = configError(() =>
      loadConfig(baseConfigSchema, {
        file,
        env: { KEEL_RPC_URL: "foo", KEEL_POLL_INTERVAL_MS: "soon", KEEL_PRIVATE_KEY: "0x1234" },
        overrides: { logLevel: "loud" },
      }),
    );
    expect(error.problems).to.have.length(5);
    const lines = error.message.split("\n");
    expect(lines[0]).to.equal("Invalid keeper configuration (5 problems):");
    const line = (field: string) => error.problems.find((p) => p.startsWith(`${field}:`)) ?? "";
    expect(line("rpcUrl")).to.equal(
      `rpcUrl: Invalid URL "foo" (from KEEL_RPC_URL; set KEEL_RPC_URL or "rpcUrl" in ${file})`,
    );
    expect(line("pollIntervalMs")).to.contain('received string "soon"').and.contain("set KEEL_POLL_INTERVAL_MS");
    expect(line("opsPort")).to.contain("70000").and.contain(`from ${file}`).and.contain("KEEL_OPS_PORT");
    expect(line("logLevel")).to.contain('"loud"').and.contain("from the command line").and.contain("KEEL_LOG_LEVEL");
    expect(line("privateKey")).to.contain("32-byte hex private key").and.contain("(value hidden)");
    expect(error.message, "the key is never echoed").not.to.contain("0x1234");
    for (const problem of error.problems) expect(error.message).to.contain(`  - ${problem}`);
  });

  it("names a required field that is missing and how to set it without a file", function () {
    const schema = baseConfigSchema.extend({ matcherUrl: z.url() });
    const error = configError(() => loadConfig(schema, { env: {} }));
    expect(error.problems).to.deep.equal([
      'matcherUrl: required (expected string) (set KEEL_MATCHER_URL or "matcherUrl" in a JSON file named by KEEL_CONFIG)',
    ]);
  });

  it("reports a config file that does not exist, with its path", function () {
    const missing = path.join(tmpdir(), "keel-no-such-dir", "keeper.json");
    const error = configError(() => loadConfig(baseConfigSchema, { env: { KEEL_CONFIG: missing } }));
    expect(error.message).to.contain(`config file ${missing} does not exist`);
  });

  it("reports a config file that is not JSON, with its path and the parser's complaint", function () {
    const file = tempFile("broken.json", "{ rpcUrl: ");
    const error = configError(() => loadConfig(baseConfigSchema, { file, env: {} }));
    expect(error.message).to.contain(`config file ${file} is not valid JSON`);
  });

  it("rejects unknown fields in the file (typos), listing the known ones", function () {
    const file = tempFile("typo.json", JSON.stringify({ rpcURL: "http://127.0.0.1:8545" }));
    const error = configError(() => loadConfig(baseConfigSchema, { file, env: {} }));
    expect(error.problems[0]).to.contain('unknown field "rpcURL"').and.contain("rpcUrl");
  });
});
