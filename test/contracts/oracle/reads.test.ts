import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { BTC_USD, SENATE22_R, deployKeel, wad } from "../../fixtures/keel";
import { HyperCoreMode } from "../../../deploy/params";
import type { OracleRegistry } from "../../../keepers/sdk/typechain";
import {
  BTC_ORACLE,
  EVENT_ORACLE,
  PriceSource,
  btcKeeperSnapshot,
  expectSnapshot,
  pushOne,
  setHyperCoreMode,
} from "./helpers";

/** Asserts that every fresh read of `marketId` reverts `OracleStale` with exactly these arguments. */
async function expectStale(
  oracle: OracleRegistry,
  marketId: number,
  timestamp: number,
  maxStalenessSec: number,
  now: number,
): Promise<void> {
  expect(await oracle.isFresh(marketId), "isFresh").to.equal(false);
  const reads = [() => oracle.markPrice(marketId), () => oracle.indexPrice(marketId), () => oracle.prices(marketId)];
  for (const read of reads) {
    await expect(read())
      .to.be.revertedWithCustomError(oracle, "OracleStale")
      .withArgs(marketId, timestamp, maxStalenessSec, now);
  }
}

describe("OracleRegistry reads", function () {
  it("markPrice, indexPrice and prices return the last pushed prices while fresh", async function () {
    const { oracle } = await deployKeel();
    await pushOne(oracle, BTC_USD, wad(95_000), wad(95_010));

    expect(await oracle.isFresh(BTC_USD)).to.equal(true);
    expect(await oracle.indexPrice(BTC_USD)).to.equal(wad(95_000));
    expect(await oracle.markPrice(BTC_USD)).to.equal(wad(95_010));
    const [indexWad, markWad] = await oracle.prices(BTC_USD);
    expect(indexWad).to.equal(wad(95_000));
    expect(markWad).to.equal(wad(95_010));
  });

  it("is fresh at exactly timestamp + maxStalenessSec and reverts OracleStale one second later", async function () {
    const { oracle } = await deployKeel();
    const timestamp = await time.latest();
    await pushOne(oracle, BTC_USD, wad(95_000), wad(95_010), timestamp);

    await time.increaseTo(timestamp + BTC_ORACLE.maxStalenessSec);
    expect(await oracle.isFresh(BTC_USD)).to.equal(true);
    expect(await oracle.markPrice(BTC_USD)).to.equal(wad(95_010));

    await time.increaseTo(timestamp + BTC_ORACLE.maxStalenessSec + 1);
    const now = await time.latest();
    expect(now).to.equal(timestamp + BTC_ORACLE.maxStalenessSec + 1);
    await expectStale(oracle, BTC_USD, timestamp, BTC_ORACLE.maxStalenessSec, now);
  });

  it("uses each market's own maxStalenessSec (300 s for the event market)", async function () {
    const { oracle } = await deployKeel();
    const timestamp = await time.latest();
    await pushOne(oracle, SENATE22_R, wad("0.4"), wad("0.41"), timestamp);

    await time.increaseTo(timestamp + EVENT_ORACLE.maxStalenessSec);
    expect(await oracle.isFresh(SENATE22_R)).to.equal(true);
    expect(await oracle.prices(SENATE22_R)).to.deep.equal([wad("0.4"), wad("0.41")]);

    await time.increaseTo(timestamp + EVENT_ORACLE.maxStalenessSec + 1);
    await expectStale(oracle, SENATE22_R, timestamp, EVENT_ORACLE.maxStalenessSec, await time.latest());
  });

  it("reverts OracleStale with timestamp 0 for a market never pushed", async function () {
    const { oracle } = await deployKeel();
    await expectStale(oracle, SENATE22_R, 0, 0, await time.latest());
    // The reads do not consult the market registry: an unlisted id is simply never fresh.
    await expectStale(oracle, 99, 0, 0, await time.latest());
  });

  it("snapshot returns zeroes for a market never pushed and the last snapshot even when stale", async function () {
    const { oracle, deployer } = await deployKeel();
    const zero = {
      indexWad: 0n,
      markWad: 0n,
      timestamp: 0,
      maxStalenessSec: 0,
      source: PriceSource.None,
      hyperCoreL1Block: 0,
      reporter: "0x0000000000000000000000000000000000000000",
    };
    await expectSnapshot(oracle, BTC_USD, zero);

    const timestamp = await time.latest();
    await pushOne(oracle, BTC_USD, wad(95_000), wad(95_010), timestamp);
    await time.increaseTo(timestamp + 3_600);
    expect(await oracle.isFresh(BTC_USD)).to.equal(false);
    await expectSnapshot(oracle, BTC_USD, btcKeeperSnapshot(wad(95_000), wad(95_010), timestamp, deployer.address));
  });

  it("judges freshness by the maxStalenessSec of the push; a change applies from the next", async function () {
    const { oracle, registry } = await deployKeel();
    const timestamp = await time.latest();
    await pushOne(oracle, BTC_USD, wad(95_000), wad(95_000), timestamp);
    await setHyperCoreMode(registry, BTC_USD, HyperCoreMode.None, { maxStalenessSec: 600 });

    await time.increaseTo(timestamp + BTC_ORACLE.maxStalenessSec + 1);
    await expectStale(oracle, BTC_USD, timestamp, BTC_ORACLE.maxStalenessSec, await time.latest());

    const next = await time.latest();
    await pushOne(oracle, BTC_USD, wad(95_000), wad(95_000), next);
    expect((await oracle.snapshot(BTC_USD)).maxStalenessSec).to.equal(600);
    await time.increaseTo(next + 600);
    expect(await oracle.isFresh(BTC_USD)).to.equal(true);
    expect(await oracle.indexPrice(BTC_USD)).to.equal(wad(95_000));
  });
});
