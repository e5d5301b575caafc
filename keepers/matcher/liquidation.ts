/**
 * The matcher's liquidation desk (DESIGN §8 stage 1, §10): a liquidator keeper holding `LIQUIDATOR_ROLE` asks for
 * resting signed maker orders to close a liquidatable position against; the desk takes that liquidity out of the book
 * for a lease, journals it, and answers with a ticket the liquidator turns into `PositionManager.liquidateOnBook`. The
 * liquidator reports the outcome (`confirm` with the transaction, or `release`); otherwise, once the lease ends, the
 * desk looks for the ticket's `LiquidationFilled` logs itself and records the liquidation or gives the liquidity back.
 *
 * The chain is the truth: a transaction reported after its ticket was released (lease ended) whose logs carry the
 * ticket's fills is recorded as landed after all and its liquidity taken from the makers again. Still, a liquidator must
 * not broadcast after the lease: the liquidity may have been matched meanwhile.
 *
 * At most one live ticket exists per (account, market): a second liquidator asking for the same position gets 409
 * `LIQUIDATION_IN_PROGRESS`, so two liquidator instances never close the same slice twice. The checks that need the
 * chain (role, head block) run first; everything from the one-ticket check to the journal write runs synchronously,
 * so nothing can interleave with it.
 *
 * Liquidation fills never enter settlement batches. A maker order's filled amount counts its reserved and landed
 * liquidation fills (so its remaining size after a restart excludes them) and its settled amount the landed ones (so
 * `verifyOrders` agrees with the chain's `orderStatus`). Reserved and not yet indexed landed fills also count in the
 * positions of both accounts for the pre-trade margin check and reduce-only orders.
 */
import {
  getAddress,
  hexlify,
  id,
  randomBytes,
  recoverAddress,
  toBeHex,
  zeroPadValue,
  type Log,
  type Provider,
  type TransactionReceipt,
} from "ethers";
import type { Logger } from "pino";
import { getLogsChunked } from "../core/logs";
import { withRetry } from "../core/retry";
import { ApiError, ApiErrorCode, type LiquidationApi, type LiquidationTicket } from "../gateway/api";
import { accountHealth, isLiquidatable, MarkUnavailableError } from "../indexer/health";
import type { ChainIndexer } from "../indexer/indexer";
import type { IndexedAccount, IndexedMarket } from "../indexer/state";
import { MAX_REQUEST_TTL_SEC } from "../sdk/cancels";
import { liquidationRequestDigest, type LiquidationRequest } from "../sdk/liquidations";
import { liquidationCloseSize, withinBand } from "../sdk/math";
import type { OrderDomain } from "../sdk/orders";
import type { PositionManager } from "../sdk/typechain";
import { JournalStateError } from "../settlement/errors";
import type { Journal, JournalLiquidationFill } from "../settlement/journal";
import { OrderReason, type LiquidityTake, type MatchingEngine } from "./engine";
import type { AccountFill } from "./risk";
import type { Side } from "./types";

/** Options of {@link LiquidationDesk}. */
export interface LiquidationDeskOptions {
  engine: MatchingEngine;
  journal: Journal;
  indexer: ChainIndexer;
  /** Receipts, logs and the head block. */
  provider: Provider;
  /** `hasRole`, its address and its `LiquidationFilled` event. */
  positionManager: PositionManager;
  domain: OrderDomain;
  logger: Logger;
  /**
   * Journals the engine's changes since the last journal write together with `write`, in one transaction (the
   * exchange service's write path). Throws ApiError 503 when the journal cannot be written.
   */
  commit(write?: () => void): void;
  /** Throws ApiError 503 when the matcher refuses writes (its journal failed). */
  assertWritable(): void;
  /** Lease of a ticket (ms, default 60,000). */
  leaseMs?: number;
  /** How long a signer's `LIQUIDATOR_ROLE` is trusted after `hasRole` said yes (ms, default and at most 60,000). */
  roleCacheMs?: number;
  /** Blocks per `eth_getLogs` request when a lease ends (default 50, HyperEVM's limit). */
  logChunkSize?: number;
  /** Wall clock (ms since the epoch) for leases; default `Date.now`. */
  now?: () => number;
}

/** What happened to a ticket whose lease ended (see {@link LiquidationDesk.expireLeases}). */
export interface LeaseOutcome {
  ticketId: string;
  status: "landed" | "released";
  /** The transaction found carrying the ticket's fills (landed). */
  txHash?: string;
}

/** `keccak256("LIQUIDATOR_ROLE")`, as `Roles.LIQUIDATOR_ROLE`. */
const LIQUIDATOR_ROLE = id("LIQUIDATOR_ROLE");
const DEFAULT_LEASE_MS = 60_000;
const MAX_ROLE_CACHE_MS = 60_000;
/** Retries of a chain read on a client's request: a few, so that the answer comes within the gateway's timeout. */
const REQUEST_RETRIES = { retries: 2 };

/** A ticket whose liquidity is out of the book (reserved), or landed but not yet in the indexer's state. */
interface Ticket {
  ticketId: string;
  account: string;
  marketId: number;
  side: Side;
  closeSizeWad: bigint;
  takes: LiquidityTake[];
  /** Journal ids of the takes' fills, in the same order. */
  fillIds: number[];
  expiresAtMs: number;
  reservedBlock: number;
  /** Set once it landed: the block, after which the indexer's positions include it. */
  landedBlock?: number;
}

/** The liquidation desk; see the module comment. Implements the gateway's {@link LiquidationApi}. */
export class LiquidationDesk implements LiquidationApi {
  private readonly live = new Map<string, Ticket>();
  private readonly byPosition = new Map<string, Ticket>();
  /** Landed tickets the indexer has not processed yet (their fills still count in projected positions). */
  private landed: Ticket[] = [];
  /** Signers whose role was confirmed, until when (ms). */
  private readonly roles = new Map<string, number>();
  /** Requests already answered, by digest and signer: a repeated request gets its live ticket back (a retry). */
  private readonly requests = new Map<string, { ticketId: string; deadline: bigint }>();
  private expiring: Promise<unknown> = Promise.resolve();
  private expiryInFlight = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly o: LiquidationDeskOptions) {
    this.now = o.now ?? Date.now;
  }

  /**
   * Restores the reserved tickets of the journal (their liquidity stays out of the book; their leases run on): call
   * once, after the engine restored the live orders. Makers a ticket completely filled are restored as finished
   * orders, so that a release can put them back on the book. A restored ticket's `closeSizeWad` is its reserved size.
   * @returns The hashes of those finished makers (the service forgets them once no ticket holds them).
   */
  restore(): string[] {
    const { engine, journal } = this.o;
    const finished: string[] = [];
    const byTicket = new Map<string, JournalLiquidationFill[]>();
    for (const fill of journal.liquidationFills({ status: "reserved" })) {
      byTicket.set(fill.ticketId, [...(byTicket.get(fill.ticketId) ?? []), fill]);
    }
    for (const fills of byTicket.values()) {
      const takes = fills.map((fill): LiquidityTake => {
        const take = this.takeOf(fill);
        if (engine.order(take.maker.hash) === undefined) {
          engine.restore(take.maker);
          finished.push(take.maker.hash);
        }
        return take;
      });
      this.register(ticketOf(fills, takes));
    }
    if (byTicket.size > 0) this.o.logger.info({ tickets: byTicket.size }, "restored reserved liquidation tickets");
    return finished;
  }

  /** @inheritdoc */
  async reserveLiquidation(request: LiquidationRequest, signature: string): Promise<LiquidationTicket> {
    this.o.assertWritable();
    this.checkDeadline(request.deadline);
    const digest = liquidationRequestDigest(this.o.domain, request);
    const signer = recoverSigner(digest, signature);
    await this.checkRole(signer);
    // A retry is the same request from the same liquidator: two liquidators signing the same content (same account,
    // size and deadline) are two requesters, and the second must not be handed the first one's ticket.
    const requestKey = `${digest}:${signer}`;
    const reservedBlock = await withRetry(() => this.o.provider.getBlockNumber(), REQUEST_RETRIES);
    // From here on, synchronous: no other request can interleave.
    this.o.assertWritable();
    const repeated = this.requests.get(requestKey);
    if (repeated !== undefined) {
      const ticket = this.live.get(repeated.ticketId);
      if (ticket) return ticketView(ticket);
      throw new ApiError("REQUEST_REPLAYED", 409, "This signed liquidation request was already used; sign a new one");
    }
    return this.reserveNow(request, requestKey, reservedBlock);
  }

  /** @inheritdoc */
  async confirmLiquidation(rawTicketId: string, txHash: string): Promise<{ status: "landed" | "released" }> {
    this.o.assertWritable();
    const ticketId = rawTicketId.toLowerCase();
    if (!this.live.has(ticketId)) this.finishedStatus(ticketId); // 404 for an unknown ticket, before any RPC call
    const receipt = await withRetry(() => this.o.provider.getTransactionReceipt(txHash), REQUEST_RETRIES);
    if (receipt === null) {
      throw new ApiError(ApiErrorCode.Conflict, 409, `Transaction ${txHash} is not mined yet; retry once it is`, {
        txHash,
      });
    }
    const ticket = this.live.get(ticketId);
    if (ticket === undefined) return this.confirmFinished(ticketId, receipt);
    if (receipt.status !== 1) {
      this.finish(ticket, new Set());
      this.o.logger.info({ ticketId, txHash }, "liquidation transaction reverted: liquidity released");
      return { status: "released" };
    }
    const matched = this.matchLogs(ticket, receipt.logs);
    if (matched.size === 0) {
      throw new ApiError(
        ApiErrorCode.Conflict,
        409,
        `Transaction ${txHash} carries none of ticket ${ticketId}'s liquidation fills; report the liquidateOnBook ` +
          "transaction sent with this ticket",
        { txHash },
      );
    }
    this.finish(ticket, matched, { hash: receipt.hash, blockNumber: receipt.blockNumber });
    return { status: "landed" };
  }

  /** @inheritdoc */
  async releaseLiquidation(rawTicketId: string, culpritMakerHash?: string): Promise<{ status: "released" }> {
    this.o.assertWritable();
    const ticketId = rawTicketId.toLowerCase();
    const ticket = this.live.get(ticketId);
    if (ticket === undefined) {
      const status = this.finishedStatus(ticketId).status;
      if (status === "released") return { status };
      throw new ApiError(ApiErrorCode.Conflict, 409, `Ticket ${ticketId} landed on chain; it cannot be released`);
    }
    const culprit = culpritMakerHash?.toLowerCase();
    if (culprit !== undefined && !ticket.takes.some((t) => t.maker.hash === culprit)) {
      throw new ApiError(
        ApiErrorCode.InvalidRequest,
        400,
        `Maker order ${culprit} is not part of ticket ${ticketId}; name one of the ticket's orders or none`,
        { field: "culpritMakerHash" },
      );
    }
    this.finish(ticket, new Set(), undefined, culprit);
    this.o.logger.info({ ticketId, culprit }, "liquidation ticket released");
    return { status: "released" };
  }

  /**
   * Settles every live ticket whose lease ended by `nowMs`: if `LiquidationFilled` logs of the liquidated account in
   * blocks after the reservation match its fills (a transaction landed without a confirm) the fills are recorded as
   * landed, otherwise the liquidity goes back to the book. Runs after any check already in progress.
   * @throws Whatever the log query throws after its retries (the tickets then stay reserved for the next attempt).
   */
  expireLeases(nowMs: number = this.now()): Promise<LeaseOutcome[]> {
    const run = this.expiring.then(() => this.expireDue(nowMs));
    this.expiring = run.catch(() => undefined);
    return run;
  }

  /** Housekeeping (the service's timer): starts {@link expireLeases} when a lease ended and no check is running. */
  tick(): void {
    if (this.stopped || this.expiryInFlight) return;
    const nowMs = this.now();
    if (![...this.live.values()].some((t) => t.expiresAtMs <= nowMs)) return;
    this.expiryInFlight = true;
    void this.expireLeases(nowMs)
      .catch((error: unknown) => this.o.logger.error({ err: error }, "liquidation lease check failed; retrying"))
      .finally(() => {
        this.expiryInFlight = false;
      });
  }

  /** Stops starting lease checks and waits for the one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.expiring;
  }

  /** Whether a live ticket holds liquidity of the order `hash` (the engine must not forget it then). */
  holds(hash: string): boolean {
    const key = hash.toLowerCase();
    for (const ticket of this.live.values()) if (ticket.takes.some((t) => t.maker.hash === key)) return true;
    return false;
  }

  /** The live ticket of `account` in `marketId`, if any. */
  ticketOf(account: string, marketId: number): LiquidationTicket | undefined {
    const ticket = this.byPosition.get(positionKey(account, marketId));
    return ticket && ticketView(ticket);
  }

  /**
   * The liquidation fills of `account`, as maker or as the liquidated account, that the indexer's state does not
   * include yet: reserved ones and landed ones in blocks the indexer has not processed. The maker pays its maker fee
   * (never a rebate), the liquidated account the liquidation fee.
   */
  unsettledFillsOf(account: string): AccountFill[] {
    const { indexer } = this.o;
    this.landed = this.landed.filter((t) => (t.landedBlock as number) > indexer.lastProcessedBlock);
    const key = getAddress(account);
    const out: AccountFill[] = [];
    for (const ticket of [...this.live.values(), ...this.landed]) {
      const market = indexer.markets.get(ticket.marketId);
      if (!market) continue;
      const makerFeeWad = market.fees.makerFeeWad > 0n ? market.fees.makerFeeWad : 0n;
      const closes = ticket.side === "buy" ? 1n : -1n;
      for (const take of ticket.takes) {
        const fill = { marketId: ticket.marketId, priceWad: take.priceWad };
        if (ticket.account === key)
          out.push({ ...fill, deltaWad: closes * take.sizeWad, feeRateWad: market.liquidation.liquidationFeeWad });
        if (take.maker.account === key)
          out.push({ ...fill, deltaWad: -closes * take.sizeWad, feeRateWad: makerFeeWad });
      }
    }
    return out;
  }

  /* RESERVATION */

  private reserveNow(request: LiquidationRequest, requestKey: string, reservedBlock: number): LiquidationTicket {
    const { engine, indexer } = this.o;
    const account = getAddress(request.account);
    const { marketId } = request;
    const market = indexer.markets.get(marketId);
    if (!market) throw new ApiError(ApiErrorCode.NotFound, 404, `Market ${marketId} is not listed`, { marketId });
    const inProgress = this.byPosition.get(positionKey(account, marketId));
    if (inProgress) {
      throw new ApiError(
        "LIQUIDATION_IN_PROGRESS",
        409,
        `A liquidation of ${account} in market ${marketId} is in progress (its lease ends at ${new Date(inProgress.expiresAtMs).toISOString()}); ` +
          "wait for its outcome",
        { expiresAtMs: inProgress.expiresAtMs },
      );
    }
    const state = indexer.accountOf(account);
    const health = healthOf(state, indexer.markets);
    if (!isLiquidatable(health)) {
      throw new ApiError(
        "ACCOUNT_HEALTHY",
        409,
        `${account} is not liquidatable: equity ${health.equityWad} ≥ maintenance margin ${health.maintenanceMarginWad} (wad, at the indexer's marks)`,
        { ...health },
      );
    }
    const position = state.positions.get(marketId);
    if (!position || position.sizeWad === 0n || market.markWad === undefined) {
      throw new ApiError("NO_POSITION", 422, `${account} holds no position in market ${marketId}`, { marketId });
    }
    const closeSizeWad = closeSize(request.maxSizeWad, position.sizeWad, market.markWad, market);
    const side: Side = position.sizeWad > 0n ? "sell" : "buy";
    // As venues do: the account's own resting orders in the market go before it is closed against the book.
    engine.cancelAll(account, marketId, OrderReason.Liquidated);
    const { kind, liquidation } = market;
    const markWad = market.markWad;
    const takes =
      closeSizeWad === 0n
        ? []
        : engine.takeLiquidity(
            marketId,
            side,
            closeSizeWad,
            (priceWad) => withinBand(kind, priceWad, markWad, liquidation.liquidationBandWad).within,
            account,
          );
    const nowMs = this.now();
    const ticket: Ticket = {
      ticketId: hexlify(randomBytes(32)),
      account,
      marketId,
      side,
      closeSizeWad,
      takes,
      fillIds: [],
      expiresAtMs: takes.length === 0 ? 0 : nowMs + (this.o.leaseMs ?? DEFAULT_LEASE_MS),
      reservedBlock,
    };
    if (takes.length === 0) {
      this.o.commit();
      return ticketView(ticket);
    }
    this.o.commit(() => {
      ticket.fillIds = this.o.journal
        .reserveLiquidationFills(
          takes.map((take) => ({
            ticketId: ticket.ticketId,
            marketId,
            makerHash: take.maker.hash,
            account,
            side,
            sizeWad: take.sizeWad,
            priceWad: take.priceWad,
            createdAtMs: nowMs,
            expiresAtMs: ticket.expiresAtMs,
            reservedBlock,
          })),
        )
        .map((fill) => fill.id);
    });
    this.register(ticket);
    this.requests.set(requestKey, { ticketId: ticket.ticketId, deadline: request.deadline });
    this.o.logger.info(
      { ticketId: ticket.ticketId, account, marketId, closeSizeWad, fills: takes.length },
      "liquidity reserved for a book liquidation",
    );
    return ticketView(ticket);
  }

  private checkDeadline(deadline: bigint): void {
    const nowSec = BigInt(this.o.indexer.chainTimeSec());
    for (const [key, used] of this.requests) if (used.deadline < nowSec) this.requests.delete(key);
    if (deadline <= nowSec || deadline > nowSec + BigInt(MAX_REQUEST_TTL_SEC)) {
      throw new ApiError(
        ApiErrorCode.InvalidRequest,
        400,
        `The request's deadline ${deadline} must lie after now (${nowSec}, chain time) and at most ${MAX_REQUEST_TTL_SEC} s ahead`,
        { field: "request.deadline" },
      );
    }
  }

  private async checkRole(signer: string): Promise<void> {
    const nowMs = this.now();
    if ((this.roles.get(signer) ?? 0) > nowMs) return;
    const holds = await withRetry(() => this.o.positionManager.hasRole(LIQUIDATOR_ROLE, signer), REQUEST_RETRIES);
    if (!holds) {
      this.roles.delete(signer);
      throw new ApiError(
        ApiErrorCode.Forbidden,
        403,
        `${signer} does not hold LIQUIDATOR_ROLE on the PositionManager; sign with the liquidator's key`,
        { signer },
      );
    }
    this.roles.set(signer, nowMs + Math.min(this.o.roleCacheMs ?? MAX_ROLE_CACHE_MS, MAX_ROLE_CACHE_MS));
  }

  /* OUTCOMES */

  private register(ticket: Ticket): void {
    this.live.set(ticket.ticketId, ticket);
    this.byPosition.set(positionKey(ticket.account, ticket.marketId), ticket);
  }

  /**
   * Ends a live ticket: the takes at `landed` indexes landed in `tx`, the others go back to the book (the maker
   * `culprit` cancelled instead); the engine's changes and the fills' new statuses are journaled together.
   */
  private finish(
    ticket: Ticket,
    landed: ReadonlySet<number>,
    tx?: { hash: string; blockNumber: number },
    culprit?: string,
  ): void {
    const returned = ticket.takes.filter((_, i) => !landed.has(i));
    const landedIds = ticket.fillIds.filter((_, i) => landed.has(i));
    const releasedIds = ticket.fillIds.filter((_, i) => !landed.has(i));
    // Off the books first, so that the positions the engine reads while restoring no longer count the ticket.
    this.live.delete(ticket.ticketId);
    this.byPosition.delete(positionKey(ticket.account, ticket.marketId));
    try {
      if (returned.length > 0) this.o.engine.returnLiquidity(returned, culprit);
    } catch (error) {
      this.register(ticket);
      throw error;
    }
    if (tx && landedIds.length > 0) {
      ticket.takes = ticket.takes.filter((_, i) => landed.has(i));
      ticket.landedBlock = tx.blockNumber;
      this.landed.push(ticket);
    }
    this.o.commit(() => {
      if (tx && landedIds.length > 0) this.o.journal.landLiquidationFills(landedIds, tx.hash, tx.blockNumber);
      if (releasedIds.length > 0) this.o.journal.releaseLiquidationFills(releasedIds);
    });
  }

  /**
   * A confirm of a ticket that is no longer live: its final status, unless the transaction carries fills of the ticket
   * that were released (it landed after the lease ended, or after a release): the chain is the truth, so those fills
   * are recorded as landed and their liquidity is taken from the makers again where it still rests (a warning names
   * any shortfall; settlement then drops the fills the chain refuses).
   */
  private confirmFinished(ticketId: string, receipt: TransactionReceipt): { status: "landed" | "released" } {
    const finished = this.finishedStatus(ticketId);
    // A transaction already recorded for another ticket is that ticket's, whatever its logs look like.
    if (receipt.status !== 1 || this.o.journal.hasLandedLiquidationTx(receipt.hash, ticketId)) return finished;
    const released = this.o.journal.liquidationFills({ ticketId }).filter((f) => f.status === "released");
    if (released.length === 0) return finished;
    const takes = released.map((f) => this.takeOf(f));
    const late = this.matchLogs({ account: released[0].account, marketId: released[0].marketId, takes }, receipt.logs);
    if (late.size === 0) return finished;
    const lateFills = released.filter((_, i) => late.has(i));
    const lateTakes = takes.filter((_, i) => late.has(i));
    const retaken = this.o.engine.retakeLiquidity(lateTakes);
    const shortWad = sizeOf(lateTakes) - sizeOf(retaken);
    const ids = lateFills.map((f) => f.id);
    this.o.commit(() => this.o.journal.landLiquidationFills(ids, receipt.hash, receipt.blockNumber, "released"));
    this.landed.push({ ...ticketOf(lateFills, lateTakes), landedBlock: receipt.blockNumber });
    this.o.logger.warn(
      { ticketId, txHash: receipt.hash, makers: lateTakes.map((t) => t.maker.hash), shortWad },
      "a liquidation landed after its ticket was released: recorded as landed, its liquidity taken again",
    );
    return { status: "landed" };
  }

  /** The take of a journaled liquidation fill, with its maker order as the engine (or else the journal) holds it. */
  private takeOf(fill: JournalLiquidationFill): LiquidityTake {
    const maker = this.o.engine.order(fill.makerHash) ?? this.o.journal.order(fill.makerHash);
    if (maker === undefined) {
      throw new JournalStateError(
        `Liquidation fill ${fill.id} names maker order ${fill.makerHash}, which the journal does not hold`,
      );
    }
    return { maker, sizeWad: fill.sizeWad, priceWad: fill.priceWad };
  }

  /** The final status of a ticket that is no longer live, from the journal. */
  private finishedStatus(ticketId: string): { status: "landed" | "released" } {
    const fills = this.o.journal.liquidationFills({ ticketId });
    if (fills.length === 0) {
      throw new ApiError(ApiErrorCode.NotFound, 404, `No liquidation ticket ${ticketId} is known to the matcher`, {
        ticketId,
      });
    }
    return { status: fills.some((f) => f.status === "landed") ? "landed" : "released" };
  }

  /** The indexes of the ticket's takes that `logs` carry as `LiquidationFilled` (each log matches one take). */
  private matchLogs(ticket: Pick<Ticket, "account" | "marketId" | "takes">, logs: readonly Log[]): Set<number> {
    const pm = this.o.positionManager;
    const address = getAddress(pm.target as string);
    const matched = new Set<number>();
    for (const log of logs) {
      if (getAddress(log.address) !== address) continue;
      const parsed = safeParse(pm, log);
      if (parsed?.name !== "LiquidationFilled") continue;
      const { account, marketId, makerOrderHash, sizeWad, priceWad } = parsed.args;
      if (getAddress(account as string) !== ticket.account || Number(marketId) !== ticket.marketId) continue;
      const index = ticket.takes.findIndex(
        (take, i) =>
          !matched.has(i) &&
          take.maker.hash === (makerOrderHash as string).toLowerCase() &&
          take.sizeWad === sizeWad &&
          take.priceWad === priceWad,
      );
      if (index >= 0) matched.add(index);
    }
    return matched;
  }

  private async expireDue(nowMs: number): Promise<LeaseOutcome[]> {
    const due = [...this.live.values()].filter((t) => t.expiresAtMs <= nowMs);
    if (due.length === 0) return [];
    const { provider, positionManager: pm, journal } = this.o;
    const head = await withRetry(() => provider.getBlockNumber());
    const topic = pm.interface.getEvent("LiquidationFilled").topicHash;
    const outcomes: LeaseOutcome[] = [];
    for (const ticket of due) {
      const filter = {
        address: pm.target as string,
        topics: [topic, zeroPadValue(ticket.account, 32), zeroPadValue(toBeHex(ticket.marketId), 32)],
      };
      const logs = await getLogsChunked(provider, filter, ticket.reservedBlock + 1, head, {
        chunkSize: this.o.logChunkSize ?? 50,
      });
      if (this.live.get(ticket.ticketId) !== ticket) continue; // confirmed or released meanwhile
      const byTx = new Map<string, Log[]>();
      for (const log of logs) {
        if (journal.hasLandedLiquidationTx(log.transactionHash)) continue; // another ticket's transaction
        byTx.set(log.transactionHash, [...(byTx.get(log.transactionHash) ?? []), log]);
      }
      const found = [...byTx.values()]
        .map((txLogs) => ({ log: txLogs[0], matched: this.matchLogs(ticket, txLogs) }))
        .find((candidate) => candidate.matched.size > 0);
      if (found) {
        this.finish(ticket, found.matched, { hash: found.log.transactionHash, blockNumber: found.log.blockNumber });
        outcomes.push({ ticketId: ticket.ticketId, status: "landed", txHash: found.log.transactionHash });
      } else {
        this.finish(ticket, new Set());
        outcomes.push({ ticketId: ticket.ticketId, status: "released" });
      }
      this.o.logger.info(outcomes[outcomes.length - 1], "liquidation lease ended");
    }
    return outcomes;
  }
}

/* HELPERS */

/** A ticket rebuilt from its journaled fills (one ticket's, in id order) and their takes; closeSize = Σ takes. */
function ticketOf(fills: readonly JournalLiquidationFill[], takes: LiquidityTake[]): Ticket {
  const [first] = fills;
  return {
    ticketId: first.ticketId,
    account: first.account,
    marketId: first.marketId,
    side: first.side,
    closeSizeWad: sizeOf(takes),
    takes,
    fillIds: fills.map((f) => f.id),
    expiresAtMs: first.expiresAtMs,
    reservedBlock: first.reservedBlock,
  };
}

/** Σ sizes of `takes` (wad). */
function sizeOf(takes: readonly LiquidityTake[]): bigint {
  return takes.reduce((sum, take) => sum + take.sizeWad, 0n);
}

function positionKey(account: string, marketId: number): string {
  return `${account.toLowerCase()}|${marketId}`;
}

/** The signer of `digest`, or ApiError 401 when `signature` is not a recoverable ECDSA signature. */
function recoverSigner(digest: string, signature: string): string {
  try {
    return recoverAddress(digest, signature);
  } catch (error) {
    throw new ApiError(
      ApiErrorCode.BadSignature,
      401,
      "The signature is not a valid 65-byte ECDSA signature of this LiquidationRequest",
      undefined,
      { cause: error },
    );
  }
}

/** The account's health; a market without a mark is a 409 (the chain would refuse the liquidation too). */
function healthOf(state: IndexedAccount, markets: ReadonlyMap<number, IndexedMarket>) {
  try {
    return accountHealth(state, markets);
  } catch (error) {
    if (error instanceof MarkUnavailableError) {
      throw new ApiError(ApiErrorCode.Conflict, 409, error.message, { marketId: error.marketId }, { cause: error });
    }
    throw error;
  }
}

/** min(maxSizeWad, the chain's partial-liquidation size), rounded down to a whole lot. */
function closeSize(maxSizeWad: bigint, sizeWad: bigint, markWad: bigint, market: IndexedMarket): bigint {
  const { lotSizeWad } = market.trading;
  const { partialFractionWad, partialThresholdWad } = market.liquidation;
  const ruleWad = liquidationCloseSize(sizeWad, markWad, lotSizeWad, partialFractionWad, partialThresholdWad);
  const wantedWad = maxSizeWad < ruleWad ? maxSizeWad : ruleWad;
  return wantedWad - (wantedWad % lotSizeWad);
}

function safeParse(pm: PositionManager, log: Log) {
  try {
    return pm.interface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    // Not a PositionManager event (a linked library's or a token's): not ours to match.
    return null;
  }
}

/** The wire shape of a ticket. */
function ticketView(ticket: Ticket): LiquidationTicket {
  return {
    ticketId: ticket.ticketId,
    account: ticket.account,
    marketId: ticket.marketId,
    side: ticket.side,
    closeSizeWad: ticket.closeSizeWad,
    orders: ticket.takes.map((take) => ({ ...take.maker.signed, hash: take.maker.hash })),
    fills: ticket.takes.map((take, makerIndex) => ({ makerIndex, sizeWad: take.sizeWad, priceWad: take.priceWad })),
    filledSizeWad: sizeOf(ticket.takes),
    expiresAtMs: ticket.expiresAtMs,
  };
}
