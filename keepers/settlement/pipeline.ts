/**
 * The settlement pipeline (DESIGN §5, §10): pending fills from the journal → a gas-budgeted batch → simulate →
 * journal (write-ahead, with the signed transaction) → broadcast → receipt → journal; a fill the chain refuses is
 * dropped and the rest resent. On start, and whenever a batch is left open, the journal is reconciled with the chain.
 *
 * Crash safety rests on three facts:
 * 1. the batch and its signed transaction are journaled before the broadcast, so a restart knows the exact
 *    transaction that may be on its way;
 * 2. `settleBatch` lands a batch id once (`nextBatchId`), so a landed batch is recognised and never resent;
 * 3. a journaled batch is released (its fills go back to pending) only once its transaction can no longer land:
 *    it reverted, or its nonce went to another transaction. Until then the identical signed transaction is
 *    re-broadcast and awaited; if a node refuses it (say its fee fell below the base fee), its nonce is spent on a
 *    zero-value transfer first. Whether it landed is then read from `nextBatchId`, never guessed.
 */
import { setTimeout as delay } from "node:timers/promises";
import { JsonRpcApiProvider, type Provider, type Signer, type TransactionReceipt } from "ethers";
import type { Logger } from "pino";
import { encodeSettleBatch } from "../sdk/batch";
import { hasFlag, OrderFlag } from "../sdk/orders";
import type { PositionManager } from "../sdk/typechain";
import { MAX_LOG_RANGE_BLOCKS } from "../core/logs";
import { compareBatch, readLandedBatch } from "./chain";
import { JournalMismatchError, JournalStateError, SettlementBlockedError, SettlementStalledError } from "./errors";
import type { FailpointHook } from "./failpoint";
import type { Journal } from "./journal";
import type { JournalBatch, SettleableFill } from "./journalTypes";
import type { SettlementMetrics } from "./metrics";
import type { SettleRevert } from "./revert";
import { BatchSimulator, buildSettleArgs } from "./simulate";
import { BatchTransactions } from "./transactions";
import { verifyOrders, type VerifyReport } from "./verify";

/** HyperEVM small blocks hold 2M gas (3M in newer docs): batches stay under this by default (DESIGN §10). */
export const DEFAULT_GAS_BUDGET = 1_800_000n;

/** Options of {@link SettlementPipeline}. */
export interface SettlementPipelineOptions {
  /**
   * The PositionManager, connected to the matcher's signer (MATCHER_ROLE; an ethers `Wallet`: it signs locally)
   * whose provider never serves cached results (a `JsonRpcProvider` needs `{ cacheTimeout: -1 }`): a stale
   * `nextBatchId` could release a batch that landed.
   */
  pm: PositionManager;
  journal: Journal;
  logger: Logger;
  /** Most gas one batch may use (default {@link DEFAULT_GAS_BUDGET}). */
  gasBudget?: bigint;
  /** Most fills per batch whatever the gas (default 200). */
  maxFillsPerBatch?: number;
  /** Blocks on top of the batch's before it counts as landed (default 1). */
  confirmations?: number;
  /** How long to wait for a receipt before giving up for this attempt (ms, default 60,000). */
  receiptTimeoutMs?: number;
  /** Pause of {@link SettlementPipeline.run} when nothing is pending (ms, default 500). */
  pollIntervalMs?: number;
  /** Gas per fill assumed before the first measurement (default 60,000). */
  gasPerFillHint?: bigint;
  /** Gas limit = estimate + this percentage (default 10). */
  gasHeadroomPercent?: bigint;
  /** Block range of one `eth_getLogs` (default 50, HyperEVM's limit). */
  logChunkBlocks?: number;
  /** Crash injection for tests (see `failpoint.ts`). */
  failpoint?: FailpointHook;
  metrics?: SettlementMetrics;
}

/** What one {@link SettlementPipeline.settleOnce} did. */
export interface SettleOnceResult {
  /** Nothing was pending (after drops, if any). */
  idle: boolean;
  /** The batch sent, if any. */
  batchId?: bigint;
  /** How that batch ended. */
  outcome?: "landed" | "released";
  /** Fills settled by that batch. */
  settled: number;
  /** Fills dropped while composing it. */
  dropped: number;
}

/** What {@link SettlementPipeline.reconcile} did. */
export interface ReconcileReport {
  /** `nextBatchId()` when reconciling began. */
  chainNextBatchId: bigint;
  /** Open batches found landed (their fills are now settled). */
  landed: bigint[];
  /** Open batches that could no longer land (their fills are pending again). */
  released: bigint[];
  /** The orders of those batches compared with the chain's `orderStatus`. */
  verify: VerifyReport;
}

/** What {@link SettlementPipeline.flush} did. */
export interface FlushReport {
  batches: number;
  settled: number;
  dropped: number;
}

/** Consecutive batches released (reverted on chain) before {@link SettlementPipeline.flush} gives up. */
const MAX_CONSECUTIVE_RELEASES = 3;
/** `BatchIdMismatch` reverts in a row before settleOnce gives up (someone else settles with this contract). */
const MAX_ID_MISMATCHES = 3;
/** Longest pause between failed attempts in {@link SettlementPipeline.run} (ms). */
const MAX_BACKOFF_MS = 30_000;

/** The settlement pipeline; one per matcher signer (only one batch is ever in flight). */
export class SettlementPipeline {
  private readonly pm: PositionManager;
  private readonly provider: Provider;
  private readonly journal: Journal;
  private readonly log: Logger;
  private readonly simulator: BatchSimulator;
  private readonly txs: BatchTransactions;
  private readonly gasBudget: bigint;
  private readonly maxFillsPerBatch: number;
  private readonly pollIntervalMs: number;
  private readonly logChunkBlocks: number;
  private readonly failpoint: FailpointHook;
  private readonly metrics?: SettlementMetrics;
  /** Gas per fill of the last estimate or landed batch: sizes the next batch's first attempt. */
  private gasPerFill: bigint;

  /**
   * @throws TypeError when `pm` is not connected to a signer with a provider that can sign transactions, or its
   *   provider caches results.
   */
  constructor(options: SettlementPipelineOptions) {
    const runner = options.pm.runner as Signer | null;
    if (!runner?.provider || typeof runner.signTransaction !== "function") {
      throw new TypeError("SettlementPipeline: pm must be connected to a signer with a provider (an ethers Wallet)");
    }
    if (runner.provider instanceof JsonRpcApiProvider && (runner.provider._getOption("cacheTimeout") ?? 0) >= 0) {
      throw new TypeError(
        "SettlementPipeline: the provider caches RPC results; create it with { cacheTimeout: -1 } so that " +
          "nextBatchId, nonces and receipts are read fresh",
      );
    }
    this.pm = options.pm;
    this.provider = runner.provider;
    this.journal = options.journal;
    this.log = options.logger;
    this.simulator = new BatchSimulator(options.pm);
    this.gasBudget = options.gasBudget ?? DEFAULT_GAS_BUDGET;
    this.maxFillsPerBatch = options.maxFillsPerBatch ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.gasPerFill = options.gasPerFillHint ?? 60_000n;
    this.txs = new BatchTransactions({
      signer: runner,
      provider: runner.provider,
      logger: options.logger,
      confirmations: options.confirmations ?? 1,
      receiptTimeoutMs: options.receiptTimeoutMs ?? 60_000,
      gasHeadroomPercent: options.gasHeadroomPercent ?? 10n,
    });
    this.logChunkBlocks = options.logChunkBlocks ?? MAX_LOG_RANGE_BLOCKS;
    this.failpoint = options.failpoint ?? (() => undefined);
    this.metrics = options.metrics;
  }

  /**
   * Settles every open batch of the journal with the chain: a batch whose id is below `nextBatchId()` landed (its
   * fills are checked against its `Filled` events, then settled); any other is re-broadcast (the identical signed
   * transaction) and awaited unless its nonce is already taken, then landed or released. Finally the touched
   * orders are compared with the chain's `orderStatus` (mismatches are logged and reported, not thrown).
   * @throws JournalMismatchError when a landed batch's events are not the journal's fills (nothing is guessed).
   */
  async reconcile(): Promise<ReconcileReport> {
    const chainNextBatchId = await this.pm.nextBatchId();
    const report: ReconcileReport = { chainNextBatchId, landed: [], released: [], verify: emptyVerify() };
    const touched = new Set<string>();
    for (const batch of this.journal.openBatches()) {
      for (const fill of this.journal.fills({ batchId: batch.batchId }))
        touched.add(fill.makerHash).add(fill.takerHash);
      const outcome = batch.batchId < chainNextBatchId ? await this.land(batch) : await this.settleUnlanded(batch);
      (outcome === "landed" ? report.landed : report.released).push(batch.batchId);
    }
    if (touched.size > 0) report.verify = await verifyOrders(this.pm, this.journal, [...touched]);
    for (const mismatch of report.verify.mismatches)
      this.log.error({ mismatch }, "journal and chain disagree on an order");
    if (report.landed.length + report.released.length > 0) {
      this.log.info(
        { chainNextBatchId, landed: report.landed, released: report.released, checked: report.verify.checked },
        "journal reconciled with the chain",
      );
    }
    return report;
  }

  /**
   * Composes, sends and confirms one batch of pending fills (id order, ids ≤ `maxFillId`): refused fills are
   * dropped one by one (each logged) and the rest re-simulated; the batch is trimmed to the gas budget.
   * @throws SettlementBlockedError when the batch fails for a reason that is no fill's fault (nothing dropped).
   * @throws JournalMismatchError from reconciling (see {@link reconcile}).
   */
  async settleOnce(options: { maxFillId?: number } = {}): Promise<SettleOnceResult> {
    for (let mismatches = 0; ; mismatches++) {
      if (this.journal.openBatches().length > 0) await this.reconcile();
      const result = await this.composeAndSend(options.maxFillId);
      if (result !== "batch-id-mismatch") return result;
      if (mismatches + 1 >= MAX_ID_MISMATCHES) {
        throw new SettlementBlockedError("BatchIdMismatch", "nextBatchId keeps moving: is another matcher settling?");
      }
      this.log.warn("batch id moved before the batch was sent; reconciling");
      await this.reconcile();
    }
  }

  /** Settles pending fills (those journaled when it starts) until none is left; for graceful shutdown and `--once`. */
  async flush(): Promise<FlushReport> {
    const report: FlushReport = { batches: 0, settled: 0, dropped: 0 };
    if (this.journal.openBatches().length > 0) await this.reconcile();
    const { maxId } = this.journal.pendingSummary();
    let releases = 0;
    while (this.journal.pendingFills(1, maxId).length > 0) {
      const result = await this.settleOnce({ maxFillId: maxId });
      report.dropped += result.dropped;
      if (result.batchId === undefined) continue;
      report.batches++;
      report.settled += result.settled;
      releases = result.outcome === "released" ? releases + 1 : 0;
      if (releases >= MAX_CONSECUTIVE_RELEASES) {
        throw new SettlementStalledError(`${releases} batches in a row reverted on chain after passing simulation`);
      }
    }
    return report;
  }

  /**
   * Reconciles, then settles until `signal` aborts: polls when idle, backs off after a failure. Journal errors
   * (mismatch with the chain, a write against its rules) end the loop: they need an operator.
   */
  async run(signal: AbortSignal): Promise<void> {
    await this.reconcile();
    let backoffMs = this.pollIntervalMs;
    while (!signal.aborted) {
      try {
        const result = await this.settleOnce();
        backoffMs = this.pollIntervalMs;
        if (result.idle) await sleep(this.pollIntervalMs, signal);
      } catch (error) {
        if (error instanceof JournalMismatchError || error instanceof JournalStateError) throw error;
        this.log.error({ err: error, retryInMs: backoffMs }, "settlement attempt failed");
        await sleep(backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /* COMPOSE */

  private async composeAndSend(maxFillId?: number): Promise<SettleOnceResult | "batch-id-mismatch"> {
    // One fill more than a batch takes: whether the last one taken splits an IOC order (see keepIocOrdersWhole).
    let candidates = this.journal.pendingFills(this.maxFillsPerBatch + 1, maxFillId);
    this.metrics?.pendingFills.set(this.journal.pendingSummary().count);
    let dropped = 0;
    const batchId = await this.pm.nextBatchId();
    let size = Math.max(
      1,
      Math.min(candidates.length, this.maxFillsPerBatch, Number(this.gasBudget / this.gasPerFill)),
    );
    while (candidates.length > 0) {
      const fills = candidates.slice(0, keepIocOrdersWhole(candidates, size));
      const probe = await this.simulator.probe(batchId, fills);
      if (!probe.ok) {
        if (probe.revert.kind === "batch-id-mismatch") return "batch-id-mismatch";
        if (probe.revert.kind !== "fill") {
          const name = probe.revert.errorName ?? "undecodable";
          throw new SettlementBlockedError(name, `settleBatch cannot succeed: ${probe.revert.message}`);
        }
        const culprit = fills[probe.revert.fillIndex!];
        this.drop(culprit, probe.revert);
        dropped++;
        candidates = candidates.filter((fill) => fill.id !== culprit.id);
        size = Math.min(size, candidates.length);
        continue;
      }
      this.gasPerFill = probe.gas / BigInt(fills.length) || 1n;
      if (probe.gas > this.gasBudget && size > 1) {
        size = Math.max(1, Math.min(size - 1, Number((BigInt(size) * this.gasBudget) / probe.gas)));
        continue;
      }
      if (probe.gas > this.gasBudget)
        this.log.warn({ gas: probe.gas, budget: this.gasBudget }, "one fill exceeds the gas budget");
      return { ...(await this.send(batchId, fills, probe.gas)), dropped, idle: false };
    }
    return { idle: true, settled: 0, dropped };
  }

  private drop(fill: SettleableFill, revert: SettleRevert): void {
    this.journal.dropFill(fill.id, revert.message, revert.culprit);
    this.metrics?.fillsDropped.inc({ error: revert.errorName ?? "undecodable" });
    this.log.warn(
      {
        fillId: fill.id,
        makerHash: fill.makerHash,
        takerHash: fill.takerHash,
        culprit: revert.culprit,
        error: revert.message,
      },
      "fill refused by the chain: dropped",
    );
  }

  /* SEND */

  private async send(
    batchId: bigint,
    fills: readonly SettleableFill[],
    gasEstimate: bigint,
  ): Promise<Pick<SettleOnceResult, "batchId" | "outcome" | "settled">> {
    const data = encodeSettleBatch(buildSettleArgs(batchId, fills));
    const fromBlock = await this.provider.getBlockNumber();
    const tx = await this.txs.sign(await this.pm.getAddress(), data, gasEstimate);
    this.journal.prepareBatch({ batchId, fillIds: fills.map((fill) => fill.id), fromBlock, gasEstimate, tx });
    this.log.info({ batchId, fills: fills.length, gasEstimate, txHash: tx.hash, nonce: tx.nonce }, "batch prepared");
    this.failpoint("before-send");
    const refusal = await this.txs.broadcast(tx);
    let receipt: TransactionReceipt | null = null;
    if (refusal) {
      await this.txs.voidNonce(tx, refusal);
    } else {
      this.journal.markSent(batchId, tx.hash);
      this.failpoint("after-send");
      receipt = await this.txs.waitForReceipt(tx, `batch ${batchId}`);
      this.failpoint("after-receipt");
    }
    const outcome = await this.conclude(this.journal.batch(batchId)!, receipt);
    return { batchId, outcome, settled: outcome === "landed" ? fills.length : 0 };
  }

  /* CONCLUDE */

  /**
   * An open batch whose id the chain has not passed. Its transaction is final once it has a receipt or its nonce is
   * taken; until then the identical signed transaction is re-broadcast and awaited, or, if a node refuses it, its
   * nonce is voided. Then {@link conclude} decides.
   */
  private async settleUnlanded(batch: JournalBatch): Promise<"landed" | "released"> {
    let receipt = await this.provider.getTransactionReceipt(batch.tx.hash);
    if (!receipt && !(await this.txs.nonceTaken(batch.tx))) {
      this.log.info({ batchId: batch.batchId, txHash: batch.tx.hash }, "re-broadcasting an open batch");
      const refusal = await this.txs.broadcast(batch.tx);
      if (refusal) await this.txs.voidNonce(batch.tx, refusal);
      else receipt = await this.txs.waitForReceipt(batch.tx, `batch ${batch.batchId}`);
    }
    return this.conclude(batch, receipt);
  }

  /**
   * Lands or releases a batch whose transaction is final (`receipt` null: its nonce went elsewhere). The chain's
   * `nextBatchId`, read after the transaction became final, decides: past the batch id, the batch landed.
   */
  private async conclude(batch: JournalBatch, receipt: TransactionReceipt | null): Promise<"landed" | "released"> {
    if (receipt?.status === 1 || (await this.pm.nextBatchId()) > batch.batchId) return this.land(batch);
    this.journal.releaseBatch(batch.batchId);
    this.metrics?.batches.inc({ outcome: "released" });
    this.log.warn(
      { batchId: batch.batchId, txHash: batch.tx.hash, reverted: receipt !== null },
      receipt
        ? "batch reverted on chain: fills back to pending"
        : "batch nonce taken by another tx: fills back to pending",
    );
    return "released";
  }

  /**
   * Marks a batch the chain says landed as landed, after checking its `Filled` events against the journal.
   * @throws JournalMismatchError when they differ.
   */
  private async land(batch: JournalBatch): Promise<"landed"> {
    const chain = await readLandedBatch(this.pm, this.provider, batch, this.logChunkBlocks);
    const fills = this.journal.fills({ batchId: batch.batchId });
    const differences = compareBatch(fills, chain);
    if (differences.length > 0) throw new JournalMismatchError(batch.batchId, differences);
    this.journal.markLanded(batch.batchId, chain.blockNumber);
    if (chain.gasUsed !== undefined && fills.length > 0) {
      this.gasPerFill = chain.gasUsed / BigInt(fills.length) || 1n;
      this.metrics?.gasPerFill.set(Number(this.gasPerFill));
    }
    this.metrics?.batches.inc({ outcome: "landed" });
    this.metrics?.fillsSettled.inc(fills.length);
    this.log.info(
      {
        batchId: batch.batchId,
        fills: fills.length,
        block: chain.blockNumber,
        gasUsed: chain.gasUsed,
        txHash: chain.txHash,
      },
      "batch settled",
    );
    return "landed";
  }
}

function emptyVerify(): VerifyReport {
  return { checked: 0, unverifiable: 0, mismatches: [] };
}

/** Waits `ms` or until `signal` aborts, whichever comes first. */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/**
 * How many of `candidates` (pending fills in journal order) a batch of at most `size` takes without splitting an IOC
 * taker order: the chain kills an IOC order after the batch that fills it (`SettlementCore`), so fills of the same IOC
 * order left for a later batch would be dropped `OrderDead`. The fills of one placement are journaled together, so an
 * order's fills are consecutive. When a single IOC order has more fills than `size`, the batch takes `size` of them
 * (what cannot fit in one batch can never settle).
 */
export function keepIocOrdersWhole(candidates: readonly SettleableFill[], size: number): number {
  if (size >= candidates.length || size <= 0) return size;
  const last = candidates[size - 1];
  if (candidates[size].takerHash !== last.takerHash || !hasFlag(last.taker.order.flags, OrderFlag.ImmediateOrCancel))
    return size;
  let cut = size - 1;
  while (cut > 0 && candidates[cut - 1].takerHash === last.takerHash) cut--;
  return cut > 0 ? cut : size;
}
