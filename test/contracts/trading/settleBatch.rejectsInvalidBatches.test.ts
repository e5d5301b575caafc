/**
 * `settleBatch` refuses a batch as a whole: a wrong batch id (a resend of a landed batch or a skipped id), malformed
 * arrays, the same order twice, an account left under initial margin, a market pushed past its OI cap, and a caller
 * without MATCHER_ROLE. Every refusal leaves the ledger untouched.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, buildBatch, defaultPrices, fundAll, order, settle, signed, wad } from "./helpers";
import { expectLedgerUnchanged, fill, fundedWithPrices, hashOf, ledgerSnapshot, settleRaw } from "./revertHelpers";

const SIZE = wad("0.1");

describe("settleBatch rejects invalid batches", function () {
  useSolvencyInvariant();

  let f: KeelFixture;

  beforeEach(async function () {
    f = await deployKeel();
    await fundedWithPrices(f);
  });

  /** A valid maker (bob sells) and taker (alice buys) of `size` at the default price. */
  async function pair(size = SIZE) {
    const maker = await signed(f, f.bob, order(f.bob, "sell", { size }));
    const taker = await signed(f, f.alice, order(f.alice, "buy", { size }));
    return { maker, taker };
  }

  describe("BatchIdMismatch", function () {
    it("refuses a resend of a batch that already landed", async function () {
      const { maker, taker } = await pair();
      const args = (await buildBatch(f, [{ maker, taker, size: SIZE, price: BTC_PRICE }])).args();
      await f.pm.connect(f.deployer).settleBatch(args.batchId, args.orders, args.signatures, args.fills);
      expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(SIZE);

      const before = await ledgerSnapshot(f, [f.alice, f.bob]);
      await expect(f.pm.connect(f.deployer).settleBatch(args.batchId, args.orders, args.signatures, args.fills))
        .to.be.revertedWithCustomError(f.pm, "BatchIdMismatch")
        .withArgs(args.batchId, args.batchId + 1n);
      await expectLedgerUnchanged(f, before, [f.alice, f.bob]);
    });

    it("refuses a batch that skips an id", async function () {
      const { maker, taker } = await pair();
      const next = await f.pm.nextBatchId();
      const before = await ledgerSnapshot(f, [f.alice, f.bob]);
      await expect(settleRaw(f, [maker, taker], [fill(0, 1, SIZE, BTC_PRICE)], { batchId: next + 1n }))
        .to.be.revertedWithCustomError(f.pm, "BatchIdMismatch")
        .withArgs(next + 1n, next);
      await expectLedgerUnchanged(f, before, [f.alice, f.bob]);
    });

    it("refuses an id below the next one before any batch landed (0)", async function () {
      const { maker, taker } = await pair();
      expect(await f.pm.nextBatchId()).to.equal(1n);
      await expect(settleRaw(f, [maker, taker], [fill(0, 1, SIZE, BTC_PRICE)], { batchId: 0n }))
        .to.be.revertedWithCustomError(f.pm, "BatchIdMismatch")
        .withArgs(0n, 1n);
    });
  });

  describe("BatchMalformed", function () {
    it("refuses fewer signatures than orders", async function () {
      const { maker, taker } = await pair();
      await expect(settleRaw(f, [maker, taker], [fill(0, 1, SIZE, BTC_PRICE)], { signatures: [maker.signature] }))
        .to.be.revertedWithCustomError(f.pm, "BatchMalformed")
        .withArgs(2, 1, 1);
    });

    it("refuses more signatures than orders", async function () {
      const { maker, taker } = await pair();
      await expect(
        settleRaw(f, [maker, taker], [fill(0, 1, SIZE, BTC_PRICE)], {
          signatures: [maker.signature, taker.signature, taker.signature],
        }),
      )
        .to.be.revertedWithCustomError(f.pm, "BatchMalformed")
        .withArgs(2, 3, 1);
    });

    it("refuses a batch without fills", async function () {
      const { maker, taker } = await pair();
      const before = await ledgerSnapshot(f, [f.alice, f.bob]);
      await expect(settleRaw(f, [maker, taker], []))
        .to.be.revertedWithCustomError(f.pm, "BatchMalformed")
        .withArgs(2, 2, 0);
      // An empty batch is malformed too, and does not consume the batch id.
      await expect(settleRaw(f, [], []))
        .to.be.revertedWithCustomError(f.pm, "BatchMalformed")
        .withArgs(0, 0, 0);
      await expectLedgerUnchanged(f, before, [f.alice, f.bob]);
    });
  });

  describe("BatchDuplicateOrder", function () {
    it("refuses the same order listed twice (named at its second index)", async function () {
      const maker = await signed(f, f.bob, order(f.bob, "sell", { size: wad("0.2") }));
      const taker = await signed(f, f.alice, order(f.alice, "buy", { size: wad("0.2") }));
      const before = await ledgerSnapshot(f, [f.alice, f.bob]);
      await expect(settleRaw(f, [maker, taker, maker], [fill(0, 1, SIZE, BTC_PRICE), fill(2, 1, SIZE, BTC_PRICE)]))
        .to.be.revertedWithCustomError(f.pm, "BatchDuplicateOrder")
        .withArgs(2, await hashOf(f, maker.order));
      await expectLedgerUnchanged(f, before, [f.alice, f.bob]);
    });

    it("refuses the same order twice even when each copy carries a different valid signature", async function () {
      // Alice signs her order, and so does her agent (carol): two distinct valid signatures, one order hash.
      await f.pm.connect(f.alice).approveAgent(f.carol.address, BigInt(await time.latest()) + 3600n);
      const o = order(f.alice, "buy", { size: wad("0.2") });
      const own = await signed(f, f.alice, o);
      const byAgent = await signed(f, f.carol, { ...o });
      expect(byAgent.signature).to.not.equal(own.signature);
      const maker1 = await signed(f, f.bob, order(f.bob, "sell"));
      const maker2 = await signed(f, f.outsider, order(f.outsider, "sell"));
      await expect(
        settleRaw(f, [maker1, own, maker2, byAgent], [fill(0, 1, SIZE, BTC_PRICE), fill(2, 3, SIZE, BTC_PRICE)]),
      )
        .to.be.revertedWithCustomError(f.pm, "BatchDuplicateOrder")
        .withArgs(3, await hashOf(f, o));
    });
  });

  describe("BatchMarginInsufficient", function () {
    it("refuses an account opening risk with too little collateral, naming the last fill that touched it", async function () {
      // Bob and alice are well funded; the outsider has 100 USDC, below the ~120 USD initial margin of 0.1 BTC.
      await fundAll(f, [f.outsider], usdc(100));
      await defaultPrices(f);
      const bobSell = await signed(f, f.bob, order(f.bob, "sell", { size: wad("0.2") }));
      const poorBuy = await signed(f, f.outsider, order(f.outsider, "buy"));
      const aliceBuy = await signed(f, f.alice, order(f.alice, "buy"));
      const before = await ledgerSnapshot(f, [f.alice, f.bob, f.outsider]);
      // Fill 0 opens the outsider's long; fill 1 (alice) is the batch's last fill but never touches the outsider.
      const takerFee = wad("2.7"); // 0.045% of 6,000 USD
      await expect(
        settleRaw(f, [bobSell, poorBuy, aliceBuy], [fill(0, 1, SIZE, BTC_PRICE), fill(0, 2, SIZE, BTC_PRICE)]),
      )
        .to.be.revertedWithCustomError(f.pm, "BatchMarginInsufficient")
        .withArgs(0, f.outsider.address, wad("100") - takerFee, (required: bigint) => required > wad("120"));
      await expectLedgerUnchanged(f, before, [f.alice, f.bob, f.outsider]);
    });

    it("settles the same opening once the account holds enough collateral", async function () {
      await fundAll(f, [f.outsider], usdc(200));
      await defaultPrices(f);
      const bobSell = await signed(f, f.bob, order(f.bob, "sell"));
      const buy = await signed(f, f.outsider, order(f.outsider, "buy"));
      await expect(settleRaw(f, [bobSell, buy], [fill(0, 1, SIZE, BTC_PRICE)])).to.emit(f.pm, "BatchSettled");
    });
  });

  describe("BatchOpenInterestCap", function () {
    it("refuses a batch that grows open interest past a lowered cap", async function () {
      const margin = await f.registry.marginParams(BTC_USD);
      const cap = wad("0.05");
      await f.registry.connect(f.deployer).setMarginParams(BTC_USD, {
        imfLowWad: margin.imfLowWad,
        imfHighWad: margin.imfHighWad,
        oiSaturationWad: margin.oiSaturationWad,
        maxOpenInterestWad: cap,
      });
      await defaultPrices(f);
      const { maker, taker } = await pair();
      const before = await ledgerSnapshot(f, [f.alice, f.bob]);
      await expect(settle(f, [{ maker, taker, size: SIZE, price: BTC_PRICE }]))
        .to.be.revertedWithCustomError(f.pm, "BatchOpenInterestCap")
        .withArgs(BTC_USD, SIZE, cap);
      await expectLedgerUnchanged(f, before, [f.alice, f.bob]);

      // Exactly at the cap is allowed.
      const small = await pair(cap);
      await expect(settle(f, [{ maker: small.maker, taker: small.taker, size: cap, price: BTC_PRICE }])).to.emit(
        f.pm,
        "BatchSettled",
      );
      expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(cap);
    });

    it("still lets a market above its cap shrink (checked only when OI grew)", async function () {
      const { maker, taker } = await pair();
      await settle(f, [{ maker, taker, size: SIZE, price: BTC_PRICE }]);
      const margin = await f.registry.marginParams(BTC_USD);
      await f.registry.connect(f.deployer).setMarginParams(BTC_USD, {
        imfLowWad: margin.imfLowWad,
        imfHighWad: margin.imfHighWad,
        oiSaturationWad: margin.oiSaturationWad,
        maxOpenInterestWad: wad("0.01"),
      });
      await defaultPrices(f);
      // Alice sells half her long back to bob: OI 0.1 → 0.05, still above the new cap of 0.01.
      const half = wad("0.05");
      const bobBuy = await signed(f, f.bob, order(f.bob, "buy", { size: half }));
      const aliceSell = await signed(f, f.alice, order(f.alice, "sell", { size: half }));
      await expect(settle(f, [{ maker: bobBuy, taker: aliceSell, size: half, price: BTC_PRICE }])).to.emit(
        f.pm,
        "BatchSettled",
      );
      expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(half);
      // …but not grow again.
      const more = await pair(wad("0.01"));
      await expect(settle(f, [{ maker: more.maker, taker: more.taker, size: wad("0.01"), price: BTC_PRICE }]))
        .to.be.revertedWithCustomError(f.pm, "BatchOpenInterestCap")
        .withArgs(BTC_USD, wad("0.06"), wad("0.01"));
    });

    // Regression: OI caps are checked before positions narrow to int96, so the cap names the market.
    it("refuses a fill too large for a position slot with BatchOpenInterestCap", async function () {
      const size = wad("100000000000"); // 1e11 BTC
      const maker = await signed(f, f.bob, order(f.bob, "sell", { size }));
      const taker = await signed(f, f.alice, order(f.alice, "buy", { size }));
      await expect(settle(f, [{ maker, taker, size, price: BTC_PRICE }]))
        .to.be.revertedWithCustomError(f.pm, "BatchOpenInterestCap")
        .withArgs(BTC_USD, size, wad("5000"));
    });
  });

  describe("AccessControlUnauthorizedAccount", function () {
    it("refuses a caller without MATCHER_ROLE, even with a perfectly valid batch", async function () {
      const { maker, taker } = await pair();
      const args = (await buildBatch(f, [{ maker, taker, size: SIZE, price: BTC_PRICE }])).args();
      for (const caller of [f.outsider, f.alice]) {
        await expect(f.pm.connect(caller).settleBatch(args.batchId, args.orders, args.signatures, args.fills))
          .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, await f.pm.MATCHER_ROLE());
      }
      expect(await f.pm.nextBatchId()).to.equal(args.batchId);
    });

    it("checks the role before anything else (a malformed batch from a stranger names the role)", async function () {
      await expect(f.pm.connect(f.outsider).settleBatch(99n, [], [], []))
        .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
        .withArgs(f.outsider.address, await f.pm.MATCHER_ROLE());
    });
  });
});
