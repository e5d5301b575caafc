/**
 * `keel-keeper matcher` as an operator runs it: its own process, configured by KEEL_* variables, against a JSON-RPC
 * endpoint and a hardhat-deploy folder. It serves the gateway, `/health` with the last processed block and
 * `/metrics`, and exits 0 on SIGTERM after stopping intake; a bad setting stops it at once with a message naming the
 * variable to fix.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { deployKeel } from "../../fixtures/keel";
import { defaultPrices } from "../../contracts/trading/helpers";
import { collectJsonLines, exitCode, startKeeperHost, type KeeperHost } from "./helpers";

describe("keel-keeper matcher: a keeper process with a gateway, /health, /metrics and a graceful stop", function () {
  this.timeout(120_000);
  let host: KeeperHost;

  before(async function () {
    const f = await deployKeel();
    await defaultPrices(f);
    host = await startKeeperHost(f);
  });

  after(async function () {
    await host.close();
  });

  function start(env: Record<string, string>): ChildProcessWithoutNullStreams {
    return host.spawn(["matcher"], {
      KEEL_JOURNAL: path.join(host.dir, "journal.sqlite"),
      KEEL_GATEWAY_PORT: "0",
      ...env,
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
