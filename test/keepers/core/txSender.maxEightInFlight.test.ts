/**
 * TxSender never has more than 8 nonces above the chain's (HyperEVM's mempool accepts only the next 8 per sender):
 * with automine off, 12 sends put 8 transactions in the mempool and queue 4, the 9th goes out only once a block is
 * mined, and all 12 land in nonce order, which is the order of the calls.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { TransactionResponse } from "ethers";
import { TxSender } from "../../../keepers/core";
import { fundedWallet, mineBlock, pendingNonces, recordingLogger, setAutomine, until } from "./helpers";

describe("TxSender: at most 8 transactions in flight", function () {
  let sender: TxSender | undefined;

  afterEach(async function () {
    await sender?.close();
    await setAutomine(true);
  });

  it("queues the 9th send until a block is mined, then lands all 12 in nonce order", async function () {
    const wallet = await fundedWallet();
    const firstNonce = await ethers.provider.getTransactionCount(wallet.address);
    const recipient = ethers.Wallet.createRandom().address;
    sender = new TxSender(wallet, { pollIntervalMs: 20, logger: recordingLogger().logger });
    await setAutomine(false);

    const settled: boolean[] = [];
    const sends = Array.from({ length: 12 }, (_, i) =>
      sender!.send({ to: recipient, value: BigInt(i + 1) }).then((response) => {
        settled[i] = true;
        return response;
      }),
    );
    await until("8 are in flight and 4 queued", () => sender!.inFlight === 8 && sender!.queued === 4);
    const firstEight = await Promise.all(sends.slice(0, 8));
    expect(await pendingNonces(wallet.address)).to.equal(8);

    // A check of the chain without a new block frees nothing: the 9th stays queued.
    await sender.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled[8], "the 9th send is still waiting").to.equal(undefined);
    expect(settled.filter(Boolean)).to.have.length(8);
    expect(sender.inFlight).to.equal(8);
    expect(sender.queued).to.equal(4);
    expect(await pendingNonces(wallet.address)).to.equal(8);

    await mineBlock();
    await sender.refresh();
    const lastFour = await Promise.all(sends.slice(8));
    expect(sender.queued).to.equal(0);
    expect(await pendingNonces(wallet.address)).to.equal(4);
    await mineBlock();

    const responses: TransactionResponse[] = [...firstEight, ...lastFour];
    expect(
      responses.map((r) => r.nonce),
      "nonces in call order",
    ).to.deep.equal(Array.from({ length: 12 }, (_, i) => firstNonce + i));
    const receipts = await Promise.all(responses.map((r) => ethers.provider.getTransactionReceipt(r.hash)));
    const blocks = receipts.map((receipt) => {
      expect(receipt?.status).to.equal(1);
      return receipt!.blockNumber;
    });
    expect(blocks, "later nonces never land before earlier ones").to.deep.equal([...blocks].sort((a, b) => a - b));
    expect(new Set(blocks).size, "two blocks: 8 then 4").to.equal(2);
    expect(await ethers.provider.getTransactionCount(wallet.address)).to.equal(firstNonce + 12);
    await sender.refresh();
    expect(sender.inFlight).to.equal(0);
  });
});
