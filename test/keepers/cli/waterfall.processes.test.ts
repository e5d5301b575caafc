/**
 * The waterfall keepers as an operator runs them, each its own `keel-keeper` process configured by KEEL_* variables:
 * `liquidator --permissionless` run by a third party with no role clears a liquidatable account on its own (flag, then
 * the backstop once `permissionlessAfterSec` = 300 s of chain time has passed); `adl` and `backstop-unwind` serve
 * `/health` and their metrics and exit 0 on SIGTERM.
 *
 * Alice holds 0.3 BTC long with 1,000 USD (bought at 60,000); at 57,000 her equity 100 is below her maintenance 171.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { Wallet } from "ethers";
import { ethers } from "hardhat";
import { BTC_USD, wad } from "../../fixtures/keel";
import type { KeelFixture } from "../../fixtures/keel";
import { backstopSetup, fundAddress, moveBtc } from "../../contracts/waterfall/backstop/helpers";
import { refreshPrices } from "../../contracts/trading/behaviourHelpers";
import { collectJsonLines, exitCode, startKeeperHost, type JsonLine, type KeeperHost } from "./helpers";

describe("keel-keeper liquidator, adl and backstop-unwind: waterfall keepers as processes", function () {
  this.timeout(120_000);
  let f: KeelFixture;
  let host: KeeperHost;

  before(async function () {
    f = await backstopSetup();
    host = await startKeeperHost(f);
  });

  after(async function () {
    await host.close();
  });

  function start(command: string[], privateKey: string): ChildProcessWithoutNullStreams {
    return host.spawn(command, { KEEL_PRIVATE_KEY: privateKey });
  }

  async function fundedKey(): Promise<Wallet> {
    const key = Wallet.createRandom();
    await f.deployer.sendTransaction({ to: key.address, value: ethers.parseEther("1") });
    return new Wallet(key.privateKey);
  }

  async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
    child.kill("SIGTERM");
    expect(await exitCode(child)).to.equal(0);
  }

  it("a third party's permissionless liquidator flags alice, waits 300 s, then has the backstop take her over", async function () {
    const key = await fundedKey();
    expect(await f.pm.hasRole(await f.pm.LIQUIDATOR_ROLE(), key.address)).to.equal(false);
    const child = start(["liquidator", "--permissionless"], key.privateKey);
    const lines = collectJsonLines(child);
    const running = await lines.waitFor((l) => typeof l.health === "string");

    await moveBtc(f, wad("57000"));
    const flagged = await lines.waitFor((l) => l.msg === "flagged liquidatable; the backstop opens to anyone later");
    expect(flagged.account).to.equal(f.alice.address);
    expect((await f.pm.canLiquidate(f.alice.address)).liquidatableSince).to.be.greaterThan(0n);

    await time.increase(301);
    await refreshPrices(f);
    const taken: JsonLine = await lines.waitFor((l) => l.msg === "backstop took the account over");
    expect(taken.account).to.equal(f.alice.address);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
    expect((await f.pm.position(await fundAddress(f), BTC_USD)).sizeWad).to.equal(wad("0.3"));
    const [takeover] = await f.pm.queryFilter(f.pm.filters.BackstopTakeover(f.alice.address));
    expect(takeover.args.caller).to.equal(key.address);

    const metrics = await (await fetch(running.metrics as string)).text();
    expect(metrics).to.match(/keel_liquidator_liquidations_total\{[^}]*stage="backstop"[^}]*\} 1\n/);
    expect(metrics).to.match(/keel_liquidator_accounts_at_risk/);
    await stop(child);
  });

  for (const command of [["adl"], ["backstop-unwind", "--gateway-url", "http://127.0.0.1:9"]]) {
    it(`${command[0]} serves /health and its metrics, then exits 0 on SIGTERM`, async function () {
      const child = start(command, (await fundedKey()).privateKey);
      const lines = collectJsonLines(child);
      const running = await lines.waitFor((l) => typeof l.health === "string");
      const health = await fetch(running.health as string);
      expect(health.status).to.equal(200);
      const body = (await health.json()) as { status: string; keeper: string; lastProcessedBlock: number };
      expect(body).to.include({ status: "ok", keeper: command[0] });
      expect(body.lastProcessedBlock).to.be.at.least(0);
      const metrics = await (await fetch(running.metrics as string)).text();
      expect(metrics).to.match(/keel_liquidator_scan_seconds/);
      await stop(child);
    });
  }
});
