/**
 * Who may sign an account's orders (DESIGN §4): the account's key, an agent (API wallet) it approved on chain until an
 * expiry and may revoke at once, or — for a contract account — whatever its ERC-1271 `isValidSignature` accepts.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { MockERC1271Wallet } from "../../../keepers/sdk/typechain";
import { deployKeel, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { orderDigest } from "../../../keepers/sdk/orders";
import { BTC_PRICE, BTC_USD, defaultPrices, domainOf, fundAll, settle, wad } from "./helpers";
import { balanceOf, place, walkPrices } from "./behaviourHelpers";

async function setup(): Promise<KeelFixture> {
  const f = await deployKeel();
  await fundAll(f, [f.alice, f.bob], usdc(10_000));
  return f;
}

describe("PositionManager agents and contract accounts", function () {
  useSolvencyInvariant();

  describe("agents", function () {
    it("lets an approved agent sign the account's orders", async function () {
      const f = await setup();
      const agent = f.outsider;
      const expiry = BigInt(await time.latest()) + 3600n;
      await expect(f.pm.connect(f.alice).approveAgent(agent.address, expiry))
        .to.emit(f.pm, "AgentApproved")
        .withArgs(f.alice.address, agent.address, expiry);
      expect(await f.pm.agentExpiry(f.alice.address, agent.address)).to.equal(expiry);

      // alice's order, signed by the agent's key.
      const bid = await place(f, f.alice, "buy", { size: wad("0.1") }, agent);
      await defaultPrices(f);
      await settle(f, [
        { maker: await place(f, f.bob, "sell", { size: wad("0.1") }), taker: bid, size: wad("0.1"), price: BTC_PRICE },
      ]);
      expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.1"));
      // The agent's own account is untouched; alice paid the taker fee.
      expect((await f.pm.position(agent.address, BTC_USD)).sizeWad).to.equal(0n);
      expect(await balanceOf(f, f.alice)).to.equal(wad("10000") - wad("2.7"));
    });

    it("lets the agent cancel the account's orders", async function () {
      const f = await setup();
      const agent = f.outsider;
      await f.pm.connect(f.alice).approveAgent(agent.address, BigInt(await time.latest()) + 3600n);
      const bid = await place(f, f.alice, "buy", { size: wad("0.1") });
      await expect(f.pm.connect(agent).cancelOrder(bid.order))
        .to.emit(f.pm, "OrderCancelled")
        .withArgs(f.alice.address, orderDigest(await domainOf(f), bid.order), bid.order.nonce);
      expect(await f.pm.isNonceUsed(f.alice.address, bid.order.nonce)).to.equal(true);
    });

    it("stops filling the agent's orders once revoked", async function () {
      const f = await setup();
      const agent = f.outsider;
      await f.pm.connect(f.alice).approveAgent(agent.address, BigInt(await time.latest()) + 3600n);
      const bid = await place(f, f.alice, "buy", { size: wad("0.1") }, agent);
      await expect(f.pm.connect(f.alice).revokeAgent(agent.address))
        .to.emit(f.pm, "AgentRevoked")
        .withArgs(f.alice.address, agent.address);
      expect(await f.pm.agentExpiry(f.alice.address, agent.address)).to.equal(0n);

      await defaultPrices(f);
      await expect(
        settle(f, [
          {
            maker: await place(f, f.bob, "sell", { size: wad("0.1") }),
            taker: bid,
            size: wad("0.1"),
            price: BTC_PRICE,
          },
        ]),
      )
        .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
        .withArgs(0n, 1n, agent.address);
      await expect(f.pm.connect(agent).cancelOrder(bid.order))
        .to.be.revertedWithCustomError(f.pm, "NotAccountOrAgent")
        .withArgs(agent.address, f.alice.address);
    });

    it("accepts the agent's orders up to and including its expiry second, not after", async function () {
      const f = await setup();
      const agent = f.outsider;
      const expiry = BigInt(await time.latest()) + 100n;
      await f.pm.connect(f.alice).approveAgent(agent.address, expiry);

      await time.increaseTo(expiry - 2n);
      await walkPrices(f, {});
      await time.setNextBlockTimestamp(expiry);
      await settle(f, [
        {
          maker: await place(f, f.bob, "sell", { size: wad("0.1") }),
          taker: await place(f, f.alice, "buy", { size: wad("0.1") }, agent),
          size: wad("0.1"),
          price: BTC_PRICE,
        },
      ]);
      expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.1"));

      await walkPrices(f, {});
      await expect(
        settle(f, [
          {
            maker: await place(f, f.bob, "sell", { size: wad("0.1") }),
            taker: await place(f, f.alice, "buy", { size: wad("0.1") }, agent),
            size: wad("0.1"),
            price: BTC_PRICE,
          },
        ]),
      )
        .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
        .withArgs(0n, 1n, agent.address);
    });

    it("refuses to fill an order signed by a key that is neither the account nor its agent", async function () {
      const f = await setup();
      const bid = await place(f, f.alice, "buy", { size: wad("0.1") }, f.carol);
      await defaultPrices(f);
      await expect(
        settle(f, [
          {
            maker: await place(f, f.bob, "sell", { size: wad("0.1") }),
            taker: bid,
            size: wad("0.1"),
            price: BTC_PRICE,
          },
        ]),
      )
        .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
        .withArgs(0n, 1n, f.carol.address);
    });

    it("refuses to approve the zero address, the account itself, or an expiry not in the future", async function () {
      const f = await deployKeel();
      const now = BigInt(await time.latest());
      await expect(f.pm.connect(f.alice).approveAgent(ethers.ZeroAddress, now + 100n))
        .to.be.revertedWithCustomError(f.pm, "AgentInvalid")
        .withArgs(ethers.ZeroAddress, now + 100n);
      await expect(f.pm.connect(f.alice).approveAgent(f.alice.address, now + 100n))
        .to.be.revertedWithCustomError(f.pm, "AgentInvalid")
        .withArgs(f.alice.address, now + 100n);
      // An expiry equal to the block time of the approval is not in the future.
      const at = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(at);
      await expect(f.pm.connect(f.alice).approveAgent(f.outsider.address, at))
        .to.be.revertedWithCustomError(f.pm, "AgentInvalid")
        .withArgs(f.outsider.address, at);
    });
  });

  describe("ERC-1271 contract accounts", function () {
    /** A MockERC1271Wallet owned by carol, funded with 10,000 USDC deposited in the vault through `execute`. */
    async function walletOfCarol(f: KeelFixture): Promise<MockERC1271Wallet> {
      const wallet = (await (
        await ethers.getContractFactory("MockERC1271Wallet")
      ).deploy(f.carol.address)) as unknown as MockERC1271Wallet;
      const amount = usdc(10_000);
      const vault = await f.vault.getAddress();
      await f.usdc.mint(await wallet.getAddress(), amount);
      await wallet.connect(f.carol).approve(await f.usdc.getAddress(), vault, amount);
      await wallet.connect(f.carol).execute(vault, f.vault.interface.encodeFunctionData("deposit", [amount]));
      return wallet;
    }

    it("settles an order of a contract account signed by its owner's key", async function () {
      const f = await setup();
      const wallet = await walletOfCarol(f);
      const account = { address: await wallet.getAddress() };
      expect(await balanceOf(f, account)).to.equal(wad("10000"));

      const bid = await place(f, f.carol, "buy", { account: account.address, size: wad("0.1") });
      await defaultPrices(f);
      await settle(f, [
        { maker: await place(f, f.bob, "sell", { size: wad("0.1") }), taker: bid, size: wad("0.1"), price: BTC_PRICE },
      ]);

      const p = await f.pm.position(account.address, BTC_USD);
      expect(p.sizeWad).to.equal(wad("0.1"));
      expect(p.openNotionalWad).to.equal(wad("6000"));
      expect(await balanceOf(f, account)).to.equal(wad("10000") - wad("2.7"));
      // The owner's own account is untouched.
      expect((await f.pm.position(f.carol.address, BTC_USD)).sizeWad).to.equal(0n);
    });

    it("refuses an order of a contract account signed by another key", async function () {
      const f = await setup();
      const wallet = await walletOfCarol(f);
      const bid = await place(f, f.bob, "buy", { account: await wallet.getAddress(), size: wad("0.1") });
      await defaultPrices(f);
      await expect(
        settle(f, [
          {
            maker: await place(f, f.alice, "sell", { size: wad("0.1") }),
            taker: bid,
            size: wad("0.1"),
            price: BTC_PRICE,
          },
        ]),
      )
        .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
        .withArgs(0n, 1n, f.bob.address);
    });
  });
});
