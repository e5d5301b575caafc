/**
 * The insurance fund's per-block draw cap (IInsuranceFund, DESIGN §13.14): `coverBadDebt` grants
 * min(amount, available, cap left in this block); two takeovers in one block share the cap — the second gets only
 * what is left and its takeover reverts BackstopCannotCover — while the next block starts with the whole cap again.
 * `drawnThisBlockWad` and `coverableWad` report the block's draws.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { useSolvencyInvariant } from "../../fixtures/keel";
import { refreshPrices } from "../trading/behaviourHelpers";
import { trade } from "../trading/helpers";
import { BTC_PRICE, BTC_USD, backstopSetup, extraAccount, moveBtc, usdc, wad } from "../waterfall/backstop/helpers";

/** The revert data of a mined, failed transaction (from the node's trace). */
async function revertDataOf(hash: string): Promise<string> {
  const trace = (await network.provider.send("debug_traceTransaction", [
    hash,
    { disableMemory: true, disableStack: true, disableStorage: true },
  ])) as { failed: boolean; returnValue: string };
  expect(trace.failed, "the transaction failed").to.equal(true);
  return trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`;
}

describe("InsuranceFund per-block draw cap", function () {
  useSolvencyInvariant();

  it("shares the cap between takeovers of one block and refills it in the next", async function () {
    const f = await backstopSetup();
    // Cap 250 per block. Alice's deficit at 56,000 is 200; dave (1,100 deposited) owes 1,100 − 1,200 = −100.
    await f.fund.connect(f.deployer).setMaxDrawPerBlock(wad("250"));
    const dave = await extraAccount(f, usdc(1_100));
    await trade(f, f.bob, dave, "buy", wad("0.3"), BTC_PRICE);
    await moveBtc(f, wad("56000"));
    expect(await f.fund.coverableWad()).to.equal(wad("250"));

    // Both takeovers in one block: the first draws 200, leaving 50 for dave's 100.
    await network.provider.send("evm_setAutomine", [false]);
    const sent: ContractTransactionResponse[] = [];
    try {
      for (const account of [f.alice.address, dave.address]) {
        sent.push(await f.pm.connect(f.deployer).backstopLiquidate(account, BTC_USD, { gasLimit: 3_000_000 }));
      }
      await mine();
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
    const [first, second] = sent;
    const r1 = await ethers.provider.getTransactionReceipt(first.hash);
    const r2 = await ethers.provider.getTransactionReceipt(second.hash);
    expect(r1?.blockNumber).to.equal(r2?.blockNumber);
    expect(r1?.status).to.equal(1);
    expect(r2?.status).to.equal(0);
    const err = f.pm.interface.parseError(await revertDataOf(second.hash));
    expect(err?.name).to.equal("BackstopCannotCover");
    expect(err?.args).to.deep.equal([dave.address, wad("100"), wad("50")]);
    expect((await f.pm.position(dave.address, BTC_USD)).sizeWad).to.equal(wad("0.3"));

    // A new block: the whole cap again.
    await refreshPrices(f);
    expect(await f.fund.drawnThisBlockWad()).to.equal(0n);
    await expect(f.pm.connect(f.deployer).backstopLiquidate(dave.address, BTC_USD))
      .to.emit(f.fund, "BadDebtCovered")
      .withArgs(BTC_USD, wad("100"), wad("100"));
    // Views are read at the latest block, the one of dave's takeover: 100 drawn, 250 − 100 = 150 left (the fund has
    // 10,000 − 200 − 100 = 9,700 − 0.6 · 56,000 · 1% = 9,364 available).
    expect(await f.fund.drawnThisBlockWad()).to.equal(wad("100"));
    expect(await f.fund.availableWad()).to.equal(wad("9364"));
    expect(await f.fund.coverableWad()).to.equal(wad("150"));
  });
});
