import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { BTC_USD, SENATE22_R, deployKeel, wad } from "../../fixtures/keel";
import { HyperCoreMode, MarketKind, btcUsd } from "../../../deploy/params";
import {
  BTC_ORACLE,
  BTC_TRADING,
  EVENT_ORACLE,
  EVENT_TRADING,
  MarketStatus,
  PriceSource,
  WAD,
  btcKeeperSnapshot,
  expectSnapshot,
  push,
  pushOne,
} from "./helpers";

// OracleMarketNotPriced is not tested here: it needs a Resolved or Settled market, and no function of the
// MarketRegistry moves a market past Resolving yet (test/contracts/lifecycle/frozenMarket.test.ts reaches it by
// writing the status into storage). Unlisted ids revert the registry's MarketNotFound, tested below.
describe("OracleRegistry.pushPrices", function () {
  describe("storing prices", function () {
    it("stores index, mark, timestamp, maxStalenessSec, source Keeper, reporter; emits the event", async function () {
      const { oracle, deployer } = await deployKeel();
      const timestamp = await time.latest();

      await expect(pushOne(oracle, BTC_USD, wad(95_000), wad(95_010), timestamp))
        .to.emit(oracle, "PricesPushed")
        .withArgs(BTC_USD, wad(95_000), wad(95_010), timestamp, PriceSource.Keeper, deployer.address);

      await expectSnapshot(oracle, BTC_USD, btcKeeperSnapshot(wad(95_000), wad(95_010), timestamp, deployer.address));
    });

    it("stores several markets in one push, each with its own staleness and event", async function () {
      const { oracle, deployer } = await deployKeel();
      const timestamp = await time.latest();

      const tx = push(oracle, [BTC_USD, SENATE22_R], [wad(95_000), wad("0.6")], [wad(95_010), wad("0.61")], timestamp);
      await expect(tx)
        .to.emit(oracle, "PricesPushed")
        .withArgs(BTC_USD, wad(95_000), wad(95_010), timestamp, PriceSource.Keeper, deployer.address);
      await expect(tx)
        .to.emit(oracle, "PricesPushed")
        .withArgs(SENATE22_R, wad("0.6"), wad("0.61"), timestamp, PriceSource.Keeper, deployer.address);

      await expectSnapshot(oracle, BTC_USD, btcKeeperSnapshot(wad(95_000), wad(95_010), timestamp, deployer.address));
      await expectSnapshot(oracle, SENATE22_R, {
        indexWad: wad("0.6"),
        markWad: wad("0.61"),
        timestamp,
        maxStalenessSec: EVENT_ORACLE.maxStalenessSec,
        source: PriceSource.Keeper,
        hyperCoreL1Block: 0,
        reporter: deployer.address,
      });
    });

    it("skips the deviation clamp on a market's first push, and applies it from the second", async function () {
      const { oracle } = await deployKeel();
      // Anywhere in bounds is accepted when there is no last price to move from.
      await pushOne(oracle, BTC_USD, BTC_TRADING.maxPriceWad, BTC_TRADING.minPriceWad);
      expect((await oracle.snapshot(BTC_USD)).indexWad).to.equal(BTC_TRADING.maxPriceWad);

      const maxDelta = (BTC_TRADING.maxPriceWad * BTC_ORACLE.maxPushDeviationWad) / WAD;
      await expect(pushOne(oracle, BTC_USD, BTC_TRADING.minPriceWad, BTC_TRADING.minPriceWad))
        .to.be.revertedWithCustomError(oracle, "OracleDeviationExceeded")
        .withArgs(BTC_USD, BTC_TRADING.maxPriceWad, BTC_TRADING.minPriceWad, maxDelta);
    });

    it("accepts prices for a Draft market", async function () {
      const { oracle, registry, deployer } = await deployKeel();
      await registry.listMarket("ETH-USD-DRAFT", MarketKind.Asset, btcUsd(HyperCoreMode.None));
      const marketId = Number(await registry.marketIdBySymbol("ETH-USD-DRAFT"));
      expect(await registry.marketStatus(marketId)).to.equal(MarketStatus.Draft);
      const timestamp = await time.latest();

      await expect(pushOne(oracle, marketId, wad(3_000), wad(3_001), timestamp))
        .to.emit(oracle, "PricesPushed")
        .withArgs(marketId, wad(3_000), wad(3_001), timestamp, PriceSource.Keeper, deployer.address);
      expect(await oracle.prices(marketId)).to.deep.equal([wad(3_000), wad(3_001)]);
    });

    it("accepts a push dated exactly the block time, and one exactly maxStalenessSec old", async function () {
      const { oracle } = await deployKeel();
      const blockTime = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(blockTime);
      await pushOne(oracle, BTC_USD, wad(95_000), wad(95_000), blockTime);
      expect((await oracle.snapshot(BTC_USD)).timestamp).to.equal(blockTime);

      const later = blockTime + 1_000;
      await time.setNextBlockTimestamp(later);
      await pushOne(oracle, SENATE22_R, wad("0.5"), wad("0.5"), later - EVENT_ORACLE.maxStalenessSec);
      expect((await oracle.snapshot(SENATE22_R)).timestamp).to.equal(later - EVENT_ORACLE.maxStalenessSec);
    });
  });

  describe("guards", function () {
    it("reverts OracleLengthMismatch when the index or mark array is not as long as the market ids", async function () {
      const { oracle } = await deployKeel();
      const timestamp = await time.latest();
      await expect(oracle.pushPrices([BTC_USD, SENATE22_R], [wad(95_000)], [wad(95_000), wad("0.5")], timestamp))
        .to.be.revertedWithCustomError(oracle, "OracleLengthMismatch")
        .withArgs(2, 1, 2);
      await expect(oracle.pushPrices([BTC_USD], [wad(95_000)], [], timestamp))
        .to.be.revertedWithCustomError(oracle, "OracleLengthMismatch")
        .withArgs(1, 1, 0);
    });

    it("reverts OracleTimestampInFuture for a timestamp after the block time", async function () {
      const { oracle } = await deployKeel();
      const blockTime = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(blockTime);
      await expect(pushOne(oracle, BTC_USD, wad(95_000), wad(95_000), blockTime + 1))
        .to.be.revertedWithCustomError(oracle, "OracleTimestampInFuture")
        .withArgs(blockTime + 1, blockTime);
    });

    it("reverts OracleTimestampNotIncreasing for a timestamp equal to or older than the last", async function () {
      const { oracle } = await deployKeel();
      const timestamp = await time.latest();
      await pushOne(oracle, BTC_USD, wad(95_000), wad(95_000), timestamp);

      await expect(pushOne(oracle, BTC_USD, wad(95_000), wad(95_000), timestamp))
        .to.be.revertedWithCustomError(oracle, "OracleTimestampNotIncreasing")
        .withArgs(BTC_USD, timestamp, timestamp);
      await expect(pushOne(oracle, BTC_USD, wad(95_000), wad(95_000), timestamp - 1))
        .to.be.revertedWithCustomError(oracle, "OracleTimestampNotIncreasing")
        .withArgs(BTC_USD, timestamp - 1, timestamp);
    });

    it("reverts OracleTimestampNotIncreasing when one push names a market twice", async function () {
      const { oracle } = await deployKeel();
      const timestamp = await time.latest();
      await expect(
        push(oracle, [SENATE22_R, SENATE22_R], [wad("0.5"), wad("0.5")], [wad("0.5"), wad("0.5")], timestamp),
      )
        .to.be.revertedWithCustomError(oracle, "OracleTimestampNotIncreasing")
        .withArgs(SENATE22_R, timestamp, timestamp);
    });

    it("reverts OracleTimestampTooOld for a timestamp over maxStalenessSec before the block time", async function () {
      const { oracle } = await deployKeel();
      const blockTime = (await time.latest()) + 1_000;

      await time.setNextBlockTimestamp(blockTime);
      const btcTooOld = blockTime - BTC_ORACLE.maxStalenessSec - 1;
      await expect(pushOne(oracle, BTC_USD, wad(95_000), wad(95_000), btcTooOld))
        .to.be.revertedWithCustomError(oracle, "OracleTimestampTooOld")
        .withArgs(BTC_USD, btcTooOld, blockTime);

      await time.setNextBlockTimestamp(blockTime + 1);
      const eventTooOld = blockTime + 1 - EVENT_ORACLE.maxStalenessSec - 1;
      await expect(pushOne(oracle, SENATE22_R, wad("0.5"), wad("0.5"), eventTooOld))
        .to.be.revertedWithCustomError(oracle, "OracleTimestampTooOld")
        .withArgs(SENATE22_R, eventTooOld, blockTime + 1);
    });

    it("reverts OraclePriceOutOfBounds for an ASSET index or mark outside [minPrice, maxPrice]", async function () {
      const { oracle } = await deployKeel();
      const { minPriceWad: min, maxPriceWad: max } = BTC_TRADING;

      await expect(pushOne(oracle, BTC_USD, min - 1n, wad(95_000)))
        .to.be.revertedWithCustomError(oracle, "OraclePriceOutOfBounds")
        .withArgs(BTC_USD, min - 1n, min, max);
      await expect(pushOne(oracle, BTC_USD, wad(95_000), max + 1n))
        .to.be.revertedWithCustomError(oracle, "OraclePriceOutOfBounds")
        .withArgs(BTC_USD, max + 1n, min, max);

      await pushOne(oracle, BTC_USD, min, max);
      expect(await oracle.prices(BTC_USD)).to.deep.equal([min, max]);
    });

    it("reverts OraclePriceOutOfBounds for a BOUNDED price outside [ε, 1−ε] while Active", async function () {
      const { oracle, registry } = await deployKeel();
      expect(await registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Active);
      const { minPriceWad: epsilon, maxPriceWad: oneMinusEpsilon } = EVENT_TRADING;

      await expect(pushOne(oracle, SENATE22_R, epsilon - 1n, wad("0.5")))
        .to.be.revertedWithCustomError(oracle, "OraclePriceOutOfBounds")
        .withArgs(SENATE22_R, epsilon - 1n, epsilon, oneMinusEpsilon);
      await expect(pushOne(oracle, SENATE22_R, wad("0.5"), oneMinusEpsilon + 1n))
        .to.be.revertedWithCustomError(oracle, "OraclePriceOutOfBounds")
        .withArgs(SENATE22_R, oneMinusEpsilon + 1n, epsilon, oneMinusEpsilon);
      await expect(pushOne(oracle, SENATE22_R, 0n, wad("0.5")))
        .to.be.revertedWithCustomError(oracle, "OraclePriceOutOfBounds")
        .withArgs(SENATE22_R, 0n, epsilon, oneMinusEpsilon);

      await pushOne(oracle, SENATE22_R, epsilon, oneMinusEpsilon);
      expect(await oracle.prices(SENATE22_R)).to.deep.equal([epsilon, oneMinusEpsilon]);
    });

    it("accepts a BOUNDED price anywhere in [0, 1] once Resolving, and nothing above 1", async function () {
      const { oracle, registry } = await deployKeel();
      await registry.beginResolving(SENATE22_R);
      expect(await registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Resolving);

      await expect(pushOne(oracle, SENATE22_R, wad("0.5"), WAD + 1n))
        .to.be.revertedWithCustomError(oracle, "OraclePriceOutOfBounds")
        .withArgs(SENATE22_R, WAD + 1n, 0n, WAD);

      await pushOne(oracle, SENATE22_R, 0n, WAD);
      expect(await oracle.prices(SENATE22_R)).to.deep.equal([0n, WAD]);
    });

    it("lets a Resolving BOUNDED price converge to 0 or 1 from the last price within the deviation", async function () {
      const { oracle, registry } = await deployKeel();
      await pushOne(oracle, SENATE22_R, wad("0.03"), wad("0.97"));
      await registry.beginResolving(SENATE22_R);

      await pushOne(oracle, SENATE22_R, 0n, WAD);
      expect(await oracle.prices(SENATE22_R)).to.deep.equal([0n, WAD]);
    });

    it("reverts OracleDeviationExceeded for an ASSET move of more than 2% of the last price", async function () {
      const { oracle } = await deployKeel();
      const last = wad(100_000);
      const maxDelta = (last * BTC_ORACLE.maxPushDeviationWad) / WAD;
      expect(maxDelta).to.equal(wad(2_000));
      await pushOne(oracle, BTC_USD, last, last);

      await expect(pushOne(oracle, BTC_USD, last + maxDelta + 1n, last))
        .to.be.revertedWithCustomError(oracle, "OracleDeviationExceeded")
        .withArgs(BTC_USD, last, last + maxDelta + 1n, maxDelta);
      await expect(pushOne(oracle, BTC_USD, last - maxDelta - 1n, last))
        .to.be.revertedWithCustomError(oracle, "OracleDeviationExceeded")
        .withArgs(BTC_USD, last, last - maxDelta - 1n, maxDelta);
      await expect(pushOne(oracle, BTC_USD, last, last + maxDelta + 1n))
        .to.be.revertedWithCustomError(oracle, "OracleDeviationExceeded")
        .withArgs(BTC_USD, last, last + maxDelta + 1n, maxDelta);

      await pushOne(oracle, BTC_USD, last + maxDelta, last - maxDelta);
      expect(await oracle.prices(BTC_USD)).to.deep.equal([wad(102_000), wad(98_000)]);
    });

    it("reverts OracleDeviationExceeded for a BOUNDED move of more than 0.05 (absolute)", async function () {
      const { oracle } = await deployKeel();
      const last = wad("0.5");
      const maxDelta = EVENT_ORACLE.maxPushDeviationWad;
      expect(maxDelta).to.equal(wad("0.05"));
      await pushOne(oracle, SENATE22_R, last, last);

      await expect(pushOne(oracle, SENATE22_R, last + maxDelta + 1n, last))
        .to.be.revertedWithCustomError(oracle, "OracleDeviationExceeded")
        .withArgs(SENATE22_R, last, last + maxDelta + 1n, maxDelta);
      await expect(pushOne(oracle, SENATE22_R, last, last - maxDelta - 1n))
        .to.be.revertedWithCustomError(oracle, "OracleDeviationExceeded")
        .withArgs(SENATE22_R, last, last - maxDelta - 1n, maxDelta);

      await pushOne(oracle, SENATE22_R, last + maxDelta, last - maxDelta);
      expect(await oracle.prices(SENATE22_R)).to.deep.equal([wad("0.55"), wad("0.45")]);
    });

    it("reverts the registry's MarketNotFound for a market id never listed", async function () {
      const { oracle, registry } = await deployKeel();
      await expect(pushOne(oracle, 99, wad(95_000), wad(95_000)))
        .to.be.revertedWithCustomError(registry, "MarketNotFound")
        .withArgs(99);
    });

    it("reverts the whole push when one market fails a guard", async function () {
      const { oracle } = await deployKeel();
      const { minPriceWad: epsilon, maxPriceWad: oneMinusEpsilon } = EVENT_TRADING;
      await expect(push(oracle, [BTC_USD, SENATE22_R], [wad(95_000), wad("0.5")], [wad(95_000), WAD]))
        .to.be.revertedWithCustomError(oracle, "OraclePriceOutOfBounds")
        .withArgs(SENATE22_R, WAD, epsilon, oneMinusEpsilon);
      expect((await oracle.snapshot(BTC_USD)).timestamp, "BTC-USD not stored").to.equal(0);
    });
  });
});
