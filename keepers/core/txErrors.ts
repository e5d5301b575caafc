/** The errors of `TxSender`: each says what happened to the transaction and what to do about it. */
import type { TransactionReceipt } from "ethers";
import { errorText } from "./retry";

/** The transaction was mined but reverted; `receipt` has the block, gas used and logs. */
export class TxRevertedError extends Error {
  override readonly name = "TxRevertedError";
  constructor(readonly receipt: TransactionReceipt) {
    super(
      `transaction ${receipt.hash} reverted in block ${receipt.blockNumber} (gas used ${receipt.gasUsed}); ` +
        "replay it with eth_call at that block to decode the revert reason",
    );
  }
}

/**
 * The transaction's nonce was consumed by another transaction: the self-transfer this sender sent to heal a gap
 * (`replacementHash` set), or a transaction sent from the same key by something else. The transaction will never be
 * mined; send it again if it is still wanted.
 */
export class TxReplacedError extends Error {
  override readonly name = "TxReplacedError";
  constructor(
    readonly nonce: number,
    readonly hash: string,
    readonly replacementHash: string | undefined,
  ) {
    super(
      replacementHash === undefined
        ? `transaction ${hash} (nonce ${nonce}) was never mined: its nonce was used by a transaction this sender did ` +
            "not send (is the key used by another process?)"
        : `transaction ${hash} (nonce ${nonce}) was replaced by the 0-value self-transfer ${replacementHash} that ` +
            "healed a nonce gap; send it again if it is still wanted",
    );
  }
}

/**
 * Broadcasting the transaction failed (the node rejected it, or stayed unreachable through every retry); `cause` is
 * the node's error. The nonce is either reused by the next send or cancelled with a self-transfer, so sending again
 * is safe.
 */
export class TxBroadcastError extends Error {
  override readonly name = "TxBroadcastError";
  constructor(
    readonly nonce: number,
    cause: unknown,
  ) {
    super(`broadcast of the transaction with nonce ${nonce} failed: ${errorText(cause)}`, { cause });
  }
}

/** The sender was closed while this send waited for a nonce or for its receipt (the transaction may still land). */
export class TxSenderClosedError extends Error {
  override readonly name = "TxSenderClosedError";
}
