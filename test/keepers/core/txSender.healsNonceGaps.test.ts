/**
 * TxSender heals nonce gaps: when the transaction with the account's next nonce vanishes from the node (dropped from
 * the mempool) and the nonce stops advancing, it rebroadcasts the kept signed transaction; when the node refuses
 * that, it cancels the nonce with a 0-value self-transfer. Either way the later nonces land.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { Provider } from "ethers";
import { TxReplacedError, TxSender } from "../../../keepers/core";
import { fundedWallet, mineBlock, pendingNonces, recordingLogger, setAutomine, until } from "./helpers";

/** ethers.provider, except that `broadcastTransaction` of the transactions in `refused` fails as a node would. */
function refusingProvider(refused: Set<string>): Provider {
  const base = ethers.provider;
  return new Proxy(base, {
    get(target, property) {
      if (property === "broadcastTransaction") {
        return async (raw: string) => {
          if (refused.has(ethers.keccak256(raw))) throw new Error("transaction rejected: txpool is full");
          return target.broadcastTransaction(raw);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as Provider;
}

describe("TxSender: nonce gap healing", function () {
  let sender: TxSender | undefined;

  afterEach(async function () {
    await sender?.close();
    await setAutomine(true);
  });

  it("rebroadcasts a transaction dropped from the mempool, and the later nonces land", async function () {
    const wallet = await fundedWallet();
    const { logger, lines } = recordingLogger();
    sender = new TxSender(wallet, { stuckAfterMs: 150, pollIntervalMs: 20, logger });
    await setAutomine(false);
    const recipient = ethers.Wallet.createRandom().address;
    const [first, second, third] = await Promise.all(
      [1n, 2n, 3n].map((value) => sender!.send({ to: recipient, value })),
    );

    await network.provider.send("hardhat_dropTransaction", [first.hash]);
    expect(await ethers.provider.getTransaction(first.hash), "dropped").to.equal(null);
    await mineBlock();
    expect(await ethers.provider.getTransactionReceipt(second.hash), "blocked behind the gap").to.equal(null);

    await until("the dropped transaction is back in the mempool", async () => {
      return (await ethers.provider.getTransaction(first.hash)) !== null;
    });
    expect(lines.some((line) => line.msg === "transaction vanished from the node: rebroadcast it")).to.equal(true);
    await mineBlock();
    const receipts = await Promise.all(
      [first, second, third].map((tx) => ethers.provider.getTransactionReceipt(tx.hash)),
    );
    expect(receipts.map((r) => r?.status)).to.deep.equal([1, 1, 1]);
    expect(await ethers.provider.getBalance(recipient)).to.equal(6n);
  });

  it("cancels the nonce with a self-transfer when the rebroadcast is refused; the caller gets TxReplacedError", async function () {
    const wallet = await fundedWallet();
    const refused = new Set<string>();
    const { logger, lines } = recordingLogger();
    sender = new TxSender(wallet, {
      stuckAfterMs: 150,
      pollIntervalMs: 20,
      logger,
      provider: refusingProvider(refused),
    });
    await setAutomine(false);
    const recipient = ethers.Wallet.createRandom().address;
    const firstNonce = await ethers.provider.getTransactionCount(wallet.address);
    const firstOutcome = sender.sendAndWait({ to: recipient, value: 1n }).catch((error: unknown) => error);
    await until("the first transaction is in the mempool", async () => (await pendingNonces(wallet.address)) === 1);
    const pendingBlock = (await ethers.provider.send("eth_getBlockByNumber", ["pending", true])) as {
      transactions: { hash: string; from: string }[];
    };
    const firstHash = pendingBlock.transactions.find((tx) => ethers.getAddress(tx.from) === wallet.address)?.hash ?? "";
    const laterOutcomes = [
      sender.sendAndWait({ to: recipient, value: 2n }),
      sender.sendAndWait({ to: recipient, value: 3n }),
    ];
    await until("both later sends are in the mempool", async () => (await pendingNonces(wallet.address)) === 3);

    refused.add(firstHash);
    await network.provider.send("hardhat_dropTransaction", [firstHash]);
    const cancelled = () => lines.find((line) => line.msg === "nonce cancelled with a 0-value self-transfer");
    await until("the nonce is cancelled", () => cancelled() !== undefined);
    await mineBlock();

    const [second, third] = await Promise.all(laterOutcomes);
    expect([second.status, third.status]).to.deep.equal([1, 1]);
    const error = await firstOutcome;
    expect(error).to.be.instanceOf(TxReplacedError);
    expect(error).to.include({ hash: firstHash, replacementHash: cancelled()?.hash });
    expect(await ethers.provider.getTransactionReceipt(firstHash), "the dropped transaction never lands").to.equal(
      null,
    );
    const filler = await ethers.provider.getTransaction(cancelled()?.hash as string);
    expect(filler).to.deep.include({ nonce: firstNonce, to: wallet.address, from: wallet.address, value: 0n });
    expect(await ethers.provider.getBalance(recipient)).to.equal(5n);
  });
});
