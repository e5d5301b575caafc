/**
 * Every custom error that a Keel interface declares is asserted by at least one test with
 * `revertedWithCustomError(…, "Name")`: a static check over the test sources (and their helpers) against the
 * compiled ABIs. The run-time check (errors decoded during the suite) comes with the security suite.
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { artifacts } from "hardhat";

const INTERFACES = [
  "ICollateralVault",
  "IMarketRegistry",
  "IOracleRegistry",
  "IHyperCorePriceSource",
  "IPositionManager",
  "IInsuranceFund",
];

function testSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testSources(full);
    // Test files and their helpers, not this file (which names no error itself).
    return entry.name.endsWith(".ts") && full !== __filename ? [fs.readFileSync(full, "utf8")] : [];
  });
}

describe("custom-error coverage", function () {
  const sources = testSources(path.join(__dirname)).join("\n");

  for (const name of INTERFACES) {
    it(`asserts every error of ${name} in some test`, async function () {
      const { abi } = await artifacts.readArtifact(name);
      const errors = (abi as { type: string; name: string }[]).filter((e) => e.type === "error").map((e) => e.name);
      expect(errors.length).to.be.greaterThan(0);
      const missing = errors.filter(
        (error) => !new RegExp(`revertedWithCustomError\\([^)]*,\\s*"${error}"`).test(sources),
      );
      expect(missing, `errors never asserted by a test`).to.deep.equal([]);
    });
  }
});
