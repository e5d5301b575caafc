/**
 * `scripts/errorCoverage.ts` gates on the record: it fails when a Keel error was never raised, when an error listed as
 * unreachable was raised, and on a Panic or string revert no entry of the expected list allows; it reports unknown
 * and empty reverts without failing. Its catalogue holds the Keel contracts', libraries' and inherited OpenZeppelin
 * errors, not the mocks' or KeelTimelock's inherited ones.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { config } from "hardhat";
import {
  analyseErrorCoverage,
  expectedKey,
  formatErrorCoverage,
  keelErrors,
  type CoveragePolicy,
} from "../../scripts/errorCoverage";
import type { KnownError } from "../fixtures/revertDecoder";
import { emptyRevertRecord, type RevertRecord } from "../fixtures/revertRecorder";

const errors: KnownError[] = [
  { selector: "0xa3e24d66", name: "VaultZeroAmount", signature: "VaultZeroAmount()", artifacts: [] },
  { selector: "0xb3512b0c", name: "InvalidShortString", signature: "InvalidShortString()", artifacts: [] },
];
const policy: CoveragePolicy = {
  unreachable: { "InvalidShortString()": "never built from a long string" },
  expected: { "harness suite": "drives a mock into overflow on purpose" },
};

/** A record in which every error of `errors` except the unreachable one was raised once. */
function fullRecord(): RevertRecord {
  const record = emptyRevertRecord();
  record.selectors["0xa3e24d66"] = {
    name: "VaultZeroAmount",
    signature: "VaultZeroAmount()",
    count: 1,
    firstTest: "deposit reverts",
  };
  return record;
}

const panic = (test: string) => ({ code: "0x11", reason: "overflow", test, count: 2 });

describe("error-coverage gate (scripts/errorCoverage.ts)", function () {
  it("catalogues Keel, library and inherited OpenZeppelin errors, not mocks' or KeelTimelock's inherited ones", function () {
    const names = keelErrors(config.paths.artifacts).map((error) => error.name);
    expect(names).to.include.members([
      "VaultZeroAmount",
      "BatchIdMismatch",
      "SafeCastOverflowedIntDowncast",
      "AccessControlUnauthorizedAccount",
      "EnforcedPause",
    ]);
    expect(names).to.not.include.members(["MockInsufficientMargin", "ERC20InsufficientBalance"]);
    expect(names).to.not.include("TimelockInsufficientDelay");
    expect(new Set(names).size, "deduplicated").to.equal(names.length);
  });

  it("passes when every reachable error was raised and nothing panicked", function () {
    const report = analyseErrorCoverage(errors, fullRecord(), policy);
    expect(report.failures).to.deep.equal([]);
    expect(report.expectedUnused).to.deep.equal(["harness suite"]);
    expect(formatErrorCoverage(report)).to.match(/error coverage passed$/);
  });

  it("fails on an error never raised, naming it", function () {
    const report = analyseErrorCoverage(errors, emptyRevertRecord(), policy);
    expect(report.missing.map((e) => e.name)).to.deep.equal(["VaultZeroAmount"]);
    expect(report.failures).to.deep.equal(["1 Keel error(s) never raised"]);
    expect(formatErrorCoverage(report)).to.contain("Never raised").and.contain("  VaultZeroAmount()");
  });

  it("fails when an error listed as unreachable was raised", function () {
    const record = fullRecord();
    record.selectors["0xb3512b0c"] = {
      name: "InvalidShortString",
      signature: "InvalidShortString()",
      count: 1,
      firstTest: "t",
    };
    expect(analyseErrorCoverage(errors, record, policy).failures).to.deep.equal([
      "1 error(s) listed unreachable were raised",
    ]);
  });

  it("fails on a Panic or a string revert outside the expected list, and allows them inside it", function () {
    const record = fullRecord();
    record.panics.push(panic("harness suite adds"), panic("harness suites add"), panic("vault deposits"));
    record.strings.push({ message: "no", test: "vault deposits", count: 1 });
    const report = analyseErrorCoverage(errors, record, policy);
    expect(report.panics.map((p) => p.expectedBy)).to.deep.equal(["harness suite", undefined, undefined]);
    expect(report.failures).to.deep.equal([
      "2 test(s) raised an unexpected Panic",
      "1 test(s) raised an unexpected string revert",
    ]);
    expect(report.expectedUsed).to.deep.equal([
      { key: "harness suite", reason: "drives a mock into overflow on purpose" },
    ]);
    expect(formatErrorCoverage(report)).to.contain('[expected] Panic 0x11 (overflow) x2 in "harness suite adds"');
  });

  it("reports unknown and empty reverts without failing", function () {
    const record = fullRecord();
    record.unknown.push({ selector: "0xdeadbeef", test: "t", count: 1 });
    record.empty.push({ test: "t", count: 3 });
    const report = analyseErrorCoverage(errors, record, policy);
    expect(report.failures).to.deep.equal([]);
    expect(formatErrorCoverage(report)).to.contain("selector 0xdeadbeef x1").and.contain("empty revert data x3");
  });

  it("matches an expected key to its test or describe block, not to a longer title", function () {
    const expected = { "a b": "reason" };
    expect(expectedKey(expected, "a b")).to.equal("a b");
    expect(expectedKey(expected, "a b c")).to.equal("a b");
    expect(expectedKey(expected, "a bc")).to.equal(undefined);
  });

  it("exits 1 from the command line when an error was never raised", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "error-coverage-"));
    const record = path.join(dir, "revert-record.json");
    fs.writeFileSync(record, JSON.stringify(emptyRevertRecord()));
    const script = path.join(__dirname, "..", "..", "scripts", "errorCoverage.ts");
    try {
      const run = promisify(execFile)("npx", ["ts-node", "--transpile-only", script, "--record", record]);
      const failure = await run.then(
        () => expect.fail("the gate must fail"),
        (e: unknown) => e as { code: number; stdout: string },
      );
      expect(failure.code).to.equal(1);
      expect(failure.stdout)
        .to.contain("Never raised")
        .and.match(/error coverage FAILED: \d+ Keel error\(s\) never raised/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
