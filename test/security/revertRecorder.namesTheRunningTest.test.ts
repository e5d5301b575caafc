/**
 * The mocha wiring (`revertRecorderMochaOptions`, spread into the Hardhat config's `mocha`) records a whole run: a
 * nested mocha run of a small suite shows each revert named by the hook or test that caused it, and the record
 * written when the run ends, replacing the file or adding to it when told to merge.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Mocha from "mocha";
import { readRevertRecord, revertRecorderMochaOptions, type RevertRecord } from "../fixtures/revertRecorder";
import { REVERT_ECHO, installRevertEcho, panicData, stringData } from "./revertRecorder.helpers";

/** A suite that reverts once in its `before` hook (Panic 0x01) and once in its test (Error("in test")). */
function nestedSuite(): string {
  return `
const hre = require(${JSON.stringify(require.resolve("hardhat"))});
const call = (data) =>
  hre.network.provider.request({ method: "eth_call", params: [{ to: "${REVERT_ECHO}", data }] }).then(
    () => { throw new Error("the echo contract must revert"); },
    (error) => { if (error.data !== data) throw error; },
  );
describe("nested", function () {
  before(async function () { await call("${panicData(1)}"); });
  it("reverts in the test", async function () { await call("${stringData("in test")}"); });
});
`;
}

/** Runs `file` in a mocha of its own with the recorder writing to `output`; returns the number of failures. */
async function runNested(file: string, output: string, merge: boolean): Promise<number> {
  const mocha = new Mocha({
    reporter: Mocha.reporters.Base, // prints nothing
    ...revertRecorderMochaOptions({ enabled: true, outputPath: output, merge }),
  });
  mocha.addFile(file);
  try {
    return await new Promise<number>((resolve) => mocha.run(resolve));
  } finally {
    mocha.dispose();
  }
}

describe("revert recorder records the running test or hook", function () {
  let dir: string;
  let file: string;
  let output: string;

  beforeEach(async function () {
    await installRevertEcho();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "revert-record-"));
    file = path.join(dir, "nested.test.js");
    fs.writeFileSync(file, nestedSuite());
    output = path.join(dir, "revert-record.json");
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function expectCounts(record: RevertRecord, count: number): void {
    const relative = path.relative(process.cwd(), file);
    expect(record.panics).to.deep.equal([
      {
        code: "0x01",
        reason: "assert(false)",
        test: 'nested "before all" hook for "reverts in the test"',
        file: relative,
        count,
      },
    ]);
    expect(record.strings).to.deep.equal([
      { message: "in test", test: "nested reverts in the test", file: relative, count },
    ]);
  }

  it("names the hook and the test, and writes the record when the run ends", async function () {
    fs.writeFileSync(output, "stale");
    expect(await runNested(file, output, false)).to.equal(0);
    expectCounts(readRevertRecord(output), 1);
  });

  it("adds to an existing record when told to merge", async function () {
    expect(await runNested(file, output, true)).to.equal(0);
    expect(await runNested(file, output, true)).to.equal(0);
    expectCounts(readRevertRecord(output), 2);
  });
});
