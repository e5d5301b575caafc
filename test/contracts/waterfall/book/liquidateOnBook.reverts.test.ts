/**
 * liquidateOnBook refuses what stage 1 of DESIGN §8 does not allow (ILiquidationWaterfall.liquidateOnBook): a healthy
 * account, a market without a position, the per-block liquidated-notional cap, fills outside the liquidation band or
 * a maker's limit, makers on the wrong side or out of range, callers without LIQUIDATOR_ROLE and malformed calls.
 * Setup (helpers.ts liquidatableLong): alice long 0.3 BTC at 60,000 with 991.9 USD, mark 57,200: equity 151.9 <
 * MM 171.6; bob short 0.3 at 60,000 (balance 99,997.3); carol 100,000 USDC.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, fund, useSolvencyInvariant, type KeelFixture } from "../../../fixtures/keel";
import { OrderFlag } from "../../../../keepers/sdk/orders";
import { BTC_PRICE, SENATE22_R, trade } from "../../trading/helpers";
import {
  BTC_USD,
  LIQ_MARK,
  LONG_SIZE,
  extraSigner,
  liqFill,
  liquidatableLong,
  liquidate,
  makerOrder,
  markAt,
  openAt60k,
  setBtcLiquidationParams,
  usdc,
  wad,
} from "./helpers";

async function setup(): Promise<KeelFixture> {
  const f = await deployKeel();
  await liquidatableLong(f);
  return f;
}

describe("PositionManager.liquidateOnBook reverts", function () {
  useSolvencyInvariant();

  describe("LiquidationAccountHealthy", function () {
    it("refuses an account at or above maintenance, with its equity and requirement", async function () {
      const f = await setup();
      const bid = await makerOrder(f, f.carol, "sell", LONG_SIZE, LIQ_MARK);
      // bob: 100,000 − 2.7 maker fee = 99,997.3, short 0.3 in profit 0.3 · 2,800 = 840 → equity 100,837.3;
      // MM 0.3 · 57,200 · 1% = 171.6.
      await expect(liquidate(f, f.bob, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
        .to.be.revertedWithCustomError(f.pm, "LiquidationAccountHealthy")
        .withArgs(f.bob.address, wad("100837.3"), wad("171.6"));
      // An account with nothing at all: equity 0 ≥ MM 0.
      await expect(liquidate(f, f.outsider, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
        .to.be.revertedWithCustomError(f.pm, "LiquidationAccountHealthy")
        .withArgs(f.outsider.address, 0n, 0n);
    });

    it("refuses alice before the mark moved against her", async function () {
      const f = await deployKeel();
      await openAt60k(f, f.alice, "buy", LONG_SIZE, usdc(1000));
      const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, wad("60000"));
      // At 60,000: equity 991.9 + 0 ≥ MM 0.3 · 60,000 · 1% = 180.
      await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, wad("60000"))]))
        .to.be.revertedWithCustomError(f.pm, "LiquidationAccountHealthy")
        .withArgs(f.alice.address, wad("991.9"), wad("180"));
    });
  });

  it("LiquidationNoPosition: a liquidatable account in a market it does not hold", async function () {
    const f = await setup();
    const bid = await makerOrder(f, f.carol, "buy", wad("1"), wad("0.4"), { marketId: SENATE22_R });
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("1"), wad("0.4"))], { marketId: SENATE22_R }))
      .to.be.revertedWithCustomError(f.pm, "LiquidationNoPosition")
      .withArgs(f.alice.address, SENATE22_R);
  });

  describe("LiquidationBlockCapExceeded", function () {
    it("refuses a liquidation whose notional is above the market's per-block cap, accepts one at it", async function () {
      const f = await setup();
      const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
      // Closed notional 0.3 · 57,200 = 17,160 against a cap of 17,159.9.
      await setBtcLiquidationParams(f, { maxLiquidationNotionalPerBlockWad: wad("17159.9") });
      await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
        .to.be.revertedWithCustomError(f.pm, "LiquidationBlockCapExceeded")
        .withArgs(BTC_USD, wad("17160"), wad("17159.9"));
      await setBtcLiquidationParams(f, { maxLiquidationNotionalPerBlockWad: wad("17160") });
      await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)])).to.emit(f.pm, "LiquidatedOnBook");
    });

    it("adds up the liquidations of one block and starts again in the next", async function () {
      const f = await deployKeel();
      // alice and dave each long 0.3 at 60,000 with 1,000 USDC (balance 991.9), both liquidatable at 57,200.
      const dave = await extraSigner(0);
      await openAt60k(f, f.alice, "buy", LONG_SIZE, usdc(1000));
      await fund(f, dave, usdc(1000));
      await trade(f, f.carol, dave, "buy", LONG_SIZE, BTC_PRICE);
      await markAt(f, LIQ_MARK);
      await setBtcLiquidationParams(f, { maxLiquidationNotionalPerBlockWad: wad("30000") });
      const bidA = await makerOrder(f, f.bob, "buy", LONG_SIZE, LIQ_MARK);
      const bidD = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);

      // Both in one block: 17,160 + 17,160 = 34,320 > 30,000, so the second is refused. With automining off,
      // alice's liquidation waits in the pending block and dave's is simulated on top of it, in the same block.
      await network.provider.send("evm_setAutomine", [false]);
      try {
        await f.pm.liquidateOnBook(
          f.alice.address,
          BTC_USD,
          [bidA.order],
          [bidA.signature],
          [liqFill(0, LONG_SIZE, LIQ_MARK)],
          { gasLimit: 3_000_000 },
        );
        await expect(
          f.pm.liquidateOnBook.staticCall(
            dave.address,
            BTC_USD,
            [bidD.order],
            [bidD.signature],
            [liqFill(0, LONG_SIZE, LIQ_MARK)],
            { blockTag: "pending" },
          ),
        )
          .to.be.revertedWithCustomError(f.pm, "LiquidationBlockCapExceeded")
          .withArgs(BTC_USD, wad("34320"), wad("30000"));
        await network.provider.send("evm_mine");
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
      expect((await f.pm.position(dave.address, BTC_USD)).sizeWad).to.equal(LONG_SIZE);

      // The next block has its own 30,000.
      await expect(liquidate(f, dave, [bidD], [liqFill(0, LONG_SIZE, LIQ_MARK)])).to.emit(f.pm, "LiquidatedOnBook");
    });
  });

  describe("FillPriceOutsideBand", function () {
    it("refuses fills beyond 2% of the mark and accepts fills at its edge", async function () {
      const f = await setup();
      // Band: 57,200 · 2% = 1,144 → [56,056, 58,344].
      const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, wad("59000"));
      await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, wad("56055.9"))]))
        .to.be.revertedWithCustomError(f.pm, "FillPriceOutsideBand")
        .withArgs(0, wad("56055.9"), LIQ_MARK, wad("1144"));
      await expect(
        liquidate(f, f.alice, [bid], [liqFill(0, wad("0.1"), wad("58000")), liqFill(0, wad("0.1"), wad("58344.1"))]),
      )
        .to.be.revertedWithCustomError(f.pm, "FillPriceOutsideBand")
        .withArgs(1, wad("58344.1"), LIQ_MARK, wad("1144"));
      // 0.1 at 56,056 + 0.2 at 58,344: notional 5,605.6 + 11,668.8 = 17,274.4, fee 86.372.
      await expect(
        liquidate(f, f.alice, [bid], [liqFill(0, wad("0.1"), wad("56056")), liqFill(0, wad("0.2"), wad("58344"))]),
      )
        .to.emit(f.pm, "LiquidatedOnBook")
        .withArgs(f.alice.address, BTC_USD, LONG_SIZE, wad("17274.4"), wad("86.372"));
    });
  });

  it("FillPriceBeyondLimit: never fills a maker beyond its limit", async function () {
    const f = await setup();
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, wad("57000"));
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
      .to.be.revertedWithCustomError(f.pm, "FillPriceBeyondLimit")
      .withArgs(0, 0, LIQ_MARK, wad("57000"));
  });

  describe("FillIncompatibleOrders", function () {
    it("refuses a maker on the liquidated account's side, the account itself, and another market", async function () {
      const f = await setup();
      // alice's long is sold: a maker that also sells cannot take it.
      const ask = await makerOrder(f, f.carol, "sell", LONG_SIZE, LIQ_MARK);
      await expect(liquidate(f, f.alice, [ask], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
        .to.be.revertedWithCustomError(f.pm, "FillIncompatibleOrders")
        .withArgs(0);
      const own = await makerOrder(f, f.alice, "buy", LONG_SIZE, LIQ_MARK);
      const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
      await expect(
        liquidate(f, f.alice, [bid, own], [liqFill(0, wad("0.1"), LIQ_MARK), liqFill(1, wad("0.1"), LIQ_MARK)]),
      )
        .to.be.revertedWithCustomError(f.pm, "FillIncompatibleOrders")
        .withArgs(1);
      const eventBid = await makerOrder(f, f.carol, "buy", wad("1"), wad("0.4"), { marketId: SENATE22_R });
      await expect(liquidate(f, f.alice, [eventBid], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
        .to.be.revertedWithCustomError(f.pm, "FillIncompatibleOrders")
        .withArgs(0);
    });
  });

  it("FillInvalidOrderIndex: a maker index past the orders (the liquidated position is index orders.length)", async function () {
    const f = await setup();
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
    await expect(liquidate(f, f.alice, [bid], [liqFill(1, LONG_SIZE, LIQ_MARK)]))
      .to.be.revertedWithCustomError(f.pm, "FillInvalidOrderIndex")
      .withArgs(0, 1, 1);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.1"), LIQ_MARK), liqFill(7, wad("0.1"), LIQ_MARK)]))
      .to.be.revertedWithCustomError(f.pm, "FillInvalidOrderIndex")
      .withArgs(1, 7, 1);
  });

  it("FillRoleNotAllowed and FillSizeInvalid: an IOC maker, a size off the lot", async function () {
    const f = await setup();
    const ioc = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK, {
      flags: OrderFlag.Buy | OrderFlag.ImmediateOrCancel,
    });
    await expect(liquidate(f, f.alice, [ioc], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
      .to.be.revertedWithCustomError(f.pm, "FillRoleNotAllowed")
      .withArgs(0, 0, OrderFlag.Buy | OrderFlag.ImmediateOrCancel);
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.00015"), LIQ_MARK)]))
      .to.be.revertedWithCustomError(f.pm, "FillSizeInvalid")
      .withArgs(0, wad("0.00015"), wad("0.0001"));
  });

  it("AccessControlUnauthorizedAccount: only LIQUIDATOR_ROLE", async function () {
    const f = await setup();
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)], { caller: f.outsider }))
      .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
      .withArgs(f.outsider.address, await f.pm.LIQUIDATOR_ROLE());
    // Not even the account's own maker.
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)], { caller: f.carol }))
      .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
      .withArgs(f.carol.address, await f.pm.LIQUIDATOR_ROLE());
  });

  it("BatchMalformed: orders and signatures of different lengths, or no fill", async function () {
    const f = await setup();
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)], { signatures: [] }))
      .to.be.revertedWithCustomError(f.pm, "BatchMalformed")
      .withArgs(1, 0, 1);
    await expect(liquidate(f, f.alice, [bid], []))
      .to.be.revertedWithCustomError(f.pm, "BatchMalformed")
      .withArgs(1, 1, 0);
  });

  it("OracleStale: never liquidates at a stale mark", async function () {
    const f = await setup();
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
    const pushedAt = Number((await f.oracle.snapshot(BTC_USD)).timestamp);
    await time.setNextBlockTimestamp(pushedAt + 61);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
      .to.be.revertedWithCustomError(f.oracle, "OracleStale")
      .withArgs(BTC_USD, pushedAt, 60, pushedAt + 61);
  });

  describe("BatchMarginInsufficient: the maker passes its own margin check", function () {
    it("refuses a maker whose grown exposure ends below initial margin", async function () {
      const f = await setup();
      const dave = await extraSigner(0);
      await fund(f, dave, usdc(100));
      await markAt(f, LIQ_MARK);
      const bid = await makerOrder(f, dave, "buy", LONG_SIZE, LIQ_MARK);
      // dave: 100 − maker fee 17,160 · 0.015% = 97.426, long 0.3 at its own price (no PnL): equity 97.426.
      // IM: OI after = 0.3 (dave replaces alice) → imf = max(2%, 2% + 3% · 0.3 / 1,000) = 2.0009%;
      // 17,160 · 0.020009 = 343.35444.
      await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
        .to.be.revertedWithCustomError(f.pm, "BatchMarginInsufficient")
        .withArgs(0, dave.address, wad("97.426"), wad("343.35444"));
      // With 250 more USDC (equity 347.426 ≥ 343.35444) the same bid absorbs alice's position.
      await fund(f, dave, usdc(250));
      await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)])).to.emit(f.pm, "LiquidatedOnBook");
      expect((await f.pm.position(dave.address, BTC_USD)).sizeWad).to.equal(LONG_SIZE);
    });
  });
});
