/**
 * The transaction sender of one keeper account. HyperEVM's mempool accepts only the next 8 nonces of a sender, so
 * the sender assigns nonces itself, never has more than `maxInFlight` (8) nonces above the chain's, queues further
 * sends first come first served, and heals the gaps a lost or failed transaction leaves (a gap stalls every later
 * nonce): it rebroadcasts the kept signed transaction, or cancels the nonce with a 0-value self-transfer.
 */
import { keccak256, type Provider, type Signer, type TransactionLike, type TransactionReceipt } from "ethers";
import type { TransactionRequest, TransactionResponse } from "ethers";
import { setMaxListeners } from "node:events";
import pino from "pino";
import type { Registry } from "prom-client";
import type { Logger } from "./logger";
import { errorText, isTransientRpcError, withRetry, type RetryOptions } from "./retry";
import { TxBroadcastError, TxReplacedError, TxRevertedError, TxSenderClosedError } from "./txErrors";
import { senderMetrics, type SenderMetrics } from "./txMetrics";

/** Nonces above the chain's that HyperEVM's mempool accepts per sender. */
export const HYPEREVM_MAX_PENDING_NONCES = 8;

/** Gas of a plain transfer to an EOA: the cost of the self-transfer that cancels a nonce. */
const TRANSFER_GAS = 21_000n;

/** Attempts (one per poll) to find the receipt of a mined nonce before calling it replaced. */
const RECEIPT_ATTEMPTS = 3;

const NONCE_TOO_LOW = /nonce too low|nonce has already been used|NONCE_EXPIRED|nonce is too low/i;
const ALREADY_KNOWN = /already known|known transaction|already imported|alreadyknown/i;

/** Options of {@link TxSender}. */
export interface TxSenderOptions {
  /** Most nonces above the chain's latest nonce at any time (default 8, HyperEVM's mempool limit). */
  maxInFlight?: number;
  /** How long the account's nonce may stay still before the oldest pending transaction is checked (default 30 s). */
  stuckAfterMs?: number;
  /** Delay between two checks of the account's nonce (default 1,000 ms). */
  pollIntervalMs?: number;
  /** Fee increase of a cancelling self-transfer over the transaction it replaces, in percent (default 25). */
  feeBumpPercent?: number;
  /** Provider to read and broadcast with (default `signer.provider`). */
  provider?: Provider;
  /** Receives every rebroadcast, cancellation, revert and failure (default: silent). */
  logger?: Logger;
  /** Registers `keel_tx_in_flight`, `keel_tx_queued`, `keel_tx_sent_total`, `keel_tx_failed_total` (label `sender`). */
  registry?: Registry;
  /** Retry settings of every RPC call (transient failures only). */
  retry?: Omit<RetryOptions, "signal" | "isTransient">;
}

/** Fees of one transaction: EIP-1559 (type 2) or legacy (type 0). */
type Fees = { type: 2; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { type: 0; gasPrice: bigint };

/** A call ready to sign once it has a nonce. */
interface PreparedTx {
  to: string | null;
  data: string;
  value: bigint;
  gasLimit: bigint;
  accessList?: TransactionLike["accessList"];
  fees: Fees;
}

/** What this sender knows about one nonce it assigned and the chain has not yet used. */
interface NonceSlot {
  nonce: number;
  /** broadcasting: the caller's transaction is being signed and sent; pending: `raw` is on the node; gap: to cancel. */
  state: "broadcasting" | "pending" | "gap";
  /** The signed transaction expected to take this nonce (the caller's, or the cancelling self-transfer). */
  raw?: string;
  hash?: string;
  fees?: Fees;
  /** The caller's transaction (set when signed, before the broadcast). */
  originalHash?: string;
  /** The caller was told the broadcast failed (TxBroadcastError); nobody waits for this nonce's outcome. */
  abandoned?: boolean;
  /** The self-transfer that cancelled the nonce, if any. */
  fillerHash?: string;
  /** When this sender last broadcast or checked this nonce (ms since epoch); 0 = act at the next check. */
  lastActionAt: number;
  /** Settles when the nonce is used: the caller's receipt, or why it never will be. */
  outcome: Deferred<TransactionReceipt>;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Every rejection is logged (and counted) where it is made; callers that never await the outcome are fine.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** `value` raised by `percent`, rounded up. */
function bumped(value: bigint, percent: number): bigint {
  return (value * BigInt(100 + percent) + 99n) / 100n;
}

/**
 * Sends the transactions of one account, assigning nonces itself.
 *
 * - **At most `maxInFlight` nonces above the chain's**: the next send waits (first come, first served) until a
 *   transaction is mined; `inFlight` and `queued` report the state. Nonces follow the order of the `send` calls.
 * - **Simulate before a nonce**: `send` estimates gas first, so a call that would revert rejects without using a
 *   nonce. Set `gasLimit` in the request to skip the estimate.
 * - **Gap healing**: if the account's nonce stops advancing for `stuckAfterMs` while the transaction with the next
 *   nonce has vanished from the node, the kept signed transaction is rebroadcast; if that fails, the nonce is
 *   cancelled with a 0-value self-transfer (fees raised by `feeBumpPercent`) so later nonces can land. A nonce whose
 *   broadcast failed is cancelled at once unless it was the last one assigned (then it is reused). A nonce that
 *   blocks the account but was not sent by this sender (a previous run) is cancelled the same way.
 * - **Nonce conflicts**: "nonce too low" resyncs from the chain and retries the send once with a new nonce.
 * - **Transient RPC errors** are retried ({@link withRetry}); reverts and other answers are not.
 *
 * The signer must sign locally (`signTransaction`): an ethers `Wallet`, not a JSON-RPC signer.
 *
 * @example
 * const sender = new TxSender(new Wallet(config.privateKey, provider), { logger, registry });
 * const receipt = await sender.sendAndWait(await pm.settleBatch.populateTransaction(batchId, orders, sigs, fills));
 * shutdown.add("close tx sender", () => sender.close());
 */
export class TxSender {
  private readonly provider: Provider;
  private readonly maxInFlight: number;
  private readonly stuckAfterMs: number;
  private readonly pollIntervalMs: number;
  private readonly feeBumpPercent: number;
  private readonly logger: Logger;
  private readonly retryOptions: Omit<RetryOptions, "signal" | "isTransient">;
  private readonly controller = new AbortController();
  private readonly slots = new Map<number, NonceSlot>();
  private readonly waiters: { resolve(nonce: number): void; reject(error: unknown): void }[] = [];
  private readonly metrics: SenderMetrics | undefined;

  private address = "";
  private chainId = 0n;
  /** The next nonce to assign. */
  private nextNonce = 0;
  /** The account's nonce in the latest block, as last read. */
  private chainNonce = 0;
  /** When `chainNonce` last advanced (ms since epoch). */
  private lastProgressAt = 0;
  private starting: Promise<void> | undefined;
  /** Set once the account's nonces have been read. */
  private ready = false;
  private monitorDone: Promise<void> | undefined;
  private refreshChain: Promise<void> = Promise.resolve();
  /** The monitor's current wait, unreferenced while the sender is idle. */
  private monitorTimer: NodeJS.Timeout | undefined;
  /** Settles when the latest `send` call has joined the nonce queue (or failed before). Never rejects. */
  private lineTail: Promise<void> = Promise.resolve();

  constructor(
    private readonly signer: Signer,
    options: TxSenderOptions = {},
  ) {
    const provider = options.provider ?? signer.provider;
    if (provider === null || provider === undefined) {
      throw new Error("TxSender needs a provider: connect the signer (wallet.connect(provider)) or pass `provider`");
    }
    this.provider = provider;
    this.maxInFlight = options.maxInFlight ?? HYPEREVM_MAX_PENDING_NONCES;
    this.stuckAfterMs = options.stuckAfterMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.feeBumpPercent = options.feeBumpPercent ?? 25;
    this.logger = options.logger ?? pino({ level: "silent" });
    this.retryOptions = options.retry ?? {};
    if (!Number.isSafeInteger(this.maxInFlight) || this.maxInFlight < 1) {
      throw new RangeError(`maxInFlight must be a positive integer, got ${this.maxInFlight}`);
    }
    this.metrics = options.registry === undefined ? undefined : senderMetrics(options.registry);
    // Every concurrent RPC call listens for close(); dozens at once are expected, not a leak.
    setMaxListeners(0, this.controller.signal);
  }

  /** Nonces assigned above the account's nonce in the latest block (being sent, pending, or being healed). */
  get inFlight(): number {
    return Math.max(0, this.nextNonce - this.chainNonce);
  }

  /** Sends waiting for a nonce (first come, first served). */
  get queued(): number {
    return this.waiters.length;
  }

  /**
   * Estimates gas (simulating the call), waits for a nonce, signs and broadcasts. Resolves once the node accepted the
   * transaction; use {@link sendAndWait} for the receipt.
   *
   * @param request to, data, value, optionally gasLimit and fees (`maxFeePerGas` + `maxPriorityFeePerGas`, or
   *   `gasPrice`; default: the node's fee data). Must not set `nonce`.
   * @throws the provider's error (e.g. CALL_EXCEPTION) when the gas estimate fails: no nonce was used.
   * @throws TxBroadcastError when the node rejects the transaction or stays unreachable.
   * @throws TxSenderClosedError when the sender is closed first.
   */
  async send(request: TransactionRequest): Promise<TransactionResponse> {
    return (await this.submit(request)).response;
  }

  /**
   * {@link send}, then waits until the transaction is mined and `confirmations` blocks deep (default 1: mined).
   *
   * @throws TxRevertedError when it was mined but reverted (the error carries the receipt).
   * @throws TxReplacedError when its nonce was used by another transaction (it will never be mined).
   * @throws TxSenderClosedError when the sender is closed before the receipt (the transaction may still land).
   */
  async sendAndWait(request: TransactionRequest, confirmations = 1): Promise<TransactionReceipt> {
    const { slot } = await this.submit(request);
    const receipt = await slot.outcome.promise;
    if (confirmations > 1) await this.waitForBlock(receipt.blockNumber + confirmations - 1);
    return receipt;
  }

  /**
   * Reads the account's nonce once: settles the transactions mined since the last check (freeing their nonces for
   * queued sends) and heals a stalled account. The sender also runs this every `pollIntervalMs`; call it to react
   * to a new block at once.
   */
  refresh(): Promise<void> {
    const run = this.refreshChain.then(() => this.refreshOnce());
    // Checks run one after another; a failure reaches this call's caller (the chain itself only sequences).
    this.refreshChain = run.catch(() => undefined);
    return run;
  }

  /** Resolves once nothing is queued or in flight (for example before shutdown closes the sender). */
  async drain(): Promise<void> {
    while (this.inFlight > 0 || this.waiters.length > 0) {
      this.throwIfClosed();
      await this.sleep(this.pollIntervalMs);
    }
  }

  /**
   * Stops the sender: queued sends and pending {@link sendAndWait} calls reject with {@link TxSenderClosedError}
   * (transactions already broadcast may still land), and the background checks stop.
   */
  async close(): Promise<void> {
    if (this.controller.signal.aborted) return;
    const inFlight = this.inFlight;
    this.controller.abort(new TxSenderClosedError("the transaction sender was closed"));
    const closed = (what: string) => new TxSenderClosedError(`the transaction sender was closed ${what}`);
    for (const waiter of this.waiters.splice(0)) waiter.reject(closed("before this send got a nonce"));
    for (const slot of this.slots.values()) {
      slot.outcome.reject(closed(`before nonce ${slot.nonce} was mined (the transaction may still land)`));
    }
    await this.monitorDone;
    this.logger.info({ sender: this.address, inFlight }, "transaction sender closed");
  }

  /* SENDING */

  private async submit(request: TransactionRequest): Promise<{ response: TransactionResponse; slot: NonceSlot }> {
    this.throwIfClosed();
    if (request.nonce !== undefined && request.nonce !== null) {
      throw new Error("TxSender assigns nonces itself: leave `nonce` unset in the request");
    }
    await this.start();
    // Nonces follow call order: each send queues for a nonce only after every earlier send queued (or failed).
    const previousInLine = this.lineTail;
    let leaveLine!: () => void;
    this.lineTail = new Promise<void>((resolve) => (leaveLine = resolve));
    let prepared: PreparedTx;
    try {
      prepared = await this.prepare(request);
    } catch (error) {
      void previousInLine.then(leaveLine);
      throw error;
    }
    await previousInLine;
    const reserved = this.reserveNonce(); // joins the nonce queue synchronously
    leaveLine();
    let nonce = await reserved;
    for (let attempt = 1; ; attempt++) {
      const slot = this.mustSlot(nonce);
      slot.fees = prepared.fees; // a cancellation must outbid it, should the broadcast reach the node after all
      try {
        const raw = await this.sign(prepared, nonce, prepared.fees);
        slot.originalHash = keccak256(raw);
        const response = await this.broadcast(raw);
        slot.state = "pending";
        slot.raw = raw;
        slot.hash = response.hash;
        slot.lastActionAt = Date.now();
        this.metrics?.sent.inc({ sender: this.address, kind: "tx" });
        this.logger.debug({ nonce, hash: response.hash }, "transaction sent");
        return { response, slot };
      } catch (error) {
        if (attempt === 1 && NONCE_TOO_LOW.test(errorText(error))) {
          // The chain used this nonce already (the key is shared, or state was lost): resync and take a new one.
          this.logger.warn({ err: error, nonce }, "nonce too low: resyncing the account's nonce from the chain");
          this.slots.delete(nonce);
          await this.resync();
          nonce = await this.reserveNonce();
          continue;
        }
        this.abandon(nonce, error);
        this.metrics?.failed.inc({ sender: this.address, reason: "broadcast" });
        throw new TxBroadcastError(nonce, error);
      }
    }
  }

  /** Resolves the call, estimates gas (which simulates it) and picks fees; no nonce is used yet. */
  private async prepare(request: TransactionRequest): Promise<PreparedTx> {
    const call = await this.signer.populateCall(request);
    const gasLimit =
      call.gasLimit === undefined || call.gasLimit === null
        ? await this.rpc(() => this.provider.estimateGas(call))
        : BigInt(call.gasLimit);
    return {
      to: call.to ?? null,
      data: call.data ?? "0x",
      value: BigInt(call.value ?? 0),
      gasLimit,
      accessList: call.accessList ?? undefined,
      fees: await this.fees(call),
    };
  }

  /** The request's own fees, else the node's current ones. */
  private async fees(call: TransactionLike<string>): Promise<Fees> {
    if (call.gasPrice !== undefined && call.gasPrice !== null) return { type: 0, gasPrice: BigInt(call.gasPrice) };
    if (call.maxFeePerGas != null && call.maxPriorityFeePerGas != null) {
      return {
        type: 2,
        maxFeePerGas: BigInt(call.maxFeePerGas),
        maxPriorityFeePerGas: BigInt(call.maxPriorityFeePerGas),
      };
    }
    const data = await this.rpc(() => this.provider.getFeeData());
    if (data.maxFeePerGas !== null && data.maxPriorityFeePerGas !== null) {
      return { type: 2, maxFeePerGas: data.maxFeePerGas, maxPriorityFeePerGas: data.maxPriorityFeePerGas };
    }
    if (data.gasPrice !== null) return { type: 0, gasPrice: data.gasPrice };
    throw new Error("the node reports no gas price: set maxFeePerGas and maxPriorityFeePerGas in the request");
  }

  private async sign(tx: PreparedTx, nonce: number, fees: Fees): Promise<string> {
    const unsigned: TransactionLike<string> = {
      to: tx.to,
      data: tx.data,
      value: tx.value,
      gasLimit: tx.gasLimit,
      accessList: tx.accessList,
      chainId: this.chainId,
      nonce,
      ...fees,
    };
    try {
      return await this.signer.signTransaction(unsigned);
    } catch (error) {
      throw new Error(`the signer cannot sign transactions locally (use an ethers Wallet): ${errorText(error)}`, {
        cause: error,
      });
    }
  }

  /** Broadcasts a signed transaction; "already known" (an earlier attempt got through) counts as success. */
  private async broadcast(raw: string): Promise<TransactionResponse> {
    try {
      return await this.rpc(() => this.provider.broadcastTransaction(raw));
    } catch (error) {
      if (ALREADY_KNOWN.test(errorText(error))) {
        const known = await this.rpc(() => this.provider.getTransaction(keccak256(raw)));
        if (known !== null) return known;
      }
      throw error;
    }
  }

  /**
   * After a failed broadcast of `nonce`: reuse it when it is the last one assigned and the node surely refused it;
   * otherwise (later nonces exist, or the node may hold it after a network failure) mark it for cancellation.
   */
  private abandon(nonce: number, error: unknown): void {
    const refused = !isTransientRpcError(error);
    if (refused && nonce === this.nextNonce - 1) {
      this.slots.delete(nonce);
      this.nextNonce = nonce;
      this.grantNonces();
      return;
    }
    const slot = this.mustSlot(nonce);
    slot.state = "gap";
    slot.abandoned = true;
    slot.lastActionAt = 0;
    this.logger.warn({ nonce }, "nonce left unused by a failed broadcast: cancelling it with a self-transfer");
    this.kick();
  }

  /* NONCES */

  private start(): Promise<void> {
    this.starting ??= this.init().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async init(): Promise<void> {
    this.address = await this.signer.getAddress();
    const [network, latest, pending] = await Promise.all([
      this.rpc(() => this.provider.getNetwork()),
      this.rpc(() => this.provider.getTransactionCount(this.address, "latest")),
      this.rpc(() => this.provider.getTransactionCount(this.address, "pending")),
    ]);
    this.chainId = network.chainId;
    this.chainNonce = latest;
    this.nextNonce = Math.max(latest, pending);
    this.lastProgressAt = Date.now();
    this.ready = true;
    if (pending > latest) {
      this.logger.warn({ sender: this.address, latest, pending }, "transactions of an earlier run are still pending");
    }
    this.logger.info({ sender: this.address, nonce: this.nextNonce, maxInFlight: this.maxInFlight }, "sender ready");
    this.monitorDone = this.monitor();
  }

  /** Waits (first come, first served) until fewer than `maxInFlight` nonces are above the chain's; returns the next. */
  private reserveNonce(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.controller.signal.aborted) {
        reject(new TxSenderClosedError("the transaction sender is closed"));
        return;
      }
      this.waiters.push({ resolve, reject });
      this.monitorTimer?.ref(); // work is outstanding: keep the process alive until it is done
      this.grantNonces();
    });
  }

  private grantNonces(): void {
    while (this.waiters.length > 0 && this.nextNonce - this.chainNonce < this.maxInFlight) {
      const nonce = this.nextNonce++;
      this.slots.set(nonce, { nonce, state: "broadcasting", lastActionAt: Date.now(), outcome: deferred() });
      this.waiters.shift()?.resolve(nonce);
    }
    this.updateGauges();
  }

  /** Re-reads the account's nonces after a conflict; never moves `nextNonce` backwards. */
  private async resync(): Promise<void> {
    const pending = await this.rpc(() => this.provider.getTransactionCount(this.address, "pending"));
    this.nextNonce = Math.max(this.nextNonce, pending);
    await this.refresh();
  }

  private mustSlot(nonce: number): NonceSlot {
    const slot = this.slots.get(nonce);
    if (slot === undefined) throw new Error(`internal: no record of nonce ${nonce}`);
    return slot;
  }

  /* MONITORING AND HEALING */

  private async monitor(): Promise<void> {
    while (!this.controller.signal.aborted) {
      try {
        await this.refresh();
      } catch (error) {
        if (this.controller.signal.aborted) break;
        this.logger.error({ err: error, sender: this.address }, "transaction check failed; retrying next poll");
      }
      await this.sleep(this.pollIntervalMs, true).catch(() => undefined); // rejects only when closed: the loop ends
    }
  }

  /** Runs a check soon (after a failed broadcast) without waiting for it. */
  private kick(): void {
    this.refresh().catch((error: unknown) => {
      if (!this.controller.signal.aborted) this.logger.error({ err: error }, "transaction check failed");
    });
  }

  private async refreshOnce(): Promise<void> {
    if (!this.ready || this.controller.signal.aborted) return;
    const latest = await this.rpc(() => this.provider.getTransactionCount(this.address, "latest"));
    const now = Date.now();
    if (latest > this.chainNonce) {
      this.chainNonce = latest;
      this.lastProgressAt = now;
    }
    if (latest > this.nextNonce) {
      this.logger.warn({ latest, nextNonce: this.nextNonce }, "account nonce moved past ours: key used elsewhere?");
      this.nextNonce = latest;
    }
    const used = [...this.slots.values()].filter((slot) => slot.nonce < latest);
    for (const slot of used) this.slots.delete(slot.nonce);
    this.grantNonces();
    await Promise.all(used.map((slot) => this.settle(slot)));
    await this.heal(latest, now);
  }

  /** Resolves or rejects the outcome of a nonce the chain has used. Never throws. */
  private async settle(slot: NonceSlot): Promise<void> {
    try {
      const receipt = await this.findReceipt([slot.originalHash, slot.fillerHash]);
      if (slot.abandoned) {
        const landed = receipt !== null && receipt.hash === slot.originalHash;
        this.logger.warn(
          { nonce: slot.nonce, hash: receipt?.hash },
          landed ? "a transaction reported as failed to broadcast was mined after all" : "nonce gap healed",
        );
        return;
      }
      if (receipt !== null && receipt.hash === slot.originalHash) {
        if (receipt.status === 1) {
          slot.outcome.resolve(receipt);
          return;
        }
        this.metrics?.failed.inc({ sender: this.address, reason: "reverted" });
        this.logger.warn({ nonce: slot.nonce, hash: receipt.hash, block: receipt.blockNumber }, "transaction reverted");
        slot.outcome.reject(new TxRevertedError(receipt));
      } else {
        this.metrics?.failed.inc({ sender: this.address, reason: "replaced" });
        const error = new TxReplacedError(slot.nonce, slot.originalHash ?? "(unsent)", receipt?.hash);
        this.logger.warn({ nonce: slot.nonce, hash: slot.originalHash }, error.message);
        slot.outcome.reject(error);
      }
    } catch (error) {
      slot.outcome.reject(error);
      if (this.controller.signal.aborted) return; // closing: close() has told the waiters
      this.logger.error({ err: error, nonce: slot.nonce }, "could not read the receipt of a mined nonce");
    }
  }

  private async findReceipt(hashes: (string | undefined)[]): Promise<TransactionReceipt | null> {
    for (let attempt = 1; attempt <= RECEIPT_ATTEMPTS; attempt++) {
      for (const hash of hashes) {
        if (hash === undefined) continue;
        const receipt = await this.rpc(() => this.provider.getTransactionReceipt(hash));
        if (receipt !== null) return receipt;
      }
      // A load-balanced endpoint may report the nonce before the receipt: give it a poll or two.
      if (attempt < RECEIPT_ATTEMPTS) await this.sleep(this.pollIntervalMs);
    }
    return null;
  }

  /** Cancels failed nonces at once, and unblocks the account when its next nonce has been stuck too long. */
  private async heal(latest: number, now: number): Promise<void> {
    for (const slot of [...this.slots.values()].sort((a, b) => a.nonce - b.nonce)) {
      const due = slot.lastActionAt === 0 || now - slot.lastActionAt >= this.stuckAfterMs;
      if (slot.state === "gap" && due) await this.cancel(slot, "broadcast failed");
    }
    if (now - this.lastProgressAt < this.stuckAfterMs || latest >= this.nextNonce) return;
    const head = this.slots.get(latest);
    if (head === undefined) {
      // A nonce below ours that this sender never sent (an earlier run) blocks the account.
      this.lastProgressAt = now;
      this.logger.warn({ nonce: latest }, "account stuck on a nonce this sender did not send: cancelling it");
      await this.cancelUntracked(latest);
      return;
    }
    if (head.state !== "pending" || head.raw === undefined || now - head.lastActionAt < this.stuckAfterMs) return;
    head.lastActionAt = now;
    const hash = head.hash ?? keccak256(head.raw);
    if ((await this.rpc(() => this.provider.getTransaction(hash))) !== null) {
      this.logger.warn(
        { nonce: head.nonce, hash, stuckMs: now - this.lastProgressAt },
        "transaction pending, not mined",
      );
      return;
    }
    try {
      await this.broadcast(head.raw);
      this.metrics?.sent.inc({ sender: this.address, kind: "rebroadcast" });
      this.logger.warn({ nonce: head.nonce, hash }, "transaction vanished from the node: rebroadcast it");
    } catch (error) {
      if (NONCE_TOO_LOW.test(errorText(error))) return; // mined meanwhile; the next check settles it
      this.logger.warn({ err: error, nonce: head.nonce, hash }, "rebroadcast failed: cancelling the nonce");
      await this.cancel(head, "rebroadcast failed");
    }
  }

  /** Replaces the transaction of `slot` with a 0-value self-transfer at higher fees. Never throws. */
  private async cancel(slot: NonceSlot, reason: string): Promise<void> {
    slot.lastActionAt = Date.now();
    try {
      const { raw, fees } = await this.sendFiller(slot.nonce, slot.fees);
      slot.state = "pending";
      slot.raw = raw;
      slot.hash = slot.fillerHash = keccak256(raw);
      slot.fees = fees;
      this.logger.warn({ nonce: slot.nonce, reason, hash: slot.hash }, "nonce cancelled with a 0-value self-transfer");
    } catch (error) {
      if (NONCE_TOO_LOW.test(errorText(error))) return; // the nonce was used meanwhile; the next check settles it
      this.metrics?.failed.inc({ sender: this.address, reason: "cancel" });
      this.logger.error({ err: error, nonce: slot.nonce }, "could not cancel the nonce; retrying after stuckAfterMs");
    }
  }

  private async cancelUntracked(nonce: number): Promise<void> {
    try {
      await this.sendFiller(nonce, undefined);
    } catch (error) {
      this.metrics?.failed.inc({ sender: this.address, reason: "cancel" });
      this.logger.error({ err: error, nonce }, "could not cancel the nonce; retrying after stuckAfterMs");
    }
  }

  /** Signs and broadcasts a 0-value transfer to self at `nonce`, with fees above both `previous` and the node's. */
  private async sendFiller(nonce: number, previous: Fees | undefined): Promise<{ raw: string; fees: Fees }> {
    const current = await this.fees({});
    const pct = this.feeBumpPercent;
    const fees: Fees =
      current.type === 2
        ? {
            type: 2,
            maxFeePerGas: maxOf(bumped(current.maxFeePerGas, pct), previousFee(previous, "max", pct)),
            maxPriorityFeePerGas: maxOf(bumped(current.maxPriorityFeePerGas, pct), previousFee(previous, "tip", pct)),
          }
        : { type: 0, gasPrice: maxOf(bumped(current.gasPrice, pct), previousFee(previous, "max", pct)) };
    const filler: PreparedTx = { to: this.address, data: "0x", value: 0n, gasLimit: TRANSFER_GAS, fees };
    const raw = await this.sign(filler, nonce, fees);
    await this.broadcast(raw);
    this.metrics?.sent.inc({ sender: this.address, kind: "cancel" });
    return { raw, fees };
  }

  /* PLUMBING */

  private async waitForBlock(block: number): Promise<void> {
    while ((await this.rpc(() => this.provider.getBlockNumber())) < block) {
      this.throwIfClosed();
      await this.sleep(this.pollIntervalMs);
    }
  }

  private rpc<T>(fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, {
      ...this.retryOptions,
      signal: this.controller.signal,
      onRetry: (error, attempt, retriesLeft) => {
        this.retryOptions.onRetry?.(error, attempt, retriesLeft);
        this.logger.warn({ err: error, attempt }, "transient RPC error: retrying");
      },
    });
  }

  /**
   * Waits `ms`; rejects when the sender closes. The monitor's wait keeps the process alive only while work is
   * outstanding (a send queued or in flight), so an idle sender never holds a finished script open.
   */
  private sleep(ms: number, monitor = false): Promise<void> {
    const signal = this.controller.signal;
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      if (monitor) {
        this.monitorTimer = timer;
        if (this.slots.size === 0 && this.waiters.length === 0) timer.unref();
      }
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private throwIfClosed(): void {
    if (this.controller.signal.aborted) throw new TxSenderClosedError("the transaction sender is closed");
  }

  private updateGauges(): void {
    this.metrics?.inFlight.set({ sender: this.address }, this.inFlight);
    this.metrics?.queued.set({ sender: this.address }, this.waiters.length);
  }
}

function maxOf(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** The fee a replacement of `previous` must at least pay (0 when there is none). */
function previousFee(previous: Fees | undefined, which: "max" | "tip", pct: number): bigint {
  if (previous === undefined) return 0n;
  if (previous.type === 0) return bumped(previous.gasPrice, pct);
  return bumped(which === "max" ? previous.maxFeePerGas : previous.maxPriorityFeePerGas, pct);
}
