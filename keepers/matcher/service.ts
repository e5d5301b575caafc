/**
 * The exchange service behind the gateway (DESIGN §10): order intake → matching engine → journal, queries, and the
 * feeds. It is the only writer of the journal's orders; fills are journaled (SQLite, synchronous) before `placeOrder`
 * returns, so an acknowledged fill survives a crash. The settlement keeper, possibly another process, settles the
 * journaled fills; fills it had to drop come back through the journal and are rolled back in the book here. Book
 * liquidations reserve maker liquidity through the {@link LiquidationDesk} (./liquidation.ts), which journals through
 * the same write path.
 */
import { EventEmitter } from "node:events";
import Database from "better-sqlite3";
import { getAddress, type Provider } from "ethers";
import type { Logger } from "pino";
import {
  ApiError,
  type ApiErrorStatus,
  type AccountView,
  type ExchangeApi,
  type ExchangeEvents,
  type MarketView,
  type OrderView,
  type PlaceOrderResult,
  type PositionView,
  type TradeView,
} from "../gateway/api";
import type { ChainIndexer } from "../indexer/indexer";
import type { IndexedMarket } from "../indexer/state";
import type { Journal, JournalFill } from "../settlement/journal";
import {
  MAX_REQUEST_TTL_SEC,
  cancelRequestDigest,
  type CancelAllRequest,
  type CancelOrderRequest,
  type CancelRequestOf,
  type CancelRequestType,
  type ScheduleCancelRequest,
} from "../sdk/cancels";
import { MarketKind, MarketStatus } from "../sdk/markets";
import { fundingOwed } from "../sdk/math";
import { isBuy, type Order, type OrderDomain } from "../sdk/orders";
import type { PositionManager } from "../sdk/typechain";
import type { EngineMarket, MatchingEngine } from "./engine";
import { EngineRejection, type EngineRejectionCode } from "./engineErrors";
import { OrderIntake, IntakeError } from "./intake";
import { LiquidationDesk, type LiquidationDeskOptions } from "./liquidation";
import { projectAccount, projectedMargin, type AccountFill } from "./risk";
import type { BookOrder, BookSnapshot, EngineFill } from "./types";
import { orderView, tradeView } from "./views";

/** Options of {@link ExchangeService}. */
export interface ExchangeServiceOptions {
  indexer: ChainIndexer;
  engine: MatchingEngine;
  journal: Journal;
  provider: Provider;
  positionManager: PositionManager;
  domain: OrderDomain;
  logger: Logger;
  /** How often expiries, dead-man switches, dropped fills and liquidation leases are processed (ms). */
  housekeepingIntervalMs?: number;
  /** Liquidation desk settings: lease (default 60 s), role cache, log chunk size, lease clock. */
  liquidation?: Pick<LiquidationDeskOptions, "leaseMs" | "roleCacheMs" | "logChunkSize" | "now">;
}

/** The engine's view of an indexed market. */
export function engineMarket(m: IndexedMarket): EngineMarket {
  return {
    marketId: m.marketId,
    lotSizeWad: m.trading.lotSizeWad,
    tickSizeWad: m.trading.tickSizeWad,
    kind: m.kind,
    maxFillDeviationWad: m.trading.maxFillDeviationWad,
    markWad: m.markWad,
  };
}

/** HTTP status of each engine refusal when it reaches a client. */
const ENGINE_REJECTION_STATUS: Record<EngineRejectionCode, ApiErrorStatus> = {
  UNKNOWN_MARKET: 404,
  DUPLICATE_ORDER: 409,
  INVALID_ORDER: 400,
  ORDER_EXPIRED: 422,
  POST_ONLY_WOULD_CROSS: 422,
  REDUCE_ONLY_WOULD_INCREASE: 422,
  UNKNOWN_ORDER: 404,
  INVALID_ROLLBACK: 409,
};

/** Runs an engine call, turning its typed refusal into the API error a client sees (same code and message). */
function asApiError<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof EngineRejection)
      throw new ApiError(
        error.code,
        ENGINE_REJECTION_STATUS[error.code],
        error.message,
        error.hash ? { hash: error.hash } : undefined,
      );
    throw error;
  }
}

/** Whether `error` comes from SQLite (better-sqlite3), i.e. the journal itself failed. */
function isJournalError(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError ||
    (error instanceof TypeError && /database connection is not open/i.test(error.message))
  );
}

function journalUnavailable(): ApiError {
  return new ApiError(
    "JOURNAL_UNAVAILABLE",
    503,
    "The matcher cannot write its journal and accepts no orders until it is restarted; nothing unjournaled was acknowledged",
  );
}

/** The real {@link ExchangeApi}: see the module comment. */
export class ExchangeService implements ExchangeApi {
  readonly events = new EventEmitter<ExchangeEvents>();
  readonly intake: OrderIntake;
  /** Reserves maker liquidity for book liquidations (POST /v1/liquidations). */
  readonly liquidations: LiquidationDesk;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly usedRequests = new Map<string, bigint>();
  private readonly dirty = new Set<string>();
  /** Fills the engine reported (placement, triggered stops, crossed books after a mark or a rollback), not journaled yet. */
  private readonly newFills: EngineFill[] = [];
  private timer?: NodeJS.Timeout;
  /** Orders that left the book (filled, cancelled, expired): forgotten by the engine once none of their fills can
   *  still be dropped and rolled back. */
  private readonly finished = new Set<string>();
  /** Set when the journal could not be written: the matcher then refuses every write until it is restarted. */
  journalFailure?: unknown;

  constructor(private readonly o: ExchangeServiceOptions) {
    this.intake = new OrderIntake({
      indexer: o.indexer,
      provider: o.provider,
      domain: o.domain,
      isNonceUsedOnChain: (account, nonce) => o.positionManager.isNonceUsed(account, nonce),
      isNonceKnown: (account, nonce) => o.journal.hasNonce(account, nonce),
      unsettledFillsOf: (account) => this.unsettledFillsOf(account),
      restingOrdersOf: (account, marketId, buy) => this.restingOrdersOf(account, marketId, buy),
    });
    this.liquidations = new LiquidationDesk({
      engine: o.engine,
      journal: o.journal,
      indexer: o.indexer,
      provider: o.provider,
      positionManager: o.positionManager,
      domain: o.domain,
      ...o.liquidation,
      logger: o.logger.child({ component: "liquidation-desk" }),
      commit: (write) => void this.flush(write),
      assertWritable: () => {
        if (this.journalFailure) throw journalUnavailable();
      },
    });
  }

  /**
   * Restores the book from the journal (resting and untriggered orders, with their fills), rolls back fills the
   * settlement keeper dropped while the matcher was down, subscribes to the indexer and starts housekeeping.
   */
  start(): void {
    const { engine, indexer, journal } = this.o;
    for (const market of indexer.markets.values())
      if (market.markWad !== undefined) engine.onMark(market.marketId, market.markWad);
    for (const order of journal.liveOrders()) engine.restore(order);
    for (const hash of this.liquidations.restore()) this.finished.add(hash);
    engine.on("order", (order) => {
      this.dirty.add(order.hash);
      if (order.status !== "open" && order.status !== "untriggered") this.finished.add(order.hash);
      this.events.emit("order", orderView(order, this.o.journal.settledWad(order.hash)));
    });
    engine.on("book", (delta) => this.events.emit("book", delta));
    engine.on("fill", (fill) => this.newFills.push(fill));
    indexer.on("mark", (update) => {
      this.events.emit("mark", update);
      this.record(() => engine.onMark(update.marketId, update.markWad));
    });
    indexer.on("funding", (update) => this.events.emit("funding", update));
    indexer.on("market", (market) => {
      if (!engine.hasMarket(market.marketId)) engine.addMarket(engineMarket(market));
    });
    indexer.on("orderCancelled", ({ orderHash }) => this.record(() => engine.cancel(orderHash, "cancelled-on-chain")));
    indexer.on("nonceFloorRaised", ({ account, nonceFloor }) =>
      this.record(() => {
        for (const order of engine.ordersOf(account))
          if (order.signed.order.nonce < nonceFloor) engine.cancel(order.hash, "below-nonce-floor");
      }),
    );
    this.housekeeping();
    this.timer = setInterval(() => this.housekeeping(), this.o.housekeepingIntervalMs ?? 250);
    this.timer.unref();
  }

  /** Stops housekeeping and writes every changed order; the journal stays open (its owner closes it). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.housekeeping();
  }

  /** @inheritdoc */
  async placeOrder(order: Order, signature: string): Promise<PlaceOrderResult> {
    if (this.journalFailure) throw journalUnavailable();
    return this.serialized(order.account, async () => {
      const accepted = await this.journaled(() => this.intake.check(order, signature));
      const result = asApiError(() => this.o.engine.place({ order, signature, hash: accepted.hash }));
      const fills = this.flush();
      return {
        order: this.view(result.order),
        fills: fills.map((fill) => tradeView(fill, "pending")),
        cancelled: result.cancelled.map((cancelled) => this.view(cancelled)),
      };
    });
  }

  /** @inheritdoc */
  async cancelOrder(request: CancelOrderRequest, signature: string): Promise<OrderView> {
    await this.verifyRequest("CancelOrder", request, signature);
    const hash = request.orderHash.toLowerCase();
    const order = this.o.engine.order(hash) ?? this.o.journal.order(hash);
    if (!order || order.account !== getAddress(request.account))
      throw new ApiError("ORDER_NOT_FOUND", 404, `No order ${hash} of ${request.account} is known to the matcher`);
    this.record(() => this.o.engine.cancel(hash, "cancelled-by-user"));
    return this.view(this.o.engine.order(hash) ?? order);
  }

  /** @inheritdoc */
  async cancelAll(request: CancelAllRequest, signature: string): Promise<OrderView[]> {
    await this.verifyRequest("CancelAll", request, signature);
    const cancelled = this.record(() =>
      this.o.engine.cancelAll(
        getAddress(request.account),
        request.marketId === 0 ? undefined : request.marketId,
        "cancel-all",
      ),
    );
    return cancelled.map((order) => this.view(order));
  }

  /** @inheritdoc */
  async scheduleCancel(
    request: ScheduleCancelRequest,
    signature: string,
  ): Promise<{ account: string; cancelAt: bigint }> {
    await this.verifyRequest("ScheduleCancel", request, signature);
    const account = getAddress(request.account);
    this.o.engine.scheduleCancel(account, request.cancelAt === 0n ? null : Number(request.cancelAt) * 1000);
    return { account, cancelAt: request.cancelAt };
  }

  /** @inheritdoc */
  async markets(): Promise<MarketView[]> {
    return [...this.o.indexer.markets.values()].map((market) => this.marketView(market));
  }

  /** @inheritdoc */
  book(marketId: number, depth: number): BookSnapshot {
    this.marketOf(marketId);
    return this.o.engine.book(marketId, depth);
  }

  /** @inheritdoc */
  orders(account: string, filter: { status?: "open" | "all"; marketId?: number; limit?: number }): OrderView[] {
    const orders = this.o.engine
      .ordersOf(getAddress(account))
      .filter((order) => filter.marketId === undefined || order.marketId === filter.marketId)
      .filter((order) => filter.status !== "open" || order.status === "open" || order.status === "untriggered")
      .sort((a, b) => b.seq - a.seq);
    return orders.slice(0, filter.limit ?? 100).map((order) => this.view(order));
  }

  /** @inheritdoc */
  order(hash: string): OrderView | undefined {
    const order = this.o.engine.order(hash.toLowerCase()) ?? this.o.journal.order(hash.toLowerCase());
    return order ? this.view(order) : undefined;
  }

  /** @inheritdoc */
  async account(address: string): Promise<AccountView> {
    const { indexer } = this.o;
    const account = indexer.accountOf(address);
    const unsettled = this.unsettledFillsOf(account.account);
    const projected = projectAccount(account, indexer.markets, unsettled);
    const margin = projectedMargin(projected, indexer.markets);
    const positions: PositionView[] = [...projected.positions.values()]
      .filter((p) => p.sizeWad !== 0n || account.positions.has(p.marketId))
      .map((p) => {
        const chain = account.positions.get(p.marketId);
        const market = indexer.markets.get(p.marketId);
        const chainSize = chain?.sizeWad ?? 0n;
        return {
          marketId: p.marketId,
          sizeWad: p.sizeWad,
          openNotionalWad: p.openNotionalWad,
          pendingFundingWad: market
            ? fundingOwed(p.sizeWad, p.lastCumulativeFundingWad, market.cumulativeFundingWad)
            : 0n,
          unsettledSizeWad: p.sizeWad - chainSize,
        };
      });
    return {
      account: account.account,
      balanceWad: projected.balanceWad,
      pendingWithdrawalWad: projected.pendingWithdrawalWad,
      equityWad: margin.equityWad,
      initialMarginWad: margin.initialMarginWad,
      maintenanceMarginWad: margin.maintenanceMarginWad,
      positions,
      openOrders: this.o.engine
        .ordersOf(account.account)
        .filter((o) => o.status === "open" || o.status === "untriggered").length,
      lastProcessedBlock: indexer.lastProcessedBlock,
    };
  }

  /** @inheritdoc */
  trades(marketId: number, limit: number): TradeView[] {
    this.marketOf(marketId);
    return this.o.journal.recentFills(marketId, limit).map((fill) => journalTradeView(fill));
  }

  /** The account's signed position in a market including fills the chain has not seen (wad); for reduce-only. */
  positionOf(account: string, marketId: number): bigint {
    const state = this.o.indexer.accountOf(account);
    return (
      projectAccount(state, this.o.indexer.markets, this.unsettledFillsOf(state.account)).positions.get(marketId)
        ?.sizeWad ?? 0n
    );
  }

  /** Impact bid and ask of a market for the funding keeper (DESIGN §7). */
  impactPrices(marketId: number, impactNotionalWad: bigint) {
    this.marketOf(marketId);
    return this.o.engine.impactPrices(marketId, impactNotionalWad);
  }

  /* internals */

  private async verifyRequest<T extends CancelRequestType>(
    type: T,
    request: CancelRequestOf[T],
    signature: string,
  ): Promise<void> {
    if ("deadline" in request) {
      const now = BigInt(this.o.indexer.chainTimeSec());
      const deadline = request.deadline;
      if (deadline < now || deadline > now + BigInt(MAX_REQUEST_TTL_SEC))
        throw new ApiError(
          "REQUEST_EXPIRED",
          400,
          `The request's deadline ${deadline} must lie between now (${now}, chain time) and now + ${MAX_REQUEST_TTL_SEC} s`,
        );
    }
    const digest = cancelRequestDigest(this.o.domain, type, request);
    await this.intake.verifySigner(request.account, digest, signature);
    if ("deadline" in request) {
      if (this.usedRequests.has(digest))
        throw new ApiError("REQUEST_REPLAYED", 409, "This signed request was already used");
      this.usedRequests.set(digest, request.deadline);
    }
  }

  /** Runs `read` (which reads the journal); a journal that cannot be read is the same failure as one not written. */
  private async journaled<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!isJournalError(error)) throw error;
      this.journalFailure = error;
      this.o.logger.fatal({ err: error }, "journal read failed; the matcher refuses writes until it is restarted");
      throw journalUnavailable();
    }
  }

  /** Runs an engine action and journals the orders it changed. */
  private record<T>(action: () => T): T {
    const result = action();
    this.flush();
    return result;
  }

  /**
   * Journals the orders the engine changed and the fills it made since the last flush, and what `extra` writes (the
   * liquidation desk's fills), in one transaction; returns the fills with their journal ids. A journal that cannot be
   * written is fatal: the process must stop and restart from the journal rather than acknowledge fills it could lose.
   */
  private flush(extra?: () => void): EngineFill[] {
    const fills = this.newFills.splice(0);
    const orders = [...this.dirty].map((hash) => this.o.engine.order(hash)).filter((o): o is BookOrder => !!o);
    this.dirty.clear();
    if (orders.length === 0 && fills.length === 0 && !extra) return [];
    const { journal } = this.o;
    let recorded: EngineFill[];
    try {
      recorded = journal.atomically(() => {
        const written = journal.recordPlacement(orders, fills);
        extra?.();
        return written;
      });
    } catch (error) {
      // The book now holds changes the journal does not: acknowledge nothing more until a restart rebuilds the book
      // from the journal (the last journaled state, which is what clients were told).
      this.journalFailure = error;
      this.o.logger.fatal({ err: error }, "journal write failed; the matcher refuses writes until it is restarted");
      throw journalUnavailable();
    }
    for (const fill of recorded) this.events.emit("trade", tradeView(fill, "pending"));
    return recorded;
  }

  private housekeeping(): void {
    try {
      const { engine, journal } = this.o;
      const nowMs = this.o.indexer.chainTimeSec() * 1000;
      engine.tick(nowMs);
      const drops = journal.unacknowledgedDrops();
      for (const drop of drops) {
        const fill = this.engineFillOf(drop);
        if (fill) engine.rollbackFill(fill, drop.culprit ?? "taker");
      }
      this.flush();
      if (drops.length > 0) {
        journal.acknowledgeDrops(drops.map((d) => d.id));
        this.o.logger.warn(
          { fills: drops.map((d) => ({ id: d.id, reason: d.dropReason })) },
          "rolled back fills settlement dropped",
        );
      }
      this.forgetSettledOrders();
      this.liquidations.tick();
      const now = BigInt(this.o.indexer.chainTimeSec());
      for (const [digest, deadline] of this.usedRequests) if (deadline < now) this.usedRequests.delete(digest);
    } catch (error) {
      this.o.logger.error({ err: error }, "matcher housekeeping failed");
    }
  }

  /** Lets the engine drop finished orders whose fills are all settled or dropped (the journal keeps their history). */
  private forgetSettledOrders(): void {
    for (const hash of this.finished) {
      const open = this.o.journal.fills({ orderHash: hash, status: ["pending", "batched"], limit: 1 });
      const unacknowledged = this.o.journal.fills({ orderHash: hash, status: "dropped" }).some((f) => !f.rolledBack);
      if (open.length > 0 || unacknowledged || this.liquidations.holds(hash)) continue;
      const order = this.o.engine.order(hash);
      if (order && (order.status === "open" || order.status === "untriggered")) {
        this.finished.delete(hash);
        continue;
      }
      this.o.engine.forget(hash);
      this.finished.delete(hash);
    }
  }

  private engineFillOf(fill: JournalFill): EngineFill | undefined {
    const maker = this.o.engine.order(fill.makerHash) ?? this.o.journal.order(fill.makerHash);
    const taker = this.o.engine.order(fill.takerHash) ?? this.o.journal.order(fill.takerHash);
    if (!maker || !taker) return undefined;
    return {
      id: fill.id,
      marketId: fill.marketId,
      makerHash: fill.makerHash,
      takerHash: fill.takerHash,
      maker: maker.signed,
      taker: taker.signed,
      takerSide: fill.takerSide,
      sizeWad: fill.sizeWad,
      priceWad: fill.priceWad,
      timestampMs: fill.createdAtMs,
    };
  }

  /**
   * Fills of `account` that the indexer's state does not include yet: not dropped, and either not in a batch or in a
   * batch at or above the indexer's `nextBatchId` (a landed batch the indexer already processed is in its state);
   * then its liquidation fills in the same situation.
   */
  private unsettledFillsOf(account: string): AccountFill[] {
    const out: AccountFill[] = [];
    for (const fill of this.o.journal.fillsBeyondState(account, this.o.indexer.nextBatchId)) {
      const market = this.o.indexer.markets.get(fill.marketId);
      if (!market) continue;
      const buys = fill.accountIsMaker ? fill.takerSide === "sell" : fill.takerSide === "buy";
      out.push({
        marketId: fill.marketId,
        deltaWad: buys ? fill.sizeWad : -fill.sizeWad,
        priceWad: fill.priceWad,
        feeRateWad: fill.accountIsMaker ? market.fees.makerFeeWad : market.fees.takerFeeWad,
      });
    }
    out.push(...this.liquidations.unsettledFillsOf(account));
    return out;
  }

  private restingOrdersOf(account: string, marketId: number, buy: boolean): AccountFill[] {
    const market = this.o.indexer.markets.get(marketId);
    return this.o.engine
      .ordersOf(account)
      .filter(
        (o) =>
          o.marketId === marketId &&
          (o.status === "open" || o.status === "untriggered") &&
          isBuy(o.signed.order) === buy,
      )
      .map((o) => ({
        marketId,
        deltaWad: buy ? o.sizeWad - o.filledWad : o.filledWad - o.sizeWad,
        priceWad: o.priceWad,
        feeRateWad: market?.fees.takerFeeWad ?? 0n,
      }));
  }

  private serialized<T>(account: string, task: () => Promise<T>): Promise<T> {
    const key = account.toLowerCase();
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch(() => undefined);
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return next;
  }

  private view(order: BookOrder): OrderView {
    return orderView(order, this.o.journal.settledWad(order.hash));
  }

  private marketOf(marketId: number): IndexedMarket {
    const market = this.o.indexer.markets.get(marketId);
    if (!market) throw new ApiError("UNKNOWN_MARKET", 404, `Market ${marketId} is not listed`);
    return market;
  }

  private marketView(market: IndexedMarket): MarketView {
    if (!this.o.engine.hasMarket(market.marketId)) this.o.engine.addMarket(engineMarket(market));
    const book = this.o.engine.book(market.marketId, 1);
    return {
      marketId: market.marketId,
      symbol: market.symbol,
      kind: market.kind === MarketKind.Bounded ? "bounded" : "asset",
      status: MarketStatus[market.status].toLowerCase(),
      lotSizeWad: market.trading.lotSizeWad,
      tickSizeWad: market.trading.tickSizeWad,
      minPriceWad: market.trading.minPriceWad,
      maxPriceWad: market.trading.maxPriceWad,
      maxFillDeviationWad: market.trading.maxFillDeviationWad,
      makerFeeWad: market.fees.makerFeeWad,
      takerFeeWad: market.fees.takerFeeWad,
      markWad: market.markWad,
      indexWad: market.indexWad,
      openInterestWad: market.openInterestWad,
      cumulativeFundingWad: market.cumulativeFundingWad,
      bestBidWad: book.bids[0]?.priceWad,
      bestAskWad: book.asks[0]?.priceWad,
    };
  }
}

function journalTradeView(fill: JournalFill): TradeView {
  return {
    fillId: fill.id,
    marketId: fill.marketId,
    makerHash: fill.makerHash,
    takerHash: fill.takerHash,
    takerSide: fill.takerSide,
    sizeWad: fill.sizeWad,
    priceWad: fill.priceWad,
    timestampMs: fill.createdAtMs,
    settlement: fill.status,
  };
}

export { IntakeError };
