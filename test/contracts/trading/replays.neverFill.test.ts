/**
 * DESIGN §13.5: a settled fill cannot be replayed; cancelled, expired and below-`cancelUpTo` orders never fill; a
 * signature over a wrong chain id or verifying contract never verifies. Each case asserts the specific error and that
 * no position, balance (traders and protocol accounts), open interest or batch id moved.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import type { SignedOrder } from "../../../keepers/sdk/batch";
import { signOrder, type Order } from "../../../keepers/sdk/orders";
import { BTC_PRICE, BTC_USD, buildBatch, defaultPrices, domainOf, order, settle, signed, wad } from "./helpers";
import { expectLedgerUnchanged, fundedWithPrices, hashOf, ledgerSnapshot, nextBlockIn } from "./revertHelpers";

const SIZE = wad("0.1");

describe("replayed and void orders never fill", function () {
  useSolvencyInvariant();

  let f: KeelFixture;

  beforeEach(async function () {
    f = await deployKeel();
    await fundedWithPrices(f);
  });

  function one(maker: SignedOrder, taker: SignedOrder) {
    return settle(f, [{ maker, taker, size: SIZE, price: BTC_PRICE }]);
  }

  async function neverFills(send: () => Promise<unknown>): Promise<void> {
    const accounts = [f.alice, f.bob, f.carol];
    const before = await ledgerSnapshot(f, accounts);
    await send();
    await expectLedgerUnchanged(f, before, accounts);
  }

  it("a settled fill resubmitted (same batch id or the next one)", async function () {
    const maker = await signed(f, f.bob, order(f.bob, "sell"));
    const taker = await signed(f, f.alice, order(f.alice, "buy"));
    const landed = (await buildBatch(f, [{ maker, taker, size: SIZE, price: BTC_PRICE }])).args();
    await f.pm.connect(f.deployer).settleBatch(landed.batchId, landed.orders, landed.signatures, landed.fills);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(SIZE);

    await neverFills(async () => {
      // The very same transaction again: the batch id has moved on.
      await expect(f.pm.connect(f.deployer).settleBatch(landed.batchId, landed.orders, landed.signatures, landed.fills))
        .to.be.revertedWithCustomError(f.pm, "BatchIdMismatch")
        .withArgs(landed.batchId, landed.batchId + 1n);
      // The same fill under the next batch id: both orders are dead (the maker is checked first).
      await expect(one(maker, taker))
        .to.be.revertedWithCustomError(f.pm, "OrderDead")
        .withArgs(0, 0, await hashOf(f, maker.order));
    });
  });

  it("a cancelled order", async function () {
    const maker = await signed(f, f.bob, order(f.bob, "sell"));
    const taker = await signed(f, f.alice, order(f.alice, "buy"));
    await f.pm.connect(f.bob).cancelOrder(maker.order);
    await neverFills(async () =>
      expect(one(maker, taker))
        .to.be.revertedWithCustomError(f.pm, "OrderDead")
        .withArgs(0, 0, await hashOf(f, maker.order)),
    );
  });

  it("an expired order", async function () {
    const expiry = BigInt(await time.latest()) + 10n;
    const maker = await signed(f, f.bob, order(f.bob, "sell"));
    const taker = await signed(f, f.alice, order(f.alice, "buy", { expiry }));
    await time.increaseTo(expiry + 5n);
    await defaultPrices(f);
    const now = await nextBlockIn(1);
    await neverFills(() =>
      expect(one(maker, taker)).to.be.revertedWithCustomError(f.pm, "OrderExpired").withArgs(0, 1, expiry, now),
    );
  });

  it("an order below the account's cancelUpTo floor", async function () {
    const maker = await signed(f, f.bob, order(f.bob, "sell"));
    const taker = await signed(f, f.alice, order(f.alice, "buy"));
    const floor = taker.order.nonce + 1n;
    await f.pm.connect(f.alice).cancelUpTo(f.alice.address, floor);
    await neverFills(() =>
      expect(one(maker, taker))
        .to.be.revertedWithCustomError(f.pm, "OrderBelowNonceFloor")
        .withArgs(0, 1, taker.order.nonce, floor),
    );
  });

  /** Alice's order signed over `domain`; the contract recovers some other address from its own digest. */
  async function signedOver(o: Order, patch: Partial<Awaited<ReturnType<typeof domainOf>>>) {
    const domain = { ...(await domainOf(f)), ...patch };
    const signature = await signOrder(f.alice, domain, o);
    const recovered = ethers.recoverAddress(await hashOf(f, o), signature);
    expect(recovered).to.not.equal(f.alice.address);
    return { signedOrder: { order: o, signature }, recovered };
  }

  it("a signature over a wrong chain id", async function () {
    const { chainId } = await domainOf(f);
    const maker = await signed(f, f.bob, order(f.bob, "sell"));
    for (const wrong of [chainId + 1n, 999n, 1n]) {
      const { signedOrder, recovered } = await signedOver(order(f.alice, "buy"), { chainId: wrong });
      await neverFills(() =>
        expect(one(maker, signedOrder))
          .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
          .withArgs(0, 1, recovered),
      );
    }
  });

  it("a signature over a wrong verifying contract", async function () {
    const maker = await signed(f, f.bob, order(f.bob, "sell"));
    for (const wrong of [await f.vault.getAddress(), await f.registry.getAddress(), ethers.ZeroAddress]) {
      const { signedOrder, recovered } = await signedOver(order(f.alice, "buy"), { verifyingContract: wrong });
      await neverFills(() =>
        expect(one(maker, signedOrder))
          .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
          .withArgs(0, 1, recovered),
      );
    }
  });

  it("a signature over a wrong domain name or version", async function () {
    const maker = await signed(f, f.bob, order(f.bob, "sell"));
    for (const patch of [{ name: "Keel2" }, { version: "2" }]) {
      const { signedOrder, recovered } = await signedOver(order(f.alice, "buy"), patch);
      await neverFills(() =>
        expect(one(maker, signedOrder))
          .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
          .withArgs(0, 1, recovered),
      );
    }
  });
});
