/**
 * The PositionManager's account actions, admin setters and funding refuse what they must: invalid agent approvals,
 * cancels by anyone but the account or its live agent (agents may cancel), a `cancelUpTo` that does not raise the
 * floor, a zero protocol account or a caller without the admin role, and funding in a market that does not trade,
 * twice in one clock-aligned interval, above its cap, without FUNDING_ROLE, or on a stale index.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, SENATE22_R, defaultPrices, order, setPrices, settle, signed, wad } from "./helpers";
import { MarketStatus, fundedWithPrices, hashOf, listDraftMarket, nextBlockIn } from "./revertHelpers";

/** BTC-USD and SENATE22-R fund hourly (deploy/params.ts). */
const INTERVAL = 3600n;

describe("PositionManager account actions, admin and funding revert paths", function () {
  useSolvencyInvariant();

  let f: KeelFixture;

  beforeEach(async function () {
    f = await deployKeel();
  });

  describe("approveAgent", function () {
    it("refuses the zero address as agent", async function () {
      const expiry = BigInt(await time.latest()) + 3600n;
      await expect(f.pm.connect(f.alice).approveAgent(ethers.ZeroAddress, expiry))
        .to.be.revertedWithCustomError(f.pm, "AgentInvalid")
        .withArgs(ethers.ZeroAddress, expiry);
    });

    it("refuses the account itself as agent", async function () {
      const expiry = BigInt(await time.latest()) + 3600n;
      await expect(f.pm.connect(f.alice).approveAgent(f.alice.address, expiry))
        .to.be.revertedWithCustomError(f.pm, "AgentInvalid")
        .withArgs(f.alice.address, expiry);
    });

    it("refuses an expiry in the past, or now; accepts one a second ahead", async function () {
      const past = BigInt(await time.latest()) - 1n;
      await expect(f.pm.connect(f.alice).approveAgent(f.carol.address, past))
        .to.be.revertedWithCustomError(f.pm, "AgentInvalid")
        .withArgs(f.carol.address, past);
      await expect(f.pm.connect(f.alice).approveAgent(f.carol.address, 0n))
        .to.be.revertedWithCustomError(f.pm, "AgentInvalid")
        .withArgs(f.carol.address, 0n);
      const now = await nextBlockIn(1);
      await expect(f.pm.connect(f.alice).approveAgent(f.carol.address, now))
        .to.be.revertedWithCustomError(f.pm, "AgentInvalid")
        .withArgs(f.carol.address, now);
      const next = await nextBlockIn(1);
      await expect(f.pm.connect(f.alice).approveAgent(f.carol.address, next + 1n))
        .to.emit(f.pm, "AgentApproved")
        .withArgs(f.alice.address, f.carol.address, next + 1n);
      expect(await f.pm.agentExpiry(f.alice.address, f.carol.address)).to.equal(next + 1n);
    });
  });

  describe("cancelOrder and cancelUpTo by a stranger", function () {
    it("refuses cancelOrder by anyone but the account or its agent", async function () {
      const o = order(f.alice, "buy");
      for (const stranger of [f.outsider, f.bob, f.deployer]) {
        await expect(f.pm.connect(stranger).cancelOrder(o))
          .to.be.revertedWithCustomError(f.pm, "NotAccountOrAgent")
          .withArgs(stranger.address, f.alice.address);
      }
      expect(await f.pm.isNonceUsed(f.alice.address, o.nonce)).to.equal(false);
    });

    it("refuses cancelUpTo by anyone but the account or its agent", async function () {
      for (const stranger of [f.outsider, f.bob, f.deployer]) {
        await expect(f.pm.connect(stranger).cancelUpTo(f.alice.address, 100n))
          .to.be.revertedWithCustomError(f.pm, "NotAccountOrAgent")
          .withArgs(stranger.address, f.alice.address);
      }
      expect(await f.pm.nonceFloor(f.alice.address)).to.equal(0n);
    });

    it("refuses a revoked agent, an expired agent, and an agent of another account", async function () {
      const o = order(f.alice, "buy");
      // Revoked.
      await f.pm.connect(f.alice).approveAgent(f.carol.address, BigInt(await time.latest()) + 3600n);
      await f.pm.connect(f.alice).revokeAgent(f.carol.address);
      await expect(f.pm.connect(f.carol).cancelOrder(o))
        .to.be.revertedWithCustomError(f.pm, "NotAccountOrAgent")
        .withArgs(f.carol.address, f.alice.address);
      // Expired (valid through its expiry second, not after).
      const expiry = BigInt(await time.latest()) + 10n;
      await f.pm.connect(f.alice).approveAgent(f.carol.address, expiry);
      await time.increaseTo(expiry);
      await expect(f.pm.connect(f.carol).cancelUpTo(f.alice.address, 5n))
        .to.be.revertedWithCustomError(f.pm, "NotAccountOrAgent")
        .withArgs(f.carol.address, f.alice.address);
      // An agent of alice is a stranger to bob.
      await f.pm.connect(f.alice).approveAgent(f.carol.address, BigInt(await time.latest()) + 3600n);
      await expect(f.pm.connect(f.carol).cancelOrder(order(f.bob, "sell")))
        .to.be.revertedWithCustomError(f.pm, "NotAccountOrAgent")
        .withArgs(f.carol.address, f.bob.address);
      await expect(f.pm.connect(f.carol).cancelUpTo(f.bob.address, 5n))
        .to.be.revertedWithCustomError(f.pm, "NotAccountOrAgent")
        .withArgs(f.carol.address, f.bob.address);
    });
  });

  describe("cancelUpTo must raise the floor", function () {
    it("refuses a floor that is not higher (NonceFloorNotRaised)", async function () {
      await expect(f.pm.connect(f.alice).cancelUpTo(f.alice.address, 0n))
        .to.be.revertedWithCustomError(f.pm, "NonceFloorNotRaised")
        .withArgs(0n, 0n);
      await f.pm.connect(f.alice).cancelUpTo(f.alice.address, 10n);
      await expect(f.pm.connect(f.alice).cancelUpTo(f.alice.address, 10n))
        .to.be.revertedWithCustomError(f.pm, "NonceFloorNotRaised")
        .withArgs(10n, 10n);
      await expect(f.pm.connect(f.alice).cancelUpTo(f.alice.address, 5n))
        .to.be.revertedWithCustomError(f.pm, "NonceFloorNotRaised")
        .withArgs(5n, 10n);
      expect(await f.pm.nonceFloor(f.alice.address)).to.equal(10n);
    });
  });

  describe("agents can cancel", function () {
    it("lets an approved agent cancel an order and raise the floor, and the cancelled order never fills", async function () {
      await fundedWithPrices(f);
      const expiry = BigInt(await time.latest()) + 3600n;
      await f.pm.connect(f.alice).approveAgent(f.carol.address, expiry);
      const taker = await signed(f, f.alice, order(f.alice, "buy"));
      await expect(f.pm.connect(f.carol).cancelOrder(taker.order))
        .to.emit(f.pm, "OrderCancelled")
        .withArgs(f.alice.address, await hashOf(f, taker.order), taker.order.nonce);
      expect(await f.pm.isNonceUsed(f.alice.address, taker.order.nonce)).to.equal(true);
      const maker = await signed(f, f.bob, order(f.bob, "sell"));
      await expect(settle(f, [{ maker, taker, size: wad("0.1"), price: BTC_PRICE }]))
        .to.be.revertedWithCustomError(f.pm, "OrderDead")
        .withArgs(0, 1, await hashOf(f, taker.order));

      // At its expiry second the agent still may.
      await time.setNextBlockTimestamp(expiry);
      await expect(f.pm.connect(f.carol).cancelUpTo(f.alice.address, 1_000n))
        .to.emit(f.pm, "NonceFloorRaised")
        .withArgs(f.alice.address, 1_000n);
      expect(await f.pm.nonceFloor(f.alice.address)).to.equal(1_000n);
    });
  });

  describe("setFeeRecipient and setInsuranceFund", function () {
    it("refuses the zero address (ProtocolAccountInvalid)", async function () {
      await expect(f.pm.connect(f.deployer).setFeeRecipient(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(f.pm, "ProtocolAccountInvalid")
        .withArgs(ethers.ZeroAddress);
      await expect(f.pm.connect(f.deployer).setInsuranceFund(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(f.pm, "ProtocolAccountInvalid")
        .withArgs(ethers.ZeroAddress);
    });

    it("refuses a caller without DEFAULT_ADMIN_ROLE", async function () {
      const admin = await f.pm.DEFAULT_ADMIN_ROLE();
      for (const caller of [f.outsider, f.alice]) {
        await expect(f.pm.connect(caller).setFeeRecipient(caller.address))
          .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, admin);
        await expect(f.pm.connect(caller).setInsuranceFund(caller.address))
          .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, admin);
      }
    });

    it("lets the admin change both", async function () {
      const oldFee = await f.pm.feeRecipient();
      const oldFund = await f.pm.insuranceFund();
      await expect(f.pm.connect(f.deployer).setFeeRecipient(f.carol.address))
        .to.emit(f.pm, "FeeRecipientUpdated")
        .withArgs(oldFee, f.carol.address);
      await expect(f.pm.connect(f.deployer).setInsuranceFund(f.carol.address))
        .to.emit(f.pm, "InsuranceFundUpdated")
        .withArgs(oldFund, f.carol.address);
    });
  });

  describe("applyFunding", function () {
    beforeEach(async function () {
      await defaultPrices(f);
    });

    it("refuses a Draft market and a market never listed (FundingMarketNotTrading)", async function () {
      const draft = await listDraftMarket(f, "DRAFT-FUND");
      await expect(f.pm.connect(f.deployer).applyFunding(draft, 0n))
        .to.be.revertedWithCustomError(f.pm, "FundingMarketNotTrading")
        .withArgs(draft, MarketStatus.Draft);
      await expect(f.pm.connect(f.deployer).applyFunding(77, 0n))
        .to.be.revertedWithCustomError(f.pm, "FundingMarketNotTrading")
        .withArgs(77, MarketStatus.None);
    });

    it("refuses a second payment within one clock-aligned interval, and takes one right after the boundary", async function () {
      const boundary = (BigInt(await time.latest()) / INTERVAL + 1n) * INTERVAL;
      await time.increaseTo(boundary + 5n);
      await defaultPrices(f);
      const first = await nextBlockIn(1);
      await f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("1"));
      expect((await f.pm.marketState(BTC_USD)).lastFundingAt).to.equal(first);

      await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("1")))
        .to.be.revertedWithCustomError(f.pm, "FundingTooEarly")
        .withArgs(BTC_USD, first, INTERVAL);

      // Late in the same interval: still too early.
      await time.increaseTo(boundary + INTERVAL - 10n);
      await defaultPrices(f);
      await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("1")))
        .to.be.revertedWithCustomError(f.pm, "FundingTooEarly")
        .withArgs(BTC_USD, first, INTERVAL);

      // The next interval starts on the clock, less than a full interval after the first payment.
      await time.increaseTo(boundary + INTERVAL - 2n);
      await defaultPrices(f);
      await time.setNextBlockTimestamp(boundary + INTERVAL);
      await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("1"))).to.emit(f.pm, "FundingApplied");
      expect((await f.pm.marketState(BTC_USD)).fundingEpoch).to.equal(2);
    });

    it("refuses |funding| above cap · interval/1h · index on BTC-USD (both signs), and takes the cap", async function () {
      // 4%/h over 1 h of a 60,000 index.
      const cap = wad("2400");
      const INT256_MIN = -(1n << 255n);
      for (const value of [cap + 1n, -(cap + 1n), INT256_MIN, -(INT256_MIN + 1n)]) {
        await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, value))
          .to.be.revertedWithCustomError(f.pm, "FundingAboveCap")
          .withArgs(BTC_USD, value, cap);
      }
      await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, -cap))
        .to.emit(f.pm, "FundingApplied")
        .withArgs(BTC_USD, -cap, -cap, BTC_PRICE, 1);
    });

    it("takes the index, not the mark, as the BTC-USD reference", async function () {
      await setPrices(f, { [BTC_USD]: BTC_PRICE }, { [BTC_USD]: wad("61000") });
      const cap = wad("2440"); // 4% of the 61,000 index
      await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, cap + 1n))
        .to.be.revertedWithCustomError(f.pm, "FundingAboveCap")
        .withArgs(BTC_USD, cap + 1n, cap);
      await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, cap)).to.emit(f.pm, "FundingApplied");
    });

    it("refuses |funding| above cap · 1 USD on the BOUNDED market (both signs), and takes the cap", async function () {
      // eventMarket(): fundingCapWad 1%/h, hourly; the reference is 1 USD whatever the price.
      const cap = wad("0.01");
      for (const value of [cap + 1n, -(cap + 1n)]) {
        await expect(f.pm.connect(f.deployer).applyFunding(SENATE22_R, value))
          .to.be.revertedWithCustomError(f.pm, "FundingAboveCap")
          .withArgs(SENATE22_R, value, cap);
      }
      await expect(f.pm.connect(f.deployer).applyFunding(SENATE22_R, cap))
        .to.emit(f.pm, "FundingApplied")
        .withArgs(SENATE22_R, cap, cap, wad("1"), 1);
    });

    it("refuses a caller without FUNDING_ROLE", async function () {
      const role = await f.pm.FUNDING_ROLE();
      for (const caller of [f.outsider, f.alice]) {
        await expect(f.pm.connect(caller).applyFunding(BTC_USD, 0n))
          .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, role);
      }
    });

    it("refuses a stale BTC-USD index (OracleStale from the oracle)", async function () {
      const pushedAt = (await f.oracle.snapshot(BTC_USD)).timestamp;
      await time.setNextBlockTimestamp(pushedAt + 61n);
      await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, 0n))
        .to.be.revertedWithCustomError(f.oracle, "OracleStale")
        .withArgs(BTC_USD, pushedAt, 60, pushedAt + 61n);
    });

    it("takes funding on the last fresh second of the index", async function () {
      const pushedAt = (await f.oracle.snapshot(BTC_USD)).timestamp;
      await time.setNextBlockTimestamp(pushedAt + 60n);
      await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, 0n)).to.emit(f.pm, "FundingApplied");
    });
  });
});
