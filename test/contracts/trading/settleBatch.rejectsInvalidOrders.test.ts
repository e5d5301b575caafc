/**
 * `settleBatch` refuses an order that may not fill, naming the fill that used it and its index in the batch: a
 * signature by neither the account nor a live agent, invalid flags, an expiry in the past, a dead nonce (filled,
 * cancelled or reused), a nonce below the account's floor, a market that does not trade or cannot exist, and a stop
 * or take-profit whose trigger the mark has not crossed. Each refusal leaves positions and balances untouched.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import type { SignedOrder } from "../../../keepers/sdk/batch";
import { BTC_PRICE, BTC_USD, OrderFlag, defaultPrices, order, setPrices, settle, signed, wad } from "./helpers";
import {
  MarketStatus,
  expectLedgerUnchanged,
  fill,
  fundedWithPrices,
  hashOf,
  ledgerSnapshot,
  listDraftMarket,
  nextBlockIn,
  settleRaw,
} from "./revertHelpers";

const SIZE = wad("0.1");
const MAX_MARKET_ID = 191;

describe("settleBatch rejects invalid orders", function () {
  useSolvencyInvariant();

  let f: KeelFixture;

  beforeEach(async function () {
    f = await deployKeel();
    await fundedWithPrices(f);
  });

  /** Settles one fill of `size` at the default price between `maker` (index 0) and `taker` (index 1). */
  function one(maker: SignedOrder, taker: SignedOrder, size = SIZE) {
    return settle(f, [{ maker, taker, size, price: BTC_PRICE }]);
  }

  /** A valid resting sell by bob (always order 0 of the batch). */
  function bobSells(size = SIZE) {
    return signed(f, f.bob, order(f.bob, "sell", { size }));
  }

  /** Runs `send`, expects it to revert, and proves nothing moved for alice, bob and carol. */
  async function neverFills(send: () => Promise<unknown>): Promise<void> {
    const before = await ledgerSnapshot(f, [f.alice, f.bob, f.carol]);
    await send();
    await expectLedgerUnchanged(f, before, [f.alice, f.bob, f.carol]);
  }

  describe("OrderInvalidSignature", function () {
    it("refuses an order signed by someone who is not the account", async function () {
      const maker = await bobSells();
      const forged = await signed(f, f.carol, order(f.alice, "buy"));
      await neverFills(() =>
        expect(one(maker, forged))
          .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
          .withArgs(0, 1, f.carol.address),
      );
    });

    it("refuses a maker signed by its counterparty (checked for the maker too)", async function () {
      const forgedMaker = await signed(f, f.alice, order(f.bob, "sell"));
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await expect(one(forgedMaker, taker))
        .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
        .withArgs(0, 0, f.alice.address);
    });

    it("refuses an agent's order once the account revoked the agent", async function () {
      await f.pm.connect(f.alice).approveAgent(f.carol.address, BigInt(await time.latest()) + 3600n);
      // While approved, the agent's signature is as good as alice's own.
      await one(await bobSells(), await signed(f, f.carol, order(f.alice, "buy")));
      expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(SIZE);

      const pending = await signed(f, f.carol, order(f.alice, "buy"));
      await f.pm.connect(f.alice).revokeAgent(f.carol.address);
      expect(await f.pm.agentExpiry(f.alice.address, f.carol.address)).to.equal(0n);
      await defaultPrices(f);
      const maker = await bobSells();
      await neverFills(() =>
        expect(one(maker, pending))
          .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
          .withArgs(0, 1, f.carol.address),
      );
    });

    it("refuses an agent's order after the agent's expiry (valid through the expiry second)", async function () {
      const expiry = BigInt(await time.latest()) + 100n;
      await f.pm.connect(f.alice).approveAgent(f.carol.address, expiry);
      const atExpiry = await signed(f, f.carol, order(f.alice, "buy"));
      const afterExpiry = await signed(f, f.carol, order(f.alice, "buy"));
      const maker1 = await bobSells();
      const maker2 = await bobSells();

      await time.increaseTo(expiry - 2n);
      await defaultPrices(f); // block at expiry − 1
      await time.setNextBlockTimestamp(expiry);
      await one(maker1, atExpiry);
      expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(SIZE);

      await defaultPrices(f); // block at expiry + 1
      await neverFills(() =>
        expect(one(maker2, afterExpiry))
          .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
          .withArgs(0, 1, f.carol.address),
      );
    });

    it("refuses a signature made for another order (recovers to an unrelated address)", async function () {
      const maker = await bobSells();
      const signedOther = await signed(f, f.alice, order(f.alice, "buy", { size: wad("0.01") }));
      const wanted = order(f.alice, "buy");
      const swapped: SignedOrder = { order: wanted, signature: signedOther.signature };
      const recovered = ethers.recoverAddress(await hashOf(f, wanted), signedOther.signature);
      expect(recovered).to.not.equal(f.alice.address);
      await neverFills(() =>
        expect(one(maker, swapped))
          .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
          .withArgs(0, 1, recovered),
      );
    });

    it("refuses a signature that is not a signature at all (recovers nothing)", async function () {
      const maker = await bobSells();
      const garbage: SignedOrder = { order: order(f.alice, "buy"), signature: "0x" + "11".repeat(64) };
      await expect(one(maker, garbage))
        .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
        .withArgs(0, 1, ethers.ZeroAddress);
    });
  });

  describe("OrderInvalidFlags", function () {
    for (const reserved of [0x40, 0x80]) {
      it(`refuses reserved flag bit 0x${reserved.toString(16)}`, async function () {
        const maker = await bobSells();
        const taker = await signed(f, f.alice, order(f.alice, "buy", { flags: reserved }));
        await neverFills(() =>
          expect(one(maker, taker))
            .to.be.revertedWithCustomError(f.pm, "OrderInvalidFlags")
            .withArgs(0, 1, reserved | OrderFlag.Buy),
        );
      });
    }

    it("refuses a reserved bit on the maker too", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell", { flags: 0xc0 }));
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await expect(one(maker, taker)).to.be.revertedWithCustomError(f.pm, "OrderInvalidFlags").withArgs(0, 0, 0xc0);
    });

    it("refuses stop together with take-profit", async function () {
      const maker = await bobSells();
      const flags = OrderFlag.Stop | OrderFlag.TakeProfit;
      const taker = await signed(f, f.alice, order(f.alice, "buy", { flags, triggerPrice: BTC_PRICE }));
      await neverFills(() =>
        expect(one(maker, taker))
          .to.be.revertedWithCustomError(f.pm, "OrderInvalidFlags")
          .withArgs(0, 1, flags | OrderFlag.Buy),
      );
    });

    it("refuses post-only together with IOC in either role with OrderInvalidFlags", async function () {
      const flags = OrderFlag.PostOnly | OrderFlag.ImmediateOrCancel;
      // Flags are checked before roles, so the order itself is named invalid, not its role in the fill.
      const badTaker = await signed(f, f.alice, order(f.alice, "buy", { flags }));
      const maker = await bobSells();
      await neverFills(() =>
        expect(one(maker, badTaker))
          .to.be.revertedWithCustomError(f.pm, "OrderInvalidFlags")
          .withArgs(0, 1, flags | OrderFlag.Buy),
      );
      const badMaker = await signed(f, f.bob, order(f.bob, "sell", { flags }));
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await expect(one(badMaker, taker)).to.be.revertedWithCustomError(f.pm, "OrderInvalidFlags").withArgs(0, 0, flags);
    });

    it("refuses post-only together with IOC with OrderInvalidFlags (as documented)", async function () {
      const flags = OrderFlag.PostOnly | OrderFlag.ImmediateOrCancel;
      const maker = await bobSells();
      const taker = await signed(f, f.alice, order(f.alice, "buy", { flags }));
      await expect(one(maker, taker))
        .to.be.revertedWithCustomError(f.pm, "OrderInvalidFlags")
        .withArgs(0, 1, flags | OrderFlag.Buy);
    });
  });

  describe("OrderExpired", function () {
    it("refuses an order after its expiry second, and fills it at that second", async function () {
      const expiry = BigInt(await time.latest()) + 30n;
      const atExpiry = await signed(f, f.alice, order(f.alice, "buy", { expiry }));
      const late = await signed(f, f.alice, order(f.alice, "buy", { expiry }));
      const maker1 = await bobSells();
      const maker2 = await bobSells();

      await time.increaseTo(expiry - 2n);
      await defaultPrices(f);
      await time.setNextBlockTimestamp(expiry);
      await one(maker1, atExpiry);
      expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(SIZE);

      await defaultPrices(f); // block at expiry + 1
      const now = await nextBlockIn(1);
      await neverFills(() =>
        expect(one(maker2, late)).to.be.revertedWithCustomError(f.pm, "OrderExpired").withArgs(0, 1, expiry, now),
      );
    });

    it("refuses an expired maker", async function () {
      const expiry = BigInt(await time.latest()) + 5n;
      const maker = await signed(f, f.bob, order(f.bob, "sell", { expiry }));
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await time.increaseTo(expiry + 10n);
      await defaultPrices(f);
      const now = await nextBlockIn(1);
      await expect(one(maker, taker)).to.be.revertedWithCustomError(f.pm, "OrderExpired").withArgs(0, 0, expiry, now);
    });
  });

  describe("OrderDead", function () {
    it("refuses a completely filled order sent again", async function () {
      const maker = await bobSells();
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await one(maker, taker);
      await neverFills(async () => {
        await expect(one(maker, taker))
          .to.be.revertedWithCustomError(f.pm, "OrderDead")
          .withArgs(0, 0, await hashOf(f, maker.order));
        // With a fresh maker, the dead taker is named.
        await expect(one(await bobSells(), taker))
          .to.be.revertedWithCustomError(f.pm, "OrderDead")
          .withArgs(0, 1, await hashOf(f, taker.order));
      });
    });

    it("refuses an order cancelled with cancelOrder", async function () {
      const maker = await bobSells();
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await expect(f.pm.connect(f.alice).cancelOrder(taker.order))
        .to.emit(f.pm, "OrderCancelled")
        .withArgs(f.alice.address, await hashOf(f, taker.order), taker.order.nonce);
      await neverFills(async () =>
        expect(one(maker, taker))
          .to.be.revertedWithCustomError(f.pm, "OrderDead")
          .withArgs(0, 1, await hashOf(f, taker.order)),
      );
    });

    it("refuses the rest of a partly filled order once it is cancelled", async function () {
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      const half = wad("0.05");
      await one(await bobSells(half), taker, half);
      expect((await f.pm.orderStatus(taker.order)).filledWad).to.equal(half);
      await f.pm.connect(f.alice).cancelOrder(taker.order);
      const maker = await bobSells(half);
      await neverFills(async () =>
        expect(one(maker, taker, half))
          .to.be.revertedWithCustomError(f.pm, "OrderDead")
          .withArgs(0, 1, await hashOf(f, taker.order)),
      );
    });

    it("refuses a second order reusing the nonce of a filled one", async function () {
      const nonce = 7_000_000n;
      await one(await bobSells(), await signed(f, f.alice, order(f.alice, "buy", { nonce })));
      const reuse = await signed(f, f.alice, order(f.alice, "buy", { nonce, size: wad("0.05") }));
      const maker = await bobSells(wad("0.05"));
      await neverFills(async () =>
        expect(one(maker, reuse, wad("0.05")))
          .to.be.revertedWithCustomError(f.pm, "OrderDead")
          .withArgs(0, 1, await hashOf(f, reuse.order)),
      );
    });

    it("refuses a second order reusing the nonce of a partly filled one (the first keeps filling)", async function () {
      const nonce = 7_000_001n;
      const first = await signed(f, f.alice, order(f.alice, "buy", { nonce }));
      const half = wad("0.05");
      await one(await bobSells(half), first, half);
      const reuse = await signed(f, f.alice, order(f.alice, "buy", { nonce, size: half }));
      const maker = await bobSells(half);
      await neverFills(async () =>
        expect(one(maker, reuse, half))
          .to.be.revertedWithCustomError(f.pm, "OrderDead")
          .withArgs(0, 1, await hashOf(f, reuse.order)),
      );
      await one(await bobSells(half), first, half);
      expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(SIZE);
    });

    // Regression: the nonce bit is written at the end of a batch, so the batch also tracks nonces it has seen.
    it("refuses a second order reusing a nonce within the same batch", async function () {
      const nonce = 7_000_002n;
      const first = await signed(f, f.alice, order(f.alice, "buy", { nonce }));
      const second = await signed(f, f.alice, order(f.alice, "buy", { nonce, size: wad("0.2") }));
      const maker = await signed(f, f.bob, order(f.bob, "sell", { size: wad("1") }));
      const part = wad("0.05");
      await neverFills(async () =>
        expect(settleRaw(f, [maker, first, second], [fill(0, 1, part, BTC_PRICE), fill(0, 2, part, BTC_PRICE)]))
          .to.be.revertedWithCustomError(f.pm, "OrderDead")
          .withArgs(1, 2, await hashOf(f, second.order)),
      );
    });
  });

  describe("OrderBelowNonceFloor", function () {
    it("refuses an order whose nonce is below cancelUpTo, and fills one at the floor", async function () {
      const below = await signed(f, f.alice, order(f.alice, "buy", { nonce: 8_000_000n }));
      const atFloor = await signed(f, f.alice, order(f.alice, "buy", { nonce: 8_000_001n }));
      await f.pm.connect(f.alice).cancelUpTo(f.alice.address, 8_000_001n);
      const maker = await bobSells();
      await neverFills(() =>
        expect(one(maker, below))
          .to.be.revertedWithCustomError(f.pm, "OrderBelowNonceFloor")
          .withArgs(0, 1, 8_000_000n, 8_000_001n),
      );
      await one(maker, atFloor);
      expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(SIZE);
    });

    it("refuses a partly filled order once the floor passes its nonce", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell", { nonce: 8_100_000n }));
      await one(maker, await signed(f, f.alice, order(f.alice, "buy", { size: wad("0.05") })), wad("0.05"));
      await f.pm.connect(f.bob).cancelUpTo(f.bob.address, 8_100_001n);
      const taker = await signed(f, f.alice, order(f.alice, "buy", { size: wad("0.05") }));
      await neverFills(() =>
        expect(one(maker, taker, wad("0.05")))
          .to.be.revertedWithCustomError(f.pm, "OrderBelowNonceFloor")
          .withArgs(0, 0, 8_100_000n, 8_100_001n),
      );
    });
  });

  describe("OrderMarketNotTrading", function () {
    it("refuses orders in a Draft market", async function () {
      const draft = await listDraftMarket(f, "DRAFT-BTC");
      // The oracle prices Draft markets: even with a fresh price the market does not trade.
      await setPrices(f, { [BTC_USD]: BTC_PRICE, [draft]: BTC_PRICE });
      const maker = await signed(f, f.bob, order(f.bob, "sell", { marketId: draft }));
      const taker = await signed(f, f.alice, order(f.alice, "buy", { marketId: draft }));
      await neverFills(() =>
        expect(one(maker, taker))
          .to.be.revertedWithCustomError(f.pm, "OrderMarketNotTrading")
          .withArgs(0, 0, draft, MarketStatus.Draft),
      );
    });

    for (const marketId of [50, MAX_MARKET_ID]) {
      it(`refuses orders in market ${marketId}, never listed`, async function () {
        const maker = await signed(f, f.bob, order(f.bob, "sell", { marketId }));
        const taker = await signed(f, f.alice, order(f.alice, "buy", { marketId }));
        await expect(one(maker, taker))
          .to.be.revertedWithCustomError(f.pm, "OrderMarketNotTrading")
          .withArgs(0, 0, marketId, MarketStatus.None);
      });
    }
  });

  describe("OrderTriggerNotReached", function () {
    // The mark is 60,000. A stop waits for an adverse move, a take-profit for a favourable one.
    const cases = [
      { name: "buy stop below its trigger", side: "buy", flag: OrderFlag.Stop, trigger: wad("60000.1") },
      { name: "sell stop above its trigger", side: "sell", flag: OrderFlag.Stop, trigger: wad("59999.9") },
      { name: "buy take-profit above its trigger", side: "buy", flag: OrderFlag.TakeProfit, trigger: wad("59999.9") },
      { name: "sell take-profit below its trigger", side: "sell", flag: OrderFlag.TakeProfit, trigger: wad("60000.1") },
    ] as const;

    for (const c of cases) {
      it(`refuses a ${c.name}, and fills it once the mark reaches the trigger`, async function () {
        const makerSide = c.side === "buy" ? "sell" : "buy";
        const maker = await signed(f, f.bob, order(f.bob, makerSide, { size: wad("0.2") }));
        const taker = await signed(f, f.alice, order(f.alice, c.side, { flags: c.flag, triggerPrice: c.trigger }));
        await neverFills(() =>
          expect(one(maker, taker))
            .to.be.revertedWithCustomError(f.pm, "OrderTriggerNotReached")
            .withArgs(0, 1, BTC_PRICE, c.trigger),
        );
        // Move the mark exactly onto the trigger: now it fills.
        await setPrices(f, { [BTC_USD]: c.trigger });
        await one(maker, taker);
        expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(c.side === "buy" ? SIZE : -SIZE);
      });
    }
  });

  describe("OrderMarketIdTooLarge", function () {
    for (const marketId of [MAX_MARKET_ID + 1, 0, 2 ** 32 - 1]) {
      it(`refuses market id ${marketId}`, async function () {
        const maker = await signed(f, f.bob, order(f.bob, "sell", { marketId }));
        const taker = await signed(f, f.alice, order(f.alice, "buy", { marketId }));
        await neverFills(() =>
          expect(one(maker, taker))
            .to.be.revertedWithCustomError(f.pm, "OrderMarketIdTooLarge")
            .withArgs(0, 0, marketId),
        );
      });
    }
  });
});
