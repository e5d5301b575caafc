/**
 * `settleBatch` refuses a fill that breaks the matching rules, naming the fill (and the order it offends): indexes
 * that name no order or the same one twice, orders that cannot trade with each other, a post-only taker or an IOC
 * maker, a size off the lot grid, a price off the tick grid or the market's bounds, a price beyond a limit or outside
 * the band around the mark, more than the order's size (within a batch and across batches), and a fill that grows a
 * position where only reductions are allowed (reduce-only orders, Resolving markets). Nothing moves on a refusal.
 */
import { expect } from "chai";
import { deployKeel, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import type { SignedOrder } from "../../../keepers/sdk/batch";
import {
  BTC_PRICE,
  BTC_USD,
  EVENT_PRICE,
  OrderFlag,
  SENATE22_R,
  defaultPrices,
  order,
  settle,
  signed,
  trade,
  wad,
} from "./helpers";
import { expectLedgerUnchanged, fill, fundedWithPrices, ledgerSnapshot, settleRaw } from "./revertHelpers";

const SIZE = wad("0.1");
/** BTC-USD lot size (deploy/params.ts btcUsd). */
const LOT = wad("0.0001");

describe("settleBatch rejects invalid fills", function () {
  useSolvencyInvariant();

  let f: KeelFixture;

  beforeEach(async function () {
    f = await deployKeel();
    await fundedWithPrices(f);
  });

  function one(maker: SignedOrder, taker: SignedOrder, size = SIZE, price = BTC_PRICE) {
    return settle(f, [{ maker, taker, size, price }]);
  }

  /** Runs `send`, expects it to revert, and proves nothing moved for alice, bob, carol and the outsider. */
  async function neverFills(send: () => Promise<unknown>): Promise<void> {
    const accounts = [f.alice, f.bob, f.carol, f.outsider];
    const before = await ledgerSnapshot(f, accounts);
    await send();
    await expectLedgerUnchanged(f, before, accounts);
  }

  async function sizeOf(account: { address: string }, marketId = BTC_USD): Promise<bigint> {
    return (await f.pm.position(account.address, marketId)).sizeWad;
  }

  describe("FillInvalidOrderIndex", function () {
    it("refuses a taker index past the orders", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell"));
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await neverFills(() =>
        expect(settleRaw(f, [maker, taker], [fill(0, 2, SIZE, BTC_PRICE)]))
          .to.be.revertedWithCustomError(f.pm, "FillInvalidOrderIndex")
          .withArgs(0, 0, 2),
      );
    });

    it("refuses a maker index past the orders, in a later fill of the batch", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell"));
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      const half = wad("0.05");
      await neverFills(() =>
        expect(settleRaw(f, [maker, taker], [fill(0, 1, half, BTC_PRICE), fill(7, 1, half, BTC_PRICE)]))
          .to.be.revertedWithCustomError(f.pm, "FillInvalidOrderIndex")
          .withArgs(1, 7, 1),
      );
    });

    it("refuses a fill whose maker and taker are the same order", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell"));
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await neverFills(() =>
        expect(settleRaw(f, [maker, taker], [fill(1, 1, SIZE, BTC_PRICE)]))
          .to.be.revertedWithCustomError(f.pm, "FillInvalidOrderIndex")
          .withArgs(0, 1, 1),
      );
    });
  });

  describe("FillIncompatibleOrders", function () {
    it("refuses orders of different markets", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell", { marketId: SENATE22_R, price: EVENT_PRICE }));
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await neverFills(() =>
        expect(one(maker, taker)).to.be.revertedWithCustomError(f.pm, "FillIncompatibleOrders").withArgs(0),
      );
    });

    it("refuses two orders on the same side", async function () {
      for (const side of ["buy", "sell"] as const) {
        const maker = await signed(f, f.bob, order(f.bob, side));
        const taker = await signed(f, f.alice, order(f.alice, side));
        await neverFills(() =>
          expect(one(maker, taker)).to.be.revertedWithCustomError(f.pm, "FillIncompatibleOrders").withArgs(0),
        );
      }
    });

    it("refuses an account trading with itself", async function () {
      const maker = await signed(f, f.alice, order(f.alice, "sell"));
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await neverFills(() =>
        expect(one(maker, taker)).to.be.revertedWithCustomError(f.pm, "FillIncompatibleOrders").withArgs(0),
      );
    });
  });

  describe("FillRoleNotAllowed", function () {
    it("refuses a post-only order as taker (and fills it as maker)", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell"));
      const postOnly = await signed(f, f.alice, order(f.alice, "buy", { flags: OrderFlag.PostOnly }));
      await neverFills(() =>
        expect(one(maker, postOnly))
          .to.be.revertedWithCustomError(f.pm, "FillRoleNotAllowed")
          .withArgs(0, 1, OrderFlag.PostOnly | OrderFlag.Buy),
      );
      await one(postOnly, await signed(f, f.bob, order(f.bob, "sell")));
      expect(await sizeOf(f.alice)).to.equal(SIZE);
    });

    it("refuses an immediate-or-cancel order as maker (and fills it as taker)", async function () {
      const ioc = await signed(f, f.bob, order(f.bob, "sell", { flags: OrderFlag.ImmediateOrCancel }));
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await neverFills(() =>
        expect(one(ioc, taker))
          .to.be.revertedWithCustomError(f.pm, "FillRoleNotAllowed")
          .withArgs(0, 0, OrderFlag.ImmediateOrCancel),
      );
      await one(await signed(f, f.alice, order(f.alice, "buy")), ioc);
      expect(await sizeOf(f.bob)).to.equal(-SIZE);
    });
  });

  describe("FillSizeInvalid", function () {
    for (const [name, size] of [
      ["zero", 0n],
      ["not a multiple of the lot size", wad("0.00015")],
      ["below one lot", LOT - 1n],
    ] as const) {
      it(`refuses a size that is ${name}`, async function () {
        const maker = await signed(f, f.bob, order(f.bob, "sell"));
        const taker = await signed(f, f.alice, order(f.alice, "buy"));
        await neverFills(() =>
          expect(one(maker, taker, size))
            .to.be.revertedWithCustomError(f.pm, "FillSizeInvalid")
            .withArgs(0, size, LOT),
        );
      });
    }
  });

  describe("FillPriceInvalid", function () {
    // BTC-USD: tick 0.1, prices in [1,000, 10,000,000]; SENATE22-R: tick 0.001, prices in [0.001, 0.999].
    const cases = [
      { name: "BTC-USD price off the tick grid", marketId: BTC_USD, price: wad("60000.05") },
      { name: "BTC-USD price below the minimum", marketId: BTC_USD, price: wad("999.9") },
      { name: "BTC-USD price above the maximum", marketId: BTC_USD, price: wad("10000000.1") },
      { name: "SENATE22-R price off the tick grid", marketId: SENATE22_R, price: wad("0.4005") },
      { name: "SENATE22-R price of zero", marketId: SENATE22_R, price: 0n },
      { name: "SENATE22-R price of one", marketId: SENATE22_R, price: wad("1") },
    ];
    for (const c of cases) {
      it(`refuses a ${c.name}`, async function () {
        const size = c.marketId === BTC_USD ? SIZE : wad("10");
        // Limits wide open: the price grid is checked before the limits.
        const maker = await signed(f, f.bob, order(f.bob, "sell", { marketId: c.marketId, size, price: 0n }));
        const taker = await signed(
          f,
          f.alice,
          order(f.alice, "buy", { marketId: c.marketId, size, price: wad("100000000") }),
        );
        await neverFills(() =>
          expect(one(maker, taker, size, c.price))
            .to.be.revertedWithCustomError(f.pm, "FillPriceInvalid")
            .withArgs(0, c.price),
        );
      });
    }
  });

  describe("FillPriceBeyondLimit", function () {
    it("refuses a price above the buyer's limit", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell", { price: wad("59900") }));
      const taker = await signed(f, f.alice, order(f.alice, "buy", { price: wad("60000") }));
      await neverFills(() =>
        expect(one(maker, taker, SIZE, wad("60000.1")))
          .to.be.revertedWithCustomError(f.pm, "FillPriceBeyondLimit")
          .withArgs(0, 1, wad("60000.1"), wad("60000")),
      );
      // At the buyer's limit it fills.
      await one(maker, taker, SIZE, wad("60000"));
      expect(await sizeOf(f.alice)).to.equal(SIZE);
    });

    it("refuses a price below the seller's limit", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell", { price: wad("60000") }));
      const taker = await signed(f, f.alice, order(f.alice, "buy", { price: wad("60100") }));
      await neverFills(() =>
        expect(one(maker, taker, SIZE, wad("59999.9")))
          .to.be.revertedWithCustomError(f.pm, "FillPriceBeyondLimit")
          .withArgs(0, 0, wad("59999.9"), wad("60000")),
      );
      await one(maker, taker, SIZE, wad("60000"));
      expect(await sizeOf(f.bob)).to.equal(-SIZE);
    });
  });

  describe("FillPriceOutsideBand", function () {
    it("refuses an ASSET fill more than 5% from the mark (relative band), and fills on its edge", async function () {
      const maxDelta = wad("3000"); // 5% of 60,000
      for (const [outside, edge] of [
        [wad("63000.1"), wad("63000")],
        [wad("56999.9"), wad("57000")],
      ]) {
        const maker = await signed(f, f.bob, order(f.bob, "sell", { price: wad("50000") }));
        const taker = await signed(f, f.alice, order(f.alice, "buy", { price: wad("70000") }));
        await neverFills(() =>
          expect(one(maker, taker, SIZE, outside))
            .to.be.revertedWithCustomError(f.pm, "FillPriceOutsideBand")
            .withArgs(0, outside, BTC_PRICE, maxDelta),
        );
        await one(maker, taker, SIZE, edge);
      }
      expect(await sizeOf(f.alice)).to.equal(2n * SIZE);
    });

    it("refuses a BOUNDED fill more than 0.1 from the mark (absolute band), and fills on its edge", async function () {
      // SENATE22-R (eventMarket): maxFillDeviationWad 0.1, absolute; the mark is 0.40.
      const maxDelta = wad("0.1");
      const size = wad("100");
      for (const [outside, edge] of [
        [wad("0.501"), wad("0.5")],
        [wad("0.299"), wad("0.3")],
      ]) {
        const maker = await signed(f, f.bob, order(f.bob, "sell", { marketId: SENATE22_R, size, price: wad("0.1") }));
        const taker = await signed(
          f,
          f.alice,
          order(f.alice, "buy", { marketId: SENATE22_R, size, price: wad("0.9") }),
        );
        await neverFills(() =>
          expect(one(maker, taker, size, outside))
            .to.be.revertedWithCustomError(f.pm, "FillPriceOutsideBand")
            .withArgs(0, outside, EVENT_PRICE, maxDelta),
        );
        await one(maker, taker, size, edge);
      }
      expect(await sizeOf(f.alice, SENATE22_R)).to.equal(2n * size);
    });
  });

  describe("FillExceedsOrder", function () {
    it("refuses a single fill larger than the maker's order", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell"));
      const taker = await signed(f, f.alice, order(f.alice, "buy", { size: wad("0.2") }));
      await neverFills(() =>
        expect(one(maker, taker, wad("0.2")))
          .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
          .withArgs(0, 0, wad("0.2"), SIZE),
      );
    });

    it("refuses two fills of one batch that together over-fill an order", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell"));
      const alice = await signed(f, f.alice, order(f.alice, "buy"));
      const carol = await signed(f, f.carol, order(f.carol, "buy"));
      const part = wad("0.06");
      await neverFills(() =>
        expect(settleRaw(f, [maker, alice, carol], [fill(0, 1, part, BTC_PRICE), fill(0, 2, part, BTC_PRICE)]))
          .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
          .withArgs(1, 0, wad("0.12"), SIZE),
      );
    });

    it("refuses a later batch that over-fills an order partly filled by an earlier one", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell"));
      const part = wad("0.06");
      await one(maker, await signed(f, f.alice, order(f.alice, "buy", { size: part })), part);
      expect((await f.pm.orderStatus(maker.order)).filledWad).to.equal(part);

      const carol = await signed(f, f.carol, order(f.carol, "buy", { size: part }));
      await neverFills(() =>
        expect(one(maker, carol, part))
          .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
          .withArgs(0, 0, wad("0.12"), SIZE),
      );
      // The rest (0.04) still fills, and then the order is dead.
      await one(maker, carol, SIZE - part);
      expect(await sizeOf(f.bob)).to.equal(-SIZE);
    });
  });

  describe("FillIncreasesPosition", function () {
    /** Alice long 0.1 against bob short 0.1. */
    async function aliceLong(): Promise<void> {
      await trade(f, f.bob, f.alice, "buy", SIZE, BTC_PRICE);
      expect(await sizeOf(f.alice)).to.equal(SIZE);
    }

    it("refuses a reduce-only order that would grow the position", async function () {
      await aliceLong();
      const maker = await signed(f, f.carol, order(f.carol, "sell", { size: wad("0.05") }));
      const taker = await signed(f, f.alice, order(f.alice, "buy", { size: wad("0.05"), flags: OrderFlag.ReduceOnly }));
      await neverFills(() =>
        expect(one(maker, taker, wad("0.05")))
          .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
          .withArgs(0, 1, SIZE, wad("0.15")),
      );
    });

    it("refuses a reduce-only order that would flip the position (and fills one that closes it)", async function () {
      await aliceLong();
      const maker = await signed(f, f.carol, order(f.carol, "buy", { size: wad("0.2") }));
      const flip = await signed(f, f.alice, order(f.alice, "sell", { size: wad("0.2"), flags: OrderFlag.ReduceOnly }));
      await neverFills(() =>
        expect(one(maker, flip, wad("0.2")))
          .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
          .withArgs(0, 1, SIZE, -SIZE),
      );
      const close = await signed(f, f.alice, order(f.alice, "sell", { flags: OrderFlag.ReduceOnly }));
      await one(maker, close);
      expect(await sizeOf(f.alice)).to.equal(0n);
    });

    it("refuses a reduce-only order without a position", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell"));
      const taker = await signed(f, f.carol, order(f.carol, "buy", { flags: OrderFlag.ReduceOnly }));
      await neverFills(() =>
        expect(one(maker, taker)).to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition").withArgs(0, 1, 0n, SIZE),
      );
    });

    it("refuses a reduce-only maker's second fill once the first closed the position", async function () {
      await aliceLong();
      const reduce = await signed(
        f,
        f.alice,
        order(f.alice, "sell", { size: wad("0.15"), flags: OrderFlag.ReduceOnly }),
      );
      const bob = await signed(f, f.bob, order(f.bob, "buy"));
      const carol = await signed(f, f.carol, order(f.carol, "buy", { size: wad("0.05") }));
      await neverFills(() =>
        expect(settleRaw(f, [reduce, bob, carol], [fill(0, 1, SIZE, BTC_PRICE), fill(0, 2, wad("0.05"), BTC_PRICE)]))
          .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
          .withArgs(1, 0, 0n, -wad("0.05")),
      );
    });

    describe("in a Resolving market (every order is reduce-only)", function () {
      /** Alice and carol long 0.1 each, bob short 0.2; then BTC-USD moves to Resolving, still priced. */
      beforeEach(async function () {
        await trade(f, f.bob, f.alice, "buy", SIZE, BTC_PRICE);
        await trade(f, f.bob, f.carol, "buy", SIZE, BTC_PRICE);
        await f.registry.connect(f.deployer).beginResolving(BTC_USD);
        await defaultPrices(f); // the oracle keeps accepting pushes while Resolving
      });

      it("refuses a plain order that grows a long", async function () {
        const maker = await signed(f, f.carol, order(f.carol, "sell", { size: wad("0.05") }));
        const taker = await signed(f, f.alice, order(f.alice, "buy", { size: wad("0.05") }));
        await neverFills(() =>
          expect(one(maker, taker, wad("0.05")))
            .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
            .withArgs(0, 1, SIZE, wad("0.15")),
        );
      });

      it("refuses a plain order that grows a short (the maker)", async function () {
        const maker = await signed(f, f.bob, order(f.bob, "sell", { size: wad("0.05") }));
        const taker = await signed(f, f.alice, order(f.alice, "buy", { size: wad("0.05") }));
        await neverFills(() =>
          expect(one(maker, taker, wad("0.05")))
            .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
            .withArgs(0, 0, -wad("0.2"), -wad("0.25")),
        );
      });

      it("refuses a plain order that opens a position from zero", async function () {
        const maker = await signed(f, f.bob, order(f.bob, "buy", { size: wad("0.05") }));
        const taker = await signed(f, f.outsider, order(f.outsider, "sell", { size: wad("0.05") }));
        await neverFills(() =>
          expect(one(maker, taker, wad("0.05")))
            .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
            .withArgs(0, 1, 0n, -wad("0.05")),
        );
      });

      it("refuses a plain order that flips a position", async function () {
        const maker = await signed(f, f.bob, order(f.bob, "buy", { size: wad("0.2") }));
        const taker = await signed(f, f.alice, order(f.alice, "sell", { size: wad("0.2") }));
        await neverFills(() =>
          expect(one(maker, taker, wad("0.2")))
            .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
            .withArgs(0, 1, SIZE, -SIZE),
        );
      });

      it("still fills orders that reduce both sides", async function () {
        const maker = await signed(f, f.bob, order(f.bob, "buy", { size: wad("0.05") }));
        const taker = await signed(f, f.alice, order(f.alice, "sell", { size: wad("0.05") }));
        await one(maker, taker, wad("0.05"));
        expect(await sizeOf(f.alice)).to.equal(wad("0.05"));
        expect(await sizeOf(f.bob)).to.equal(-wad("0.15"));
      });
    });
  });
});
