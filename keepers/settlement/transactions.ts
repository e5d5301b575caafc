/**
 * The batch transaction's life on the wire: signed locally (so its hash and nonce are journaled before it leaves),
 * broadcast, awaited, and, when a node refuses it, made unable to land by spending its nonce on a zero-value
 * transfer. Whether a batch landed is never read from here: the caller asks `nextBatchId` once the transaction is
 * final (mined, or its nonce taken).
 *
 * Candidate for keepers/core's txSender (nonce manager, fee policy, retries of transient RPC errors).
 */
import { Transaction, isError, type Provider, type Signer, type TransactionReceipt } from "ethers";
import type { Logger } from "pino";
import { SettlementStalledError } from "./errors";
import type { BatchTx } from "./journalTypes";

/** Options of {@link BatchTransactions}. */
export interface BatchTransactionsOptions {
  /** The matcher's signer (signs locally: an ethers `Wallet`). */
  signer: Signer;
  provider: Provider;
  logger: Logger;
  /** Blocks on top of the transaction's before its receipt counts. */
  confirmations: number;
  /** How long to wait for a receipt (ms). */
  receiptTimeoutMs: number;
  /** Gas limit = estimate + this percentage. */
  gasHeadroomPercent: bigint;
}

/** Fee bump of a nonce-voiding transfer over the refused transaction's fees (replacement rule: ≥ 10%). */
const VOID_FEE_BUMP_PERCENT = 125n;

/** Signs, broadcasts and awaits batch transactions of one matcher account. */
export class BatchTransactions {
  constructor(private readonly o: BatchTransactionsOptions) {}

  /** Signs a call of `data` to `to` with a gas limit of `gasEstimate` plus headroom (nonce and fees from the node). */
  async sign(to: string, data: string, gasEstimate: bigint): Promise<BatchTx> {
    const gasLimit = gasEstimate + (gasEstimate * this.o.gasHeadroomPercent) / 100n;
    const raw = await this.o.signer.signTransaction(await this.o.signer.populateTransaction({ to, data, gasLimit }));
    const signed = Transaction.from(raw);
    return { hash: signed.hash!, nonce: signed.nonce, sender: signed.from!, raw };
  }

  /**
   * Broadcasts the signed transaction. Returns the node's refusal when the node neither knows the transaction nor
   * was its nonce taken (judged from the chain, not from the message); undefined when it is on its way or final.
   * @throws the provider's error for a transport failure (no node answered).
   */
  async broadcast(tx: BatchTx): Promise<Error | undefined> {
    try {
      await this.o.provider.broadcastTransaction(tx.raw);
      return undefined;
    } catch (error) {
      if (isError(error, "NETWORK_ERROR") || isError(error, "TIMEOUT") || isError(error, "SERVER_ERROR")) throw error;
      if (await this.o.provider.getTransaction(tx.hash)) return undefined;
      if (await this.nonceTaken(tx)) return undefined;
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Whether a mined transaction of the sender used the transaction's nonce (then it can never be mined). */
  async nonceTaken(tx: Pick<BatchTx, "sender" | "nonce">): Promise<boolean> {
    return (await this.o.provider.getTransactionCount(tx.sender, "latest")) > tx.nonce;
  }

  /**
   * The transaction's receipt with the configured confirmations; null when none came in time but its nonce is
   * taken (the transaction is final and did not land as such).
   * @throws SettlementStalledError when none came in time and the nonce is still free.
   */
  async waitForReceipt(tx: BatchTx, what: string): Promise<TransactionReceipt | null> {
    try {
      return await this.o.provider.waitForTransaction(tx.hash, this.o.confirmations, this.o.receiptTimeoutMs);
    } catch (error) {
      if (!isError(error, "TIMEOUT")) throw error;
      if (await this.nonceTaken(tx)) return null;
      throw new SettlementStalledError(
        `No receipt for ${what} (tx ${tx.hash}) after ${this.o.receiptTimeoutMs} ms and its nonce ${tx.nonce} is ` +
          `still free: the next attempt re-broadcasts it (check the matcher account's gas price and balance)`,
        { cause: error },
      );
    }
  }

  /**
   * Makes a refused transaction unable to land: sends a zero-value transfer from the sender to itself with the same
   * nonce and higher fees (at least 25% over the refused transaction's, to replace it in any mempool holding it),
   * and waits until that nonce is taken (by the transfer, or by the original transaction after all).
   * @throws SettlementStalledError when the nonce is still free after the receipt timeout.
   */
  async voidNonce(tx: BatchTx, refusal: Error): Promise<void> {
    this.o.logger.warn(
      { txHash: tx.hash, nonce: tx.nonce, refusal: refusal.message },
      "node refused a batch tx: voiding its nonce",
    );
    const original = Transaction.from(tx.raw);
    const fees = await this.o.provider.getFeeData();
    const bump = (fresh: bigint | null, old: bigint | null): bigint => {
      const floor = ((old ?? 0n) * VOID_FEE_BUMP_PERCENT) / 100n;
      return fresh !== null && fresh > floor ? fresh : floor;
    };
    const feeFields =
      original.type === 2
        ? {
            maxFeePerGas: bump(fees.maxFeePerGas, original.maxFeePerGas),
            maxPriorityFeePerGas: bump(fees.maxPriorityFeePerGas, original.maxPriorityFeePerGas),
          }
        : { gasPrice: bump(fees.gasPrice, original.gasPrice) };
    const request = { to: tx.sender, value: 0n, nonce: tx.nonce, gasLimit: 21_000n, type: original.type, ...feeFields };
    const raw = await this.o.signer.signTransaction(await this.o.signer.populateTransaction(request));
    const hash = Transaction.from(raw).hash!;
    const refused = await this.broadcast({ ...tx, hash, raw });
    if (refused && !(await this.nonceTaken(tx))) throw refused;
    await this.waitForReceipt({ ...tx, hash, raw }, `the nonce-voiding transfer of tx ${tx.hash}`);
  }
}
