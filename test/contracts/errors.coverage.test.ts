/**
 * Every custom error that a Keel interface declares is asserted by at least one test with
 * `revertedWithCustomError(…, "Name")`: a static check over the test sources against the compiled ABIs.
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { artifacts } from "hardhat";

const INTERFACES = ["ICollateralVault", "IMarketRegistry", "IOracleRegistry", "IHyperCorePriceSource"];

function testSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testSources(full);
    return entry.name.endsWith(".test.ts") ? [fs.readFileSync(full, "utf8")] : [];
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
