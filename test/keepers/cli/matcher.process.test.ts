/**
 * `keel-keeper matcher` as an operator runs it: its own process, configured by KEEL_* variables, against a JSON-RPC
 * endpoint and a hardhat-deploy folder. It serves the gateway, `/health` with the last processed block and
 * `/metrics`, and exits 0 on SIGTERM after stopping intake; a bad setting stops it at once with a message naming the
 * variable to fix.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { deployKeel, keelAddresses, type KeelFixture } from "../../fixtures/keel";
import { defaultPrices } from "../../contracts/trading/helpers";
import { startRpcServer, type RpcEndpoint } from "../settlement/helpers";

const CLI = path.resolve(__dirname, "../../../bin/keel-keeper.js");

describe("keel-keeper matcher: a keeper process with a gateway, /health, /metrics and a graceful stop", function () {
  this.timeout(120_000);
  let f: KeelFixture;
  let rpc: RpcEndpoint;
  let dir: string;

  before(async function () {
    f = await deployKeel();
    await defaultPrices(f);
    rpc = await startRpcServer();
    dir = mkdtempSync(path.join(tmpdir(), "keel-cli-"));
    await writeDeployment(f, path.join(dir, "deployments", "test"));
  });

  after(async function () {
    await rpc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(env: Record<string, string>): ChildProcessWithoutNullStreams {
    return spawn(process.execPath, [CLI, "matcher"], {
      env: {
        ...process.env,
        KEEL_RPC_URL: rpc.url,
        KEEL_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
        KEEL_NETWORK: "test",
        KEEL_JOURNAL: path.join(dir, "journal.sqlite"),
        KEEL_GATEWAY_PORT: "0",
        KEEL_OPS_PORT: "0",
        KEEL_POLL_INTERVAL_MS: "100",
        ...env,
      },
    });
  }

  it("serves markets, health and metrics, then exits 0 on SIGTERM", async function () {
    const child = start({});
    const lines = collectJsonLines(child);
    const listening = await lines.waitFor((l) => l.msg === "matcher gateway listening");
    const running = await lines.waitFor((l) => typeof l.health === "string");

    const markets = (await (await fetch(`${listening.url as string}/v1/markets`)).json()) as { markets: unknown[] };
    expect(markets.markets).to.have.length(2);
    const health = await fetch(running.health as string);
    expect(health.status).to.equal(200);
    const body = (await health.json()) as { status: string; keeper: string; lastProcessedBlock: number };
    expect(body).to.include({ status: "ok", keeper: "matcher" });
    expect(body.lastProcessedBlock).to.be.at.least(await ethers.provider.getBlockNumber());
    const metrics = await (await fetch(running.metrics as string)).text();
    expect(metrics).to.match(/process_cpu_seconds_total/);

    child.kill("SIGTERM");
    const code = await exitCode(child);
    expect(code).to.equal(0);
  });

  it("refuses a malformed RPC URL with a message naming KEEL_RPC_URL and exit code 2", async function () {
    const child = start({ KEEL_RPC_URL: "not a url" });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitCode(child)).to.equal(2);
    expect(stderr)
      .to.match(/rpcUrl/)
      .and.to.match(/KEEL_RPC_URL/);
  });
});

async function writeDeployment(f: KeelFixture, folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  for (const [name, address] of Object.entries(keelAddresses(f)))
    writeFileSync(path.join(folder, `${name}.json`), JSON.stringify({ address }));
  writeFileSync(path.join(folder, ".chainId"), String((await ethers.provider.getNetwork()).chainId));
}

type JsonLine = Record<string, unknown>;

function collectJsonLines(child: ChildProcessWithoutNullStreams) {
  const seen: JsonLine[] = [];
  const waiters: { match: (l: JsonLine) => boolean; resolve: (l: JsonLine) => void }[] = [];
  let buffer = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      let line: JsonLine;
      try {
        line = JSON.parse(text) as JsonLine;
      } catch {
        continue;
      }
      seen.push(line);
      for (const w of waiters.filter((w) => w.match(line))) w.resolve(line);
    }
  });
  return {
    waitFor(match: (l: JsonLine) => boolean, timeoutMs = 60_000): Promise<JsonLine> {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line; stderr: ${stderr}`)), timeoutMs);
        child.once("exit", (code) => reject(new Error(`keeper exited (${code}) early; stderr: ${stderr}`)));
        waiters.push({
          match,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
  };
}

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}
