/**
 * `keel-keeper settlement` as an operator runs it: `--help` documents every option and the key's environment
 * variable, a missing key or address fails with an actionable message, `--deployments` reads hardhat-deploy's
 * files, and `--reconcile-only` exits 0 when the journal equals the chain and 1 when it does not.
 */
import { expect } from "chai";
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { wad } from "../../fixtures/keel";
import { positionManagerAddress, SettlementConfigError } from "../../../keepers/settlement/command";
import { Journal } from "../../../keepers/settlement/journal";
import {
  MATCHER_KEY,
  OrderDesk,
  pipelineFor,
  pushBtcPrice,
  startRpcServer,
  tempJournalPath,
  tradingFixture,
} from "./helpers";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const SOME_ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

/** The environment without a matcher key (a developer's shell may hold one). */
function withoutKey(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.KEEL_PRIVATE_KEY;
  return copy;
}

/** Runs the CLI with `args` and `env` added to a clean environment. */
function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const inherited = withoutKey(process.env);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "keepers/cli.ts", ...args],
      { cwd: REPO_ROOT, env: { ...inherited, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("keel-keeper settlement", function () {
  it("documents its options and the private key's environment variable in --help", async function () {
    const { code, stdout } = await cli(["settlement", "--help"]);
    expect(code).to.equal(0);
    for (const option of [
      "--rpc-url",
      "--journal",
      "--position-manager",
      "--deployments",
      "--network",
      "--gas-budget",
      "--once",
      "--reconcile-only",
      "KEEL_PRIVATE_KEY",
      "KEEL_RPC_URL",
      "KEEL_JOURNAL",
    ]) {
      expect(stdout).to.include(option);
    }
    expect(stdout).to.not.match(/--private-key/);
  });

  it("fails with an actionable message without KEEL_PRIVATE_KEY", async function () {
    const { code, stderr } = await cli(["settlement", "--once", "--position-manager", SOME_ADDRESS]);
    expect(code).to.equal(1);
    expect(stderr).to.match(/KEEL_PRIVATE_KEY must hold the matcher's 32-byte hex private key/);
  });

  it("reads the PositionManager address from hardhat-deploy's deployment files", function () {
    const dir = mkdtempSync(path.join(tmpdir(), "keel-deployments-"));
    mkdirSync(path.join(dir, "devnet"));
    writeFileSync(
      path.join(dir, "devnet", "PositionManager.json"),
      JSON.stringify({ address: SOME_ADDRESS.toLowerCase() }),
    );
    expect(positionManagerAddress({ deployments: dir, network: "devnet" })).to.equal(SOME_ADDRESS);
    expect(() => positionManagerAddress({ deployments: dir, network: "mainnet" })).to.throw(
      SettlementConfigError,
      /Cannot read/,
    );
    expect(() => positionManagerAddress({})).to.throw(SettlementConfigError, /--position-manager/);
  });

  it("--reconcile-only exits 0 when the journal equals the chain and 1 when an order disagrees", async function () {
    const { f, traders } = await tradingFixture();
    await pushBtcPrice(f);
    const rpc = await startRpcServer();
    const journalPath = tempJournalPath();
    const journal = Journal.open(journalPath);
    try {
      const desk = await OrderDesk.of(f);
      await desk.journalPair(journal, traders[0], traders[1], "buy", wad("0.01"));
      await pipelineFor(f, rpc, journal).flush();
      const args = ["settlement", "--reconcile-only", "--rpc-url", rpc.url, "--journal", journalPath];
      const env = { KEEL_PRIVATE_KEY: MATCHER_KEY, KEEL_POSITION_MANAGER: f.pm.target as string };

      expect((await cli(args, env)).code).to.equal(0);
      const db = new Database(journalPath);
      db.exec(`UPDATE fills SET size_wad = '${wad("0.02")}'`);
      db.close();
      const disagree = await cli(args, env);
      expect(disagree.code).to.equal(1);
      expect(disagree.stdout).to.match(/journal and chain disagree on an order/);
    } finally {
      journal.close();
      await rpc.close();
    }
  });

  it("runs until SIGTERM with /health served, settling fills journaled while it runs, then flushes and exits 0", async function () {
    const { f, traders } = await tradingFixture();
    await pushBtcPrice(f);
    const rpc = await startRpcServer();
    const journalPath = tempJournalPath();
    const journal = Journal.open(journalPath);
    const inherited = withoutKey(process.env);
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "keepers/cli.ts", "settlement", "--rpc-url", rpc.url],
      {
        cwd: REPO_ROOT,
        env: {
          ...inherited,
          KEEL_PRIVATE_KEY: MATCHER_KEY,
          KEEL_JOURNAL: journalPath,
          KEEL_POSITION_MANAGER: f.pm.target as string,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await until(() => output.includes("settlement starting"), "the keeper to start");
      const desk = await OrderDesk.of(f);
      const first = await desk.journalPair(journal, traders[0], traders[1], "buy", wad("0.01"));
      await until(
        () => journal.fills({ status: "settled" }).some((fill) => fill.id === first.id),
        "the fill to settle",
      );
      await until(() => /"health":"http[^"]+"/.test(output), "the ops server");
      const healthUrl = /"health":"(http[^"]+)"/.exec(output)![1];
      const health = await fetch(healthUrl);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.include({ status: "ok", keeper: "settlement" });
      await desk.journalPair(journal, traders[2], traders[3], "sell", wad("0.01"));
      child.kill("SIGTERM");
      expect(await exited, output).to.equal(0);
      expect(journal.fills().map((fill) => fill.status)).to.deep.equal(["settled", "settled"]);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      journal.close();
      await rpc.close();
    }
  });
});

/** Polls `condition` every 50 ms; throws after 20 s naming what it waited for. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
