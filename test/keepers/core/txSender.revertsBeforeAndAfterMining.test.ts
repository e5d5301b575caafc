/**
 * TxSender simulates before it uses a nonce: a call that would revert is rejected by the gas estimate and the next
 * send gets that nonce; a transaction that reverts once mined rejects sendAndWait with TxRevertedError carrying the
 * receipt; the metrics count both outcomes.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { Registry } from "prom-client";
import type { MockUSDC } from "../../../keepers/sdk/typechain";
import { TxRevertedError, TxSender } from "../../../keepers/core";
import { fundedWallet, mineBlock, pendingNonces, recordingLogger, setAutomine, until } from "./helpers";

describe("TxSender: reverts", function () {
  let sender: TxSender | undefined;

  afterEach(async function () {
    await sender?.close();
    await setAutomine(true);
  });

  it("rejects a reverting call before it uses a nonce, and reports a mined revert with its receipt", async function () {
    const wallet = await fundedWallet();
    const registry = new Registry();
    sender = new TxSender(wallet, { pollIntervalMs: 20, registry, logger: recordingLogger().logger });
    const usdc = (await ethers.deployContract("MockUSDC")) as unknown as MockUSDC;
    const overdraw = await usdc.connect(wallet).transfer.populateTransaction(ethers.Wallet.createRandom().address, 10n);

    const estimateError = await sender.send(overdraw).catch((error: unknown) => error);
    expect((estimateError as Error).message).to.match(/revert/i);
    expect(sender.inFlight).to.equal(0);
    expect(await ethers.provider.getTransactionCount(wallet.address)).to.equal(0);

    const minted = await sender.sendAndWait(await usdc.mint.populateTransaction(wallet.address, 5n));
    expect(minted.status).to.equal(1);
    const mintTx = await ethers.provider.getTransaction(minted.hash);
    expect(mintTx?.nonce, "the failed estimate did not use nonce 0").to.equal(0);

    // Mined by hand, as a real node does (Hardhat's automine turns a mined revert into a broadcast error).
    await setAutomine(false);
    const outcome = sender.sendAndWait({ ...overdraw, gasLimit: 100_000n }).catch((error: unknown) => error);
    await until("the transaction is in the mempool", async () => (await pendingNonces(wallet.address)) === 1);
    await mineBlock();
    const reverted = await outcome;
    expect(reverted).to.be.instanceOf(TxRevertedError);
    expect((reverted as TxRevertedError).receipt.status).to.equal(0);
    expect((reverted as TxRevertedError).message).to.contain((reverted as TxRevertedError).receipt.hash);

    const metrics = await registry.metrics();
    expect(metrics).to.contain(`keel_tx_sent_total{sender="${wallet.address}",kind="tx"} 2`);
    expect(metrics).to.contain(`keel_tx_failed_total{sender="${wallet.address}",reason="reverted"} 1`);
    expect(metrics).to.contain(`keel_tx_in_flight{sender="${wallet.address}"} 0`);
  });
});
