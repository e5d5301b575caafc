/**
 * `npm run demo -- --quick` as a newcomer runs it, in its own process: the hours around the 2025-10-10 crash and the
 * Senate market's last days, every keeper, the report and the invariants. It must exit 0 (every invariant PASS), write
 * report.json and a self-contained report.html, and liquidate through the waterfall. (Its run time is a figure of the
 * demo, printed in its summary; no timing is asserted here.)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { DemoReport } from "../../../keepers/demo/report";

describe("npm run demo -- --quick", function () {
  this.timeout(600_000);
  let dir: string;

  before(function () {
    dir = mkdtempSync(path.join(tmpdir(), "keel-demo-test-"));
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("replays the crash and the event market to resolution, writes the report and passes every invariant", async function () {
    const root = path.resolve(__dirname, "../../..");
    const child = spawn(
      process.execPath,
      [
        path.join(root, "node_modules/ts-node/dist/bin.js"),
        "--transpile-only",
        path.join(root, "scripts/demo.ts"),
        "--quick",
        "--reports",
        dir,
      ],
      { cwd: root, env: { ...process.env, HARDHAT_NETWORK: "hardhat" } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, `exit code; stdout:\n${stdout}\nstderr:\n${stderr.slice(-4000)}`).to.equal(0);
    expect(stdout).to.match(/All 5 invariants PASS/);

    const [stamp] = readdirSync(dir);
    const report = JSON.parse(readFileSync(path.join(dir, stamp, "report.json"), "utf8")) as DemoReport;
    expect(report.meta.mode).to.equal("quick");
    expect(report.invariants.map((i) => i.pass)).to.deep.equal([true, true, true, true, true]);
    expect(report.summary.fills).to.be.greaterThan(0);
    expect(report.summary.boundedMarket.status).to.equal("Settled");
    const { book, backstop, adl } = report.summary.liquidations;
    expect(book + backstop + adl, "liquidations in the crash").to.be.greaterThan(0);
    expect(BigInt(report.summary.adlClosedWad) <= BigInt(report.summary.shortfallWad)).to.equal(true);
    const html = readFileSync(path.join(dir, stamp, "report.html"), "utf8");
    expect(html).to.not.match(/<script[^>]+src=|<link[^>]+href="https?:/);
    expect(html).to.match(/PASS/);
  });
});
