/**
 * `npm run devnet` as an operator runs it: `scripts/devnet.ts` on a free port with a temporary work dir starts the
 * Hardhat node, deploys, and starts every keeper as its own process, each signing with its own Hardhat account; every
 * keeper's /health answers 200 and the gateway lists both local markets; SIGINT then stops every process and the
 * devnet exits 0.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import {
  InsuranceFund__factory,
  OracleRegistry__factory,
  PositionManager__factory,
} from "../../../keepers/sdk/typechain";
import { KEEPER_NAMES, KEEPER_ROLES } from "../../../scripts/devnet/keepers";
import type { DevnetSummary } from "../../../scripts/devnet/summary";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const TS_NODE = require.resolve("ts-node/dist/bin.js");

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a process with `pid` exists (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

describe("npm run devnet: node, deploy and every keeper as its own process, stopped by SIGINT", function () {
  this.timeout(90_000);
  let workDir: string;
  let devnet: ChildProcessWithoutNullStreams;
  let output = "";
  let summary: DevnetSummary;

  before(async function () {
    workDir = mkdtempSync(path.join(tmpdir(), "keel-devnet-"));
    const port = await freePort();
    devnet = spawn(
      process.execPath,
      [
        TS_NODE,
        "--transpile-only",
        "scripts/devnet.ts",
        "--port",
        String(port),
        "--gateway-port",
        "0",
        "--ops-port",
        "0",
      ].concat(["--work-dir", workDir]),
      { cwd: REPO_ROOT, env: process.env },
    );
    devnet.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    devnet.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const summaryFile = path.join(workDir, "devnet.json");
    const deadline = Date.now() + 80_000;
    while (!existsSync(summaryFile)) {
      if (devnet.exitCode !== null) throw new Error(`devnet exited (${devnet.exitCode}) before running:\n${output}`);
      if (Date.now() > deadline) throw new Error(`devnet did not start within 80 s:\n${output}`);
      await sleep(250);
    }
    summary = JSON.parse(readFileSync(summaryFile, "utf8")) as DevnetSummary;
  });

  after(async function () {
    // Only after a failure is anything left: kill it so that no test leaves processes behind.
    if (devnet?.exitCode === null) devnet.kill("SIGKILL");
    // Each child leads its own process group (the devnet spawns them detached).
    for (const p of summary?.processes ?? []) if (p.pid !== undefined && alive(p.pid)) process.kill(-p.pid, "SIGKILL");
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("runs every keeper, each answering /health with 200, and the gateway lists both markets", async function () {
    const expected = KEEPER_NAMES.filter((name) => name !== "oracle" || summary.oracleSkipped === undefined);
    expect(summary.processes.map((p) => p.name)).to.have.members(["node", ...expected], summary.oracleSkipped);

    const unhealthy = new Map<string, string>();
    await Promise.all(
      summary.processes
        .filter((p) => p.healthUrl !== undefined)
        .map(async (p) => {
          const deadline = Date.now() + 20_000;
          for (;;) {
            const response = await fetch(p.healthUrl as string).catch((error: Error) => error);
            if (!(response instanceof Error) && response.status === 200) return unhealthy.delete(p.name);
            const why = response instanceof Error ? response.message : `${response.status} ${await response.text()}`;
            unhealthy.set(p.name, why);
            if (Date.now() > deadline) return;
            await sleep(500);
          }
        }),
    );
    expect(Object.fromEntries(unhealthy), "keepers whose /health did not answer 200").to.deep.equal({});

    const { markets } = (await (await fetch(`${summary.gatewayUrl}/v1/markets`)).json()) as {
      markets: { symbol: string }[];
    };
    expect(markets.map((m) => m.symbol)).to.have.members(["BTC-USD", "SENATE22-R"]);
  });

  it("gives every signing keeper its own account, holding the keeper's role on chain", async function () {
    const signing = summary.processes.filter((p) => p.account !== undefined);
    expect(signing.map((p) => p.account?.role)).to.have.members(
      Object.values(KEEPER_ROLES).filter((role) => role !== undefined),
    );
    expect(new Set(signing.map((p) => p.account?.address)).size).to.equal(signing.length);

    const provider = new JsonRpcProvider(summary.rpcUrl, undefined, { staticNetwork: true });
    const at = (name: string) =>
      (
        JSON.parse(readFileSync(path.join(summary.deploymentsDir, "localhost", `${name}.json`), "utf8")) as {
          address: string;
        }
      ).address;
    const pm = PositionManager__factory.connect(at("PositionManager"), provider);
    const oracle = OracleRegistry__factory.connect(at("OracleRegistry"), provider);
    const fund = InsuranceFund__factory.connect(at("InsuranceFund"), provider);
    try {
      for (const p of signing) {
        const { role, address } = p.account!;
        const contract = role === "ORACLE_ROLE" ? oracle : role === "BACKSTOP_OPERATOR_ROLE" ? fund : pm;
        const roleId = await contract.getFunction(role).staticCall();
        expect(await contract.hasRole(roleId, address), `${p.name} (${address}) holds ${role}`).to.equal(true);
      }
      // The deployer keeps none of the keepers' roles: each role went to its own account only.
      const deployer = (await provider.send("eth_accounts", []))[0] as string;
      expect(await pm.hasRole(await pm.MATCHER_ROLE(), deployer)).to.equal(false);
    } finally {
      provider.destroy();
    }
  });

  it("stops every process on SIGINT and exits 0", async function () {
    expect(devnet.exitCode, `devnet exited on its own:\n${output}`).to.equal(null);
    const exited = new Promise<number | null>((resolve) => devnet.once("exit", (code) => resolve(code)));
    devnet.kill("SIGINT");
    expect(await exited, output).to.equal(0);
    const pids = summary.processes.map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
    expect(pids).to.have.length(summary.processes.length);
    expect(pids.filter(alive), "processes still running").to.deep.equal([]);
    expect(output).to.match(/Devnet stopped\.\n/);
  });
});
