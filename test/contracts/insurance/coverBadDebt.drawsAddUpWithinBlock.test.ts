/**
 * The per-block draw cap counts every draw of the block (IInsuranceFund, DESIGN §13.14): after two successful
 * takeovers the cap left is the cap minus both draws, not minus the last one, so a third takeover in the same block
 * that needs more than what is left reverts.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { useSolvencyInvariant } from "../../fixtures/keel";
import { trade } from "../trading/helpers";
import { BTC_PRICE, BTC_USD, backstopSetup, extraAccount, moveBtc, usdc, wad } from "../waterfall/backstop/helpers";

describe("InsuranceFund per-block draw cap adds up every draw of the block", function () {
  useSolvencyInvariant();

  it("leaves cap − Σ draws after two takeovers, so a third needing more reverts", async function () {
    const f = await backstopSetup();
    // Cap 350. At 56,000 alice's deficit is 200; dave and erin (1,100 deposited, long 0.3 at 60,000) owe 100 each.
    await f.fund.connect(f.deployer).setMaxDrawPerBlock(wad("350"));
    const dave = await extraAccount(f, usdc(1_100));
    const erin = await extraAccount(f, usdc(1_100));
    for (const account of [dave, erin]) await trade(f, f.bob, account, "buy", wad("0.3"), BTC_PRICE);
    await moveBtc(f, wad("56000"));

    // All three takeovers in one block: 200 + 100 drawn, 50 left for erin's 100.
    await network.provider.send("evm_setAutomine", [false]);
    const sent: ContractTransactionResponse[] = [];
    try {
      for (const account of [f.alice.address, dave.address, erin.address]) {
        sent.push(await f.pm.connect(f.deployer).backstopLiquidate(account, BTC_USD, { gasLimit: 3_000_000 }));
      }
      await mine();
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
    const receipts = await Promise.all(sent.map((tx) => ethers.provider.getTransactionReceipt(tx.hash)));
    expect(new Set(receipts.map((r) => r?.blockNumber)).size, "one block").to.equal(1);
    expect(receipts.map((r) => r?.status)).to.deep.equal([1, 1, 0]);

    // Views read at that block: 300 drawn, 50 coverable; erin's position was not taken over.
    expect(await f.fund.drawnThisBlockWad()).to.equal(wad("300"));
    expect(await f.fund.coverableWad()).to.equal(wad("50"));
    expect((await f.pm.position(erin.address, BTC_USD)).sizeWad).to.equal(wad("0.3"));
    expect((await f.pm.position(dave.address, BTC_USD)).sizeWad).to.equal(0n);
  });
});
