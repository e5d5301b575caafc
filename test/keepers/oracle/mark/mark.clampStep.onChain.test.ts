/** clampStep against the real OracleRegistry: clamped pushes land; one wei past the unclamped limit reverts. */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { clampStep } from "../../../../keepers/oracle/mark";
import { MarketKind } from "../../../../keepers/sdk/markets";
import { btcUsd, eventMarket, HyperCoreMode } from "../../../../deploy/params";
import { BTC_USD, deployKeel, SENATE22_R, wad, type KeelFixture } from "../../../fixtures/keel";

const WAD = 10n ** 18n;

async function push(f: KeelFixture, marketId: number, priceWad: bigint) {
  const ts = BigInt(await time.latest()) + 1n;
  await time.setNextBlockTimestamp(ts);
  return f.oracle.pushPrices([marketId], [priceWad], [priceWad], ts);
}

describe("mark: clampStep on chain", () => {
  it("keeps BTC-USD pushes within OracleRegistry's relative guard", async () => {
    const f = await deployKeel();
    const deviation = btcUsd(HyperCoreMode.None).oracle.maxPushDeviationWad;
    let last = wad("60000.123456789012345678");
    await push(f, BTC_USD, last);
    for (const target of [wad(70_000), wad(50_000), wad(65_432)]) {
      const next = clampStep(MarketKind.Asset, last, target, deviation);
      await push(f, BTC_USD, next);
      last = next;
    }
    // Full guard (safety 1) lands exactly on the limit; a wei more reverts: the mirror is exact.
    const edge = clampStep(MarketKind.Asset, last, wad(100_000), deviation, WAD);
    expect(edge - last).to.equal((last * deviation) / WAD);
    const ts = BigInt(await time.latest()) + 1n;
    await time.setNextBlockTimestamp(ts);
    await expect(f.oracle.pushPrices([BTC_USD], [edge + 1n], [edge + 1n], ts)).to.be.revertedWithCustomError(
      f.oracle,
      "OracleDeviationExceeded",
    );
    await push(f, BTC_USD, edge);
  });

  it("keeps SENATE22-R pushes within the absolute guard", async () => {
    const f = await deployKeel();
    const deviation = eventMarket().oracle.maxPushDeviationWad;
    const last = wad("0.4");
    await push(f, SENATE22_R, last);
    const next = clampStep(MarketKind.Bounded, last, wad("0.9"), deviation);
    expect(next).to.equal(wad("0.4495"));
    await push(f, SENATE22_R, next);
    const edge = clampStep(MarketKind.Bounded, next, wad("0.9"), deviation, WAD);
    const ts = BigInt(await time.latest()) + 1n;
    await time.setNextBlockTimestamp(ts);
    await expect(f.oracle.pushPrices([SENATE22_R], [edge + 1n], [edge + 1n], ts)).to.be.revertedWithCustomError(
      f.oracle,
      "OracleDeviationExceeded",
    );
    await push(f, SENATE22_R, edge);
  });
});
