/**
 * A contract account (MockERC1271Wallet, funded with `depositFor`) trades with signatures its `isValidSignature`
 * accepts (its owner's key): intake accepts them, the fill settles on chain, and a signature the wallet refuses is
 * answered 401 INVALID_SIGNATURE naming the ERC-1271 check.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { usdc, wad } from "../../fixtures/keel";
import { traders } from "../e2e/helpers";
import { caughtUp, expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: ERC-1271 contract accounts", function () {
  const ctx = useExchange(2);

  async function fundedWallet(): Promise<string> {
    const [owner] = ctx.traders;
    const { f } = ctx.ex;
    const wallet = await ethers.deployContract("MockERC1271Wallet", [await owner.getAddress()]);
    const address = await wallet.getAddress();
    const amount = usdc(50_000);
    await f.usdc.mint(f.deployer.address, amount);
    await f.usdc.connect(f.deployer).approve(await f.vault.getAddress(), amount);
    await f.vault.connect(f.deployer).depositFor(address, amount);
    await caughtUp(ctx.ex);
    return address;
  }

  it("accepts the owner's signature for the wallet's order, which fills and settles on chain", async function () {
    const [owner, taker] = ctx.traders;
    const wallet = await fundedWallet();
    const ask = { ...(await orderFor(owner, "sell", { size: wad("0.2") })), account: wallet };
    const resting = await ctx.ex.client.placeOrder(await ctx.ex.sign(owner, ask));
    expect(resting.order).to.deep.include({ status: "open", account: wallet });

    const bid = await place(ctx.ex, taker, await orderFor(taker, "buy", { size: wad("0.2") }));
    expect(bid.fills).to.have.length(1);
    await ctx.ex.settle();
    expect((await ctx.ex.f.pm.position(wallet, ask.marketId)).sizeWad).to.equal(-wad("0.2"));
  });

  it("refuses a signature the wallet does not accept", async function () {
    const wallet = await fundedWallet();
    const [stranger] = await traders(1, 15);
    const order = { ...(await orderFor(stranger, "buy")), account: wallet };
    await expectRejected(
      ctx.ex.client.placeOrder(await ctx.ex.sign(stranger, order)),
      401,
      "INVALID_SIGNATURE",
      wallet,
      "ERC-1271",
    );
  });
});
