/**
 * TxSender keeps its nonces consistent after failures: a broadcast the node refuses rejects with TxBroadcastError
 * and its nonce is reused by the next send; a "nonce too low" answer (the key was used elsewhere) resyncs the nonce
 * from the chain and the send goes through.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { TxBroadcastError, TxSender } from "../../../keepers/core";
import { fundedWallet, recordingLogger } from "./helpers";

describe("TxSender: nonce recovery", function () {
  let sender: TxSender | undefined;

  afterEach(async function () {
    await sender?.close();
  });

  it("rejects a refused broadcast with TxBroadcastError and reuses its nonce", async function () {
    const wallet = await fundedWallet();
    sender = new TxSender(wallet, { pollIntervalMs: 20, logger: recordingLogger().logger });
    const recipient = ethers.Wallet.createRandom().address;
    const tooExpensive = { to: recipient, value: ethers.parseEther("1000"), gasLimit: 21_000n };
    const error = await sender.send(tooExpensive).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TxBroadcastError);
    expect((error as TxBroadcastError).message).to.match(/insufficient funds|sender doesn't have enough funds/i);
    expect(sender.inFlight).to.equal(0);
    const receipt = await sender.sendAndWait({ to: recipient, value: 1n });
    expect((await ethers.provider.getTransaction(receipt.hash))?.nonce, "nonce 0 reused").to.equal(0);
  });

  it("resyncs from the chain when another sender used its next nonce", async function () {
    const wallet = await fundedWallet();
    const { logger, lines } = recordingLogger();
    // No background check runs during the test: the conflict must be found by the broadcast itself.
    sender = new TxSender(wallet, { pollIntervalMs: 60_000, logger });
    const recipient = ethers.Wallet.createRandom().address;
    await sender.send({ to: recipient, value: 1n }); // nonce 0 (automine); the sender now expects nonce 1
    await wallet.sendTransaction({ to: recipient, value: 2n, nonce: 1 }); // nonce 1, behind its back

    const response = await sender.send({ to: recipient, value: 3n });
    expect(response.nonce).to.equal(2);
    expect((await ethers.provider.getTransactionReceipt(response.hash))?.status).to.equal(1);
    expect(lines.some((line) => line.msg === "nonce too low: resyncing the account's nonce from the chain")).to.equal(
      true,
    );
    expect(await ethers.provider.getBalance(recipient)).to.equal(6n);
  });
});
