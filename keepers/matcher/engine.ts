/**
 * Keel's in-memory matching engine (DESIGN §4, §10): one {@link OrderBook} per market and the order types the chain
 * settles — limit (GTC), post-only (Hyperliquid ALO: rejected when it would cross), immediate-or-cancel, reduce-only,
 * stop and take-profit against the mark — with self-trade prevention, the fill band around the mark, expiry and a
 * dead-man switch. Pure and synchronous: no chain access, no I/O, no timers (the caller drives {@link
 * MatchingEngine.tick}).
 *
 * The engine trusts its intake: signatures, nonces, tick and lot sizes and margin are checked before
 * {@link MatchingEngine.place}. It only refuses what depends on the book: see {@link EngineRejection}.
 *
 * Events (typed `node:events`): `fill` (every match, journal id 0), `order` (a snapshot of an order after its status
 * or filled size changed; a taker once, when its matching is done) and `book` (every level change). They are delivered in order when the call that caused them
 * returns, never in the middle of matching; so a position tracker fed by `fill` events is up to date with everything
 * the engine reported before a call, and the engine adds the fills it makes within the call itself.
 */
import { EventEmitter } from "node:events";
import { formatUnits } from "ethers";
import type { SignedOrder } from "../sdk/batch";
import { MarketKind } from "../sdk/markets";
import { flagsValid, triggered, withinBand } from "../sdk/math";
import { OrderFlag, hasFlag } from "../sdk/orders";
import { OrderBook } from "./book";
import { EngineRejection, type EngineRejectionCode } from "./engineErrors";
import type {
  BookDelta,
  BookOrder,
  BookSnapshot,
  EngineFill,
  ImpactPrices,
  OrderStatus,
  PlaceResult,
  Side,
} from "./types";

/** A market the engine runs. */
export interface EngineMarket {
  marketId: number;
  /** Size granularity (wad): orders are multiples of it, and so is every fill. */
  lotSizeWad: bigint;
  /** Price granularity (wad). Intake enforces it; the engine keeps it for reference. */
  tickSizeWad: bigint;
  /** ASSET (band relative to the mark) or BOUNDED (absolute band); default ASSET. */
  kind?: MarketKind;
  /** The market's `maxFillDeviation` (wad): a fraction of the mark for ASSET, a price distance for BOUNDED. */
  maxFillDeviationWad: bigint;
  /** The mark to start with (wad); without one there is no band check and no trigger fires until `onMark`. */
  markWad?: bigint;
}

/** Options of {@link MatchingEngine}. */
export interface EngineOptions {
  markets: readonly EngineMarket[];
  /** Wall clock in ms since the epoch; default `Date.now`. */
  now?: () => number;
  /**
   * The account's signed position in a market (wad, > 0 long), including fills not yet settled: every fill the
   * engine has reported before the current call. Used by reduce-only orders only. Default: always 0 (flat).
   */
  positionOf?: (account: string, marketId: number) => bigint;
}

/** An order as intake hands it over: the signed order and its EIP-712 digest. */
export type PlaceableOrder = SignedOrder & { hash: string };

/** Options of {@link MatchingEngine.place}. */
export interface PlaceOptions {
  /** Arrival and matching time (ms since the epoch); default the engine's clock. */
  nowMs?: number;
}

/** What {@link MatchingEngine.tick} changed (snapshots). */
export interface TickResult {
  /** Resting or untriggered orders whose expiry passed. */
  expired: BookOrder[];
  /** Orders cancelled by dead-man switches that fired. */
  cancelled: BookOrder[];
}

/** What {@link MatchingEngine.rollbackFill} changed. */
export interface RollbackResult {
  /** The rolled-back fill's maker and taker after the rollback (snapshots; an order the engine no longer holds is omitted). */
  orders: BookOrder[];
  /** Matches made because a restored order crossed the book, one entry per taker (see {@link MatchingEngine.onMark}). */
  matches: PlaceResult[];
}

/**
 * Liquidity taken from one resting maker order by {@link MatchingEngine.takeLiquidity}: what a book liquidation
 * (`PositionManager.liquidateOnBook`) fills against it.
 */
export interface LiquidityTake {
  /** The maker order after the take (snapshot; `filledWad` includes the take). */
  maker: BookOrder;
  /** Size taken (wad), a multiple of the market's lot size. */
  sizeWad: bigint;
  /** Fill price (wad): the maker's limit price. */
  priceWad: bigint;
}

/** Who is to blame for a fill that settlement refused (see {@link MatchingEngine.rollbackFill}). */
export type FillCulprit = "maker" | "taker" | "both" | "none";

/** The engine's events and their arguments. */
export interface EngineEvents {
  fill: [fill: EngineFill];
  order: [order: BookOrder];
  book: [delta: BookDelta];
}

/** The `reason` an order carries when it leaves the book other than by being filled. */
export const OrderReason = {
  CancelledByUser: "cancelled-by-user",
  DeadManSwitch: "dead-man-switch",
  SelfTradePrevention: "self-trade-prevention",
  IocRemainder: "ioc-remainder",
  ReduceOnlyNothingToReduce: "reduce-only-nothing-to-reduce",
  PostOnlyWouldCross: "post-only-would-cross",
  SettlementRejected: "settlement-rejected",
  ExpiryPassed: "expiry-passed",
  /** The account's own orders in a market where it is being liquidated (see the matcher's liquidation desk). */
  Liquidated: "liquidated",
  /** A maker order whose liquidation fill the chain refused (see {@link MatchingEngine.returnLiquidity}). */
  LiquidationRejected: "liquidation-rejected",
} as const;

/* INTERNAL STATE */

interface MarketState {
  readonly marketId: number;
  readonly kind: MarketKind;
  readonly lotSizeWad: bigint;
  readonly maxFillDeviationWad: bigint;
  readonly book: OrderBook;
  markWad: bigint | undefined;
  /** Stops and take-profits waiting for the mark, by hash. */
  readonly untriggered: Map<string, OrderRecord>;
}

/** The engine's record of an order: the order plus what matching needs at hand. */
interface OrderRecord {
  readonly order: BookOrder;
  readonly market: MarketState;
  /** Lower-case account address (accounts are compared case-insensitively). */
  readonly accountKey: string;
  readonly flags: number;
  /** Last second at which the order may fill; 0n = good till cancelled. */
  readonly expirySec: bigint;
  /** Whether the record sits in the expiry queue. */
  queued: boolean;
}

/** Why matching a taker stopped. */
type MatchStop = "filled" | "no-cross" | "band" | "nothing-to-reduce";
/** The outcome of one match attempt against the best maker. */
type StepOutcome = "continue" | "band" | "nothing-to-reduce";

interface Refusal {
  code: EngineRejectionCode;
  reason: string;
  message: string;
}

type PendingEvent = ["fill", EngineFill] | ["order", BookOrder] | ["book", BookDelta];

/**
 * The matching engine. See the module documentation for the order types and events; every public method is
 * synchronous and delivers its events before it returns.
 */
export class MatchingEngine extends EventEmitter<EngineEvents> {
  private readonly markets = new Map<number, MarketState>();
  private readonly orders = new Map<string, OrderRecord>();
  /** Open and untriggered orders by account key. */
  private readonly liveByAccount = new Map<string, Set<OrderRecord>>();
  private readonly deadManSwitches = new Map<string, number>();
  private readonly expiries = new ExpiryQueue();
  private readonly now: () => number;
  private readonly positionOf: (account: string, marketId: number) => bigint;
  /** Signed position change per account key made by the call in progress (all in one market). */
  private readonly callDeltas = new Map<string, bigint>();
  private pending: PendingEvent[] = [];
  private restoring = false;
  private seqCounter = 1;

  /** @throws {RangeError} When a market id repeats or a market has a non-positive lot size. */
  constructor(options: EngineOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.positionOf = options.positionOf ?? (() => 0n);
    for (const m of options.markets) this.addMarket(m);
  }

  /**
   * Starts running a market (one listed after the engine started).
   * @throws {RangeError} When the market is already run or its lot size is not positive.
   */
  addMarket(m: EngineMarket): void {
    if (this.markets.has(m.marketId)) throw new RangeError(`Market ${m.marketId} is listed twice`);
    if (m.lotSizeWad <= 0n)
      throw new RangeError(`Market ${m.marketId}: lot size must be positive, got ${m.lotSizeWad}`);
    this.markets.set(m.marketId, {
      marketId: m.marketId,
      kind: m.kind ?? MarketKind.Asset,
      lotSizeWad: m.lotSizeWad,
      maxFillDeviationWad: m.maxFillDeviationWad,
      book: new OrderBook(m.marketId, (delta) => this.onBookDelta(delta)),
      markWad: m.markWad,
      untriggered: new Map(),
    });
  }

  /** Whether the engine runs `marketId`. */
  hasMarket(marketId: number): boolean {
    return this.markets.has(marketId);
  }

  /** The seq the next arriving (or triggered) order gets; restored orders move it past theirs. */
  get nextSeq(): number {
    return this.seqCounter;
  }

  /* ORDERS */

  /**
   * Places a signed order (already checked by intake). A stop or take-profit whose trigger the mark has not crossed
   * is held as `untriggered`; any other order matches against the opposite side while prices cross, at the maker's
   * price, then rests (limit, post-only), or has its remainder cancelled (IOC: reason `ioc-remainder`; reduce-only
   * with nothing left to reduce: `reduce-only-nothing-to-reduce`). Matching stops at a maker price outside the band
   * around the mark. Resting orders of the same account met on the way are cancelled (self-trade prevention), as are
   * resting reduce-only orders with nothing to reduce and resting orders found expired: all of them are listed in
   * `cancelled` with their status and reason.
   * @throws {EngineRejection} `UNKNOWN_MARKET`, `DUPLICATE_ORDER`, `INVALID_ORDER`, `ORDER_EXPIRED`,
   *   `POST_ONLY_WOULD_CROSS` or `REDUCE_ONLY_WOULD_INCREASE`; the order is then not kept.
   */
  place(input: PlaceableOrder, options: PlaceOptions = {}): PlaceResult {
    return this.run(() => {
      const nowMs = options.nowMs ?? this.now();
      const rec = this.newRecord(input, nowMs);
      rec.order.seq = this.seqCounter;
      const result: PlaceResult = { order: rec.order, fills: [], cancelled: [] };
      if (isConditional(rec.flags) && !this.isTriggered(rec)) {
        this.seqCounter += 1;
        this.store(rec);
        this.setStatus(rec, "untriggered");
        rec.market.untriggered.set(rec.order.hash, rec);
        this.queueExpiry(rec);
        this.emitOrder(rec);
      } else {
        const refusal = this.refusal(rec, nowMs, result.cancelled);
        if (refusal !== undefined) throw new EngineRejection(refusal.code, refusal.message, rec.order.hash);
        this.seqCounter += 1;
        this.store(rec);
        this.execute(rec, nowMs, result);
      }
      result.order = snapshot(rec.order);
      return result;
    });
  }

  /**
   * Cancels an open or untriggered order.
   * @returns The order after the cancel, or undefined when the engine holds no live order with this hash.
   */
  cancel(hash: string, reason: string = OrderReason.CancelledByUser): BookOrder | undefined {
    return this.run(() => {
      const rec = this.orders.get(hash.toLowerCase());
      if (rec === undefined || !isLive(rec.order.status)) return undefined;
      this.retire(rec, "cancelled", reason);
      return snapshot(rec.order);
    });
  }

  /**
   * Cancels every open and untriggered order of `account` (case-insensitive), in one market or in all.
   * @returns The cancelled orders in seq order.
   */
  cancelAll(account: string, marketId?: number, reason: string = OrderReason.CancelledByUser): BookOrder[] {
    return this.run(() => this.cancelAllOf(account.toLowerCase(), marketId, reason));
  }

  /**
   * Arms (or, with null, disarms) the dead-man switch of `account`: at the first {@link tick} at or after
   * `cancelAtMs`, every live order of the account is cancelled with reason `dead-man-switch`. A new call replaces the
   * previous time.
   * @throws {RangeError} When `cancelAtMs` is not a finite number.
   */
  scheduleCancel(account: string, cancelAtMs: number | null): void {
    const key = account.toLowerCase();
    if (cancelAtMs === null) {
      this.deadManSwitches.delete(key);
      return;
    }
    if (!Number.isFinite(cancelAtMs)) throw new RangeError(`Dead-man switch time must be finite, got ${cancelAtMs}`);
    this.deadManSwitches.set(key, cancelAtMs);
  }

  /** The dead-man switch time of `account` (ms since the epoch), if armed. */
  scheduledCancel(account: string): number | undefined {
    return this.deadManSwitches.get(account.toLowerCase());
  }

  /**
   * Expires resting and untriggered orders whose expiry (unix seconds) is before `nowMs`'s second, then fires the
   * dead-man switches due at `nowMs`.
   */
  tick(nowMs: number = this.now()): TickResult {
    return this.run(() => {
      const result: TickResult = { expired: [], cancelled: [] };
      const nowSec = toSeconds(nowMs);
      for (let rec = this.expiries.popDue(nowSec); rec !== undefined; rec = this.expiries.popDue(nowSec)) {
        if (!isLive(rec.order.status)) continue;
        this.retire(rec, "expired", OrderReason.ExpiryPassed);
        result.expired.push(snapshot(rec.order));
      }
      for (const [key, cancelAtMs] of this.deadManSwitches) {
        if (cancelAtMs > nowMs) continue;
        this.deadManSwitches.delete(key);
        result.cancelled.push(...this.cancelAllOf(key, undefined, OrderReason.DeadManSwitch));
      }
      return result;
    });
  }

  /**
   * Records a new mark for a market. First, if the book is crossed (left where the band blocked a match, or by a
   * rollback) the crossing orders are matched, the later arrival as taker, as far as the band allows; then stops and take-profits
   * whose trigger the mark crossed (`triggered` of keepers/sdk/math.ts, the chain's rule) are activated in seq order
   * as new takers with a new seq: they match and rest or are cancelled per their flags (a triggered post-only order
   * that would cross, or reduce-only order with nothing to reduce, is cancelled rather than rejected).
   * @returns One entry per taker that matched or was activated, in execution order.
   * @throws {EngineRejection} `UNKNOWN_MARKET`.
   */
  onMark(marketId: number, markWad: bigint): PlaceResult[] {
    return this.run(() => {
      const market = this.marketOf(marketId);
      const nowMs = this.now();
      market.markWad = markWad;
      const results = this.uncross(market, nowMs);
      const due: OrderRecord[] = [];
      for (const rec of market.untriggered.values()) if (this.isTriggered(rec)) due.push(rec);
      due.sort((a, b) => a.order.seq - b.order.seq);
      for (const rec of due) results.push(this.activate(rec, nowMs));
      return results;
    });
  }

  /**
   * Undoes a fill that settlement refused: `filledWad -= fill.sizeWad` on both orders. Each culprit is cancelled
   * (reason `settlement-rejected`) unless it already left the book otherwise. An innocent order gets the size back:
   * in place if it still rests, or re-inserted at its original seq (time priority) if the fill had completed it —
   * unless it is IOC (then cancelled, `ioc-remainder`) or its expiry has passed (then expired). A restored order may
   * cross the book; the crossing is then matched as in {@link onMark}. Call it after `positionOf` stopped counting
   * the fill.
   * @throws {EngineRejection} `UNKNOWN_MARKET`, `UNKNOWN_ORDER` (the engine holds neither order) or
   *   `INVALID_ROLLBACK` (size not in (0, filled] of an order, an order of another market, maker = taker); nothing
   *   changes then.
   */
  rollbackFill(fill: EngineFill, culprit: FillCulprit): RollbackResult {
    return this.run(() => {
      const market = this.marketOf(fill.marketId);
      const maker = this.orders.get(fill.makerHash.toLowerCase());
      const taker = this.orders.get(fill.takerHash.toLowerCase());
      if (maker === undefined && taker === undefined) {
        throw new EngineRejection(
          "UNKNOWN_ORDER",
          `Cannot roll back fill of ${fill.makerHash} against ${fill.takerHash}: the engine holds neither order`,
        );
      }
      if (maker === taker) throw invalidRollback(fill, "maker and taker are the same order");
      for (const rec of [maker, taker]) {
        if (rec === undefined) continue;
        if (rec.market !== market)
          throw invalidRollback(fill, `order ${rec.order.hash} is in market ${rec.market.marketId}`);
        if (fill.sizeWad <= 0n || fill.sizeWad > rec.order.filledWad) {
          throw invalidRollback(fill, `order ${rec.order.hash} has only ${rec.order.filledWad} filled`);
        }
      }
      const nowMs = this.now();
      const orders: BookOrder[] = [];
      if (maker !== undefined)
        orders.push(this.undoFill(maker, fill.sizeWad, culprit === "maker" || culprit === "both", nowMs));
      if (taker !== undefined)
        orders.push(this.undoFill(taker, fill.sizeWad, culprit === "taker" || culprit === "both", nowMs));
      return { orders, matches: this.uncross(market, nowMs) };
    });
  }

  /* LIQUIDITY FOR BOOK LIQUIDATIONS */

  /**
   * Takes liquidity from the book for a book liquidation (DESIGN §8 stage 1): walks the side opposite to `side` (the
   * liquidated account's closing side: "sell" hits the bids) in price-time priority and fills resting maker orders at
   * their own prices, up to `maxSizeWad` rounded down to a whole lot. Makers whose price `accept` refuses are skipped
   * until the first accepted one, and the walk stops at the next refused price after that: `accept` must describe an
   * interval of prices, such as the liquidation band around the mark (`withinBand`). Orders of `excludeAccount` (the
   * liquidated account, case-insensitive) are skipped, a reduce-only maker fills only what reduces its position (fills
   * not settled yet included), and resting orders found expired are expired. Fills are not reported as `fill` events
   * (they settle through `liquidateOnBook`, not a batch); the makers' `order` and the `book` events are emitted.
   * @returns The takes in priority order, each maker once; empty when the book cannot absorb anything.
   * @throws {EngineRejection} `UNKNOWN_MARKET`.
   */
  takeLiquidity(
    marketId: number,
    side: Side,
    maxSizeWad: bigint,
    accept: (priceWad: bigint) => boolean,
    excludeAccount: string,
  ): LiquidityTake[] {
    return this.run(() => {
      const market = this.marketOf(marketId);
      const nowSec = toSeconds(this.now());
      const excluded = excludeAccount.toLowerCase();
      let leftWad = maxSizeWad > 0n ? maxSizeWad - (maxSizeWad % market.lotSizeWad) : 0n;
      const planned: { rec: OrderRecord; sizeWad: bigint }[] = [];
      const expired: OrderRecord[] = [];
      let inRange = false;
      // Plan first (the walk must not change the book it iterates), then apply.
      for (const order of market.book.orders(oppositeOf(side))) {
        if (leftWad === 0n) break;
        if (!accept(order.priceWad)) {
          if (inRange) break;
          continue;
        }
        inRange = true;
        const rec = this.orders.get(order.hash) as OrderRecord;
        if (isExpired(rec, nowSec)) {
          expired.push(rec);
          continue;
        }
        if (rec.accountKey === excluded) continue;
        let sizeWad = min(leftWad, remainingOf(order));
        if (hasFlag(rec.flags, OrderFlag.ReduceOnly)) sizeWad = min(sizeWad, this.reducible(rec));
        if (sizeWad === 0n) continue;
        planned.push({ rec, sizeWad });
        leftWad -= sizeWad;
        this.addCallDelta(rec.accountKey, order.side === "buy" ? sizeWad : -sizeWad);
      }
      for (const rec of expired) this.retire(rec, "expired", OrderReason.ExpiryPassed);
      return planned.map(({ rec, sizeWad }) => {
        this.applyFill(rec, sizeWad);
        return { maker: snapshot(rec.order), sizeWad, priceWad: rec.order.priceWad };
      });
    });
  }

  /**
   * Gives liquidity taken by {@link takeLiquidity} back (the liquidation did not land), as the maker side of
   * {@link rollbackFill}: each maker's `filledWad` shrinks by its take and the order keeps (or, if the take completed
   * it, regains at its original seq) its place in the book, unless its expiry passed meanwhile. The maker named
   * `culpritHash` (its order made the chain refuse the liquidation) is cancelled instead, reason
   * `liquidation-rejected`. Makers the engine no longer holds are skipped. A restored order may cross the book; the
   * crossing is matched as in {@link onMark} (those fills are reported as `fill` events).
   * @throws {EngineRejection} `INVALID_ROLLBACK` when a take's size is not in (0, filled] of its maker; nothing
   *   changes then.
   */
  returnLiquidity(takes: readonly LiquidityTake[], culpritHash?: string): RollbackResult {
    return this.run(() => {
      const held = takes
        .map((take) => ({ take, rec: this.orders.get(take.maker.hash.toLowerCase()) }))
        .filter((t): t is { take: LiquidityTake; rec: OrderRecord } => t.rec !== undefined);
      for (const { take, rec } of held) {
        if (take.sizeWad <= 0n || take.sizeWad > rec.order.filledWad) {
          throw new EngineRejection(
            "INVALID_ROLLBACK",
            `Cannot return ${take.sizeWad} of liquidity to order ${rec.order.hash}: it has ${rec.order.filledWad} filled`,
            rec.order.hash,
          );
        }
      }
      const nowMs = this.now();
      const culprit = culpritHash?.toLowerCase();
      const orders = held.map(({ take, rec }) =>
        this.undoFill(rec, take.sizeWad, rec.order.hash === culprit, nowMs, OrderReason.LiquidationRejected),
      );
      const markets = new Set(held.map(({ rec }) => rec.market));
      return { orders, matches: [...markets].flatMap((market) => this.uncross(market, nowMs)) };
    });
  }

  /**
   * Takes liquidity again for a book liquidation that landed after its liquidity was returned (its lease had ended):
   * each maker still resting on the book is filled again by its take, or by its remaining size if that is smaller;
   * makers no longer on the book are skipped (the chain has filled them anyway: settlement drops fills it refuses).
   * @returns The takes actually made (sizes possibly smaller, skipped makers omitted).
   */
  retakeLiquidity(takes: readonly LiquidityTake[]): LiquidityTake[] {
    return this.run(() =>
      takes.flatMap((take) => {
        const rec = this.orders.get(take.maker.hash.toLowerCase());
        if (rec === undefined || !rec.market.book.has(rec.order.hash)) return [];
        const sizeWad = min(take.sizeWad, remainingOf(rec.order));
        this.applyFill(rec, sizeWad);
        return [{ maker: snapshot(rec.order), sizeWad, priceWad: take.priceWad }];
      }),
    );
  }

  /**
   * Rebuilds an order from the journal at startup, keeping its seq, filled size, status and reason: `open` rests on
   * the book at its seq, `untriggered` waits for the mark, any other status is only remembered (for
   * {@link rollbackFill} and {@link order}). No events are emitted. The seq counter moves past the order's seq.
   * @throws {EngineRejection} `UNKNOWN_MARKET`, `DUPLICATE_ORDER`, or `INVALID_ORDER` for an `open` order with nothing
   *   left to fill.
   */
  restore(order: BookOrder): void {
    const market = this.marketOf(order.marketId);
    const hash = order.hash.toLowerCase();
    if (this.orders.has(hash))
      throw new EngineRejection("DUPLICATE_ORDER", `Order ${hash} is already in the engine`, hash);
    if (order.status === "open" && order.filledWad >= order.sizeWad) {
      throw new EngineRejection(
        "INVALID_ORDER",
        `Cannot restore order ${hash} as open: size ${order.sizeWad} is completely filled (${order.filledWad})`,
        hash,
      );
    }
    const rec = makeRecord({ ...order, hash }, market);
    this.store(rec);
    this.seqCounter = Math.max(this.seqCounter, order.seq + 1);
    if (!isLive(order.status)) return;
    this.setStatus(rec, order.status, order.reason);
    if (order.status === "untriggered") market.untriggered.set(hash, rec);
    else this.silently(() => market.book.insert(rec.order));
    this.queueExpiry(rec);
  }

  /**
   * Drops a filled, cancelled or expired order from memory once its fills are settled (after that, it can no longer
   * be rolled back).
   * @returns Whether it was dropped (false when unknown or still live).
   */
  forget(hash: string): boolean {
    const rec = this.orders.get(hash.toLowerCase());
    if (rec === undefined || isLive(rec.order.status)) return false;
    return this.orders.delete(rec.order.hash);
  }

  /* QUERIES */

  /** A snapshot of the order with this hash, if the engine holds it. */
  order(hash: string): BookOrder | undefined {
    const rec = this.orders.get(hash.toLowerCase());
    return rec === undefined ? undefined : snapshot(rec.order);
  }

  /** Snapshots of the open and untriggered orders of `account` (case-insensitive), in seq order. */
  ordersOf(account: string): BookOrder[] {
    const live = this.liveByAccount.get(account.toLowerCase());
    if (live === undefined) return [];
    return [...live].map((rec) => snapshot(rec.order)).sort(bySeq);
  }

  /**
   * The best `depth` levels of each side of a market's book (all when omitted) and its sequence.
   * @throws {EngineRejection} `UNKNOWN_MARKET`.
   */
  book(marketId: number, depth?: number): BookSnapshot {
    return this.marketOf(marketId).book.depthSnapshot(depth);
  }

  /**
   * Impact bid and ask for a market order of `impactNotionalWad` USD (see {@link OrderBook.impactPrice}).
   * @throws {EngineRejection} `UNKNOWN_MARKET`. {RangeError} When the notional is not positive.
   */
  impactPrices(marketId: number, impactNotionalWad: bigint): ImpactPrices {
    const { book } = this.marketOf(marketId);
    return {
      marketId,
      impactNotionalWad,
      impactBidWad: book.impactPrice("buy", impactNotionalWad),
      impactAskWad: book.impactPrice("sell", impactNotionalWad),
      timestampMs: this.now(),
    };
  }

  /**
   * The last mark of a market (wad), if any.
   * @throws {EngineRejection} `UNKNOWN_MARKET`.
   */
  mark(marketId: number): bigint | undefined {
    return this.marketOf(marketId).markWad;
  }

  /* MATCHING */

  /** Matches `taker` (not on the book), then fills it, cancels its remainder or rests it; reports its final state. */
  private execute(taker: OrderRecord, nowMs: number, result: PlaceResult): void {
    const stop = this.matchTaker(taker, nowMs, result);
    const order = taker.order;
    if (order.filledWad === order.sizeWad) this.setStatus(taker, "filled");
    else if (stop === "nothing-to-reduce") this.setStatus(taker, "cancelled", OrderReason.ReduceOnlyNothingToReduce);
    else if (hasFlag(taker.flags, OrderFlag.ImmediateOrCancel))
      this.setStatus(taker, "cancelled", OrderReason.IocRemainder);
    else {
      taker.market.book.insert(order);
      this.setStatus(taker, "open");
      this.queueExpiry(taker);
    }
    this.emitOrder(taker);
  }

  /** Matches `taker` against the opposite side, best first, while prices cross and it has size left. */
  private matchTaker(taker: OrderRecord, nowMs: number, result: PlaceResult): MatchStop {
    const order = taker.order;
    const opposite = oppositeOf(order.side);
    while (order.filledWad < order.sizeWad) {
      const maker = this.liveHead(taker.market, opposite, nowMs, result.cancelled);
      if (maker === undefined || !crosses(order.side, order.priceWad, maker.order.priceWad)) return "no-cross";
      const step = this.matchOne(taker, maker, nowMs, result);
      if (step !== "continue") return step;
    }
    return "filled";
  }

  /**
   * One match attempt of `taker` against `maker`, the first order of the opposite side, whose prices cross: stops at
   * a maker price outside the band; cancels the maker for self-trade prevention or when it is reduce-only with
   * nothing to reduce; otherwise fills as much as both orders (and reduce-only positions, in lots) allow.
   */
  private matchOne(taker: OrderRecord, maker: OrderRecord, nowMs: number, result: PlaceResult): StepOutcome {
    const market = taker.market;
    if (market.markWad !== undefined) {
      const band = withinBand(market.kind, maker.order.priceWad, market.markWad, market.maxFillDeviationWad);
      if (!band.within) return "band";
    }
    if (maker.accountKey === taker.accountKey) {
      this.retire(maker, "cancelled", OrderReason.SelfTradePrevention);
      result.cancelled.push(snapshot(maker.order));
      return "continue";
    }
    let sizeWad = min(remainingOf(taker.order), remainingOf(maker.order));
    if (hasFlag(taker.flags, OrderFlag.ReduceOnly)) {
      const capWad = this.reducible(taker);
      if (capWad === 0n) return "nothing-to-reduce";
      sizeWad = min(sizeWad, capWad);
    }
    if (hasFlag(maker.flags, OrderFlag.ReduceOnly)) {
      const capWad = this.reducible(maker);
      if (capWad === 0n) {
        this.retire(maker, "cancelled", OrderReason.ReduceOnlyNothingToReduce);
        result.cancelled.push(snapshot(maker.order));
        return "continue";
      }
      sizeWad = min(sizeWad, capWad);
    }
    this.executeFill(taker, maker, sizeWad, nowMs, result);
    return "continue";
  }

  private executeFill(
    taker: OrderRecord,
    maker: OrderRecord,
    sizeWad: bigint,
    nowMs: number,
    result: PlaceResult,
  ): void {
    const fill: EngineFill = {
      id: 0,
      marketId: taker.market.marketId,
      makerHash: maker.order.hash,
      takerHash: taker.order.hash,
      maker: maker.order.signed,
      taker: taker.order.signed,
      takerSide: taker.order.side,
      sizeWad,
      priceWad: maker.order.priceWad,
      timestampMs: nowMs,
    };
    this.pending.push(["fill", fill]);
    result.fills.push(fill);
    this.applyFill(maker, sizeWad);
    this.applyFill(taker, sizeWad);
    const takerDeltaWad = taker.order.side === "buy" ? sizeWad : -sizeWad;
    this.addCallDelta(taker.accountKey, takerDeltaWad);
    this.addCallDelta(maker.accountKey, -takerDeltaWad);
  }

  /** Adds a fill to an order: through the book when it rests (reporting it), else on the order (a taker in flight). */
  private applyFill(rec: OrderRecord, sizeWad: bigint): void {
    const { book } = rec.market;
    if (!book.has(rec.order.hash)) {
      rec.order.filledWad += sizeWad;
      return;
    }
    if (book.fill(rec.order.hash, sizeWad)) this.setStatus(rec, "filled");
    this.emitOrder(rec);
  }

  /**
   * Matches the crossed part of a market's book (left by a band that blocked, or by a rollback): the later arrival of
   * the two best orders is the taker. Stops at a band-blocked maker.
   */
  private uncross(market: MarketState, nowMs: number): PlaceResult[] {
    const byTaker = new Map<OrderRecord, PlaceResult>();
    const dropped: BookOrder[] = [];
    for (;;) {
      const bid = this.liveHead(market, "buy", nowMs, dropped);
      const ask = this.liveHead(market, "sell", nowMs, dropped);
      if (bid === undefined || ask === undefined || bid.order.priceWad < ask.order.priceWad) break;
      const [taker, maker] = bid.order.seq > ask.order.seq ? [bid, ask] : [ask, bid];
      let result = byTaker.get(taker);
      if (result === undefined) {
        result = { order: taker.order, fills: [], cancelled: [] };
        byTaker.set(taker, result);
      }
      if (hasFlag(taker.flags, OrderFlag.PostOnly)) {
        this.retire(taker, "cancelled", OrderReason.PostOnlyWouldCross);
        continue;
      }
      const step = this.matchOne(taker, maker, nowMs, result);
      if (step === "band") break;
      if (step === "nothing-to-reduce") this.retire(taker, "cancelled", OrderReason.ReduceOnlyNothingToReduce);
    }
    const changed = [...byTaker.values()].filter(
      (r) => r.fills.length > 0 || r.cancelled.length > 0 || !isLive(r.order.status),
    );
    return changed.map((r) => ({ ...r, order: snapshot(r.order) }));
  }

  /** Activates a triggered stop or take-profit as a new taker (new seq); refusals cancel it instead of throwing. */
  private activate(rec: OrderRecord, nowMs: number): PlaceResult {
    const result: PlaceResult = { order: rec.order, fills: [], cancelled: [] };
    rec.market.untriggered.delete(rec.order.hash);
    rec.order.seq = this.seqCounter++;
    if (isExpired(rec, toSeconds(nowMs))) {
      this.retire(rec, "expired", OrderReason.ExpiryPassed);
    } else {
      const refusal = this.refusal(rec, nowMs, result.cancelled);
      if (refusal !== undefined) this.retire(rec, "cancelled", refusal.reason);
      else this.execute(rec, nowMs, result);
    }
    result.order = snapshot(rec.order);
    return result;
  }

  /** Why an order about to take must not: post-only crossing the opposite best, reduce-only with nothing to reduce. */
  private refusal(rec: OrderRecord, nowMs: number, dropped: BookOrder[]): Refusal | undefined {
    const { order } = rec;
    if (hasFlag(rec.flags, OrderFlag.PostOnly)) {
      const best = this.liveHead(rec.market, oppositeOf(order.side), nowMs, dropped);
      if (best !== undefined && crosses(order.side, order.priceWad, best.order.priceWad)) {
        const bestName = order.side === "buy" ? "best ask" : "best bid";
        return {
          code: "POST_ONLY_WOULD_CROSS",
          reason: OrderReason.PostOnlyWouldCross,
          message:
            `Post-only ${order.side} at ${formatWad(order.priceWad)} would cross the ${bestName} at ` +
            `${formatWad(best.order.priceWad)} in market ${order.marketId}; ` +
            `price it ${order.side === "buy" ? "below" : "above"} the ${bestName} or drop post-only`,
        };
      }
    }
    if (hasFlag(rec.flags, OrderFlag.ReduceOnly) && this.reducible(rec) === 0n) {
      return {
        code: "REDUCE_ONLY_WOULD_INCREASE",
        reason: OrderReason.ReduceOnlyNothingToReduce,
        message:
          `Reduce-only ${order.side} would increase the position of ${order.account} in market ${order.marketId} ` +
          `(position ${formatWad(this.positionNow(rec))}, fills pending included); ` +
          `a reduce-only ${order.side} needs a ${order.side === "buy" ? "short" : "long"} position of at least one lot`,
      };
    }
    return undefined;
  }

  /**
   * The first order of `side` that may still fill: resting orders found expired on the way are expired (and added to
   * `dropped`), as the chain would refuse their fills.
   */
  private liveHead(market: MarketState, side: Side, nowMs: number, dropped: BookOrder[]): OrderRecord | undefined {
    const nowSec = toSeconds(nowMs);
    for (let head = market.book.head(side); head !== undefined; head = market.book.head(side)) {
      const rec = this.orders.get(head.hash) as OrderRecord;
      if (!isExpired(rec, nowSec)) return rec;
      this.retire(rec, "expired", OrderReason.ExpiryPassed);
      dropped.push(snapshot(rec.order));
    }
    return undefined;
  }

  /* POSITIONS */

  /** The account's position now: `positionOf` plus the fills of the call in progress (signed wad). */
  private positionNow(rec: OrderRecord): bigint {
    return this.positionOf(rec.order.account, rec.market.marketId) + (this.callDeltas.get(rec.accountKey) ?? 0n);
  }

  /** How much a reduce-only order of `rec`'s side may fill without growing or flipping the position, in whole lots. */
  private reducible(rec: OrderRecord): bigint {
    const positionWad = this.positionNow(rec);
    const capWad =
      rec.order.side === "buy" ? (positionWad < 0n ? -positionWad : 0n) : positionWad > 0n ? positionWad : 0n;
    return capWad - (capWad % rec.market.lotSizeWad);
  }

  private addCallDelta(accountKey: string, deltaWad: bigint): void {
    this.callDeltas.set(accountKey, (this.callDeltas.get(accountKey) ?? 0n) + deltaWad);
  }

  /* LIFECYCLE */

  /** Builds the record of an arriving order after the checks that need no book. */
  private newRecord(input: PlaceableOrder, nowMs: number): OrderRecord {
    const { order } = input;
    const market = this.marketOf(order.marketId);
    const hash = input.hash.toLowerCase();
    if (this.orders.has(hash)) {
      throw new EngineRejection(
        "DUPLICATE_ORDER",
        `Order ${hash} was already placed; sign a new order (new nonce)`,
        hash,
      );
    }
    if (!flagsValid(order.flags)) {
      throw new EngineRejection("INVALID_ORDER", `Order ${hash} has invalid flags 0x${order.flags.toString(16)}`, hash);
    }
    if (order.size <= 0n || order.size % market.lotSizeWad !== 0n) {
      throw new EngineRejection(
        "INVALID_ORDER",
        `Order ${hash} size ${formatWad(order.size)} is not a positive multiple of the lot size ` +
          `${formatWad(market.lotSizeWad)} of market ${market.marketId}`,
        hash,
      );
    }
    if (order.expiry !== 0n && toSeconds(nowMs) > order.expiry) {
      throw new EngineRejection("ORDER_EXPIRED", `Order ${hash} expired at ${order.expiry} (unix seconds)`, hash);
    }
    const bookOrder: BookOrder = {
      hash,
      signed: { order: input.order, signature: input.signature },
      account: order.account,
      marketId: order.marketId,
      side: hasFlag(order.flags, OrderFlag.Buy) ? "buy" : "sell",
      priceWad: order.price,
      sizeWad: order.size,
      filledWad: 0n,
      status: "open",
      seq: 0,
      receivedAtMs: nowMs,
    };
    return makeRecord(bookOrder, market);
  }

  /** Keeps an order, by hash. */
  private store(rec: OrderRecord): void {
    this.orders.set(rec.order.hash, rec);
  }

  /** Takes a live order out of the book or the trigger list and gives it a final status. */
  private retire(rec: OrderRecord, status: "cancelled" | "expired", reason: string): void {
    rec.market.book.remove(rec.order.hash);
    rec.market.untriggered.delete(rec.order.hash);
    this.setStatus(rec, status, reason);
    this.emitOrder(rec);
  }

  /** Sets status and reason, keeping the per-account index of live orders. */
  private setStatus(rec: OrderRecord, status: OrderStatus, reason?: string): void {
    const { order } = rec;
    order.status = status;
    if (reason === undefined) delete order.reason;
    else order.reason = reason;
    let live = this.liveByAccount.get(rec.accountKey);
    if (isLive(status)) {
      if (live === undefined) this.liveByAccount.set(rec.accountKey, (live = new Set()));
      live.add(rec);
    } else if (live !== undefined && live.delete(rec) && live.size === 0) {
      this.liveByAccount.delete(rec.accountKey);
    }
  }

  /**
   * Gives `sizeWad` of fills back to an order; see {@link rollbackFill}. A culprit is cancelled with `culpritReason`.
   * Returns its snapshot.
   */
  private undoFill(
    rec: OrderRecord,
    sizeWad: bigint,
    culprit: boolean,
    nowMs: number,
    culpritReason: string = OrderReason.SettlementRejected,
  ): BookOrder {
    const { order, market } = rec;
    if (market.book.has(order.hash)) market.book.unfill(order.hash, sizeWad);
    else order.filledWad -= sizeWad;
    if (culprit && (isLive(order.status) || order.status === "filled")) {
      this.retire(rec, "cancelled", culpritReason);
      return snapshot(order);
    }
    if (!culprit && order.status === "filled") {
      if (hasFlag(rec.flags, OrderFlag.ImmediateOrCancel)) this.setStatus(rec, "cancelled", OrderReason.IocRemainder);
      else if (isExpired(rec, toSeconds(nowMs))) this.setStatus(rec, "expired", OrderReason.ExpiryPassed);
      else {
        market.book.insert(order);
        this.setStatus(rec, "open");
        this.queueExpiry(rec);
      }
    }
    this.emitOrder(rec);
    return snapshot(order);
  }

  private cancelAllOf(accountKey: string, marketId: number | undefined, reason: string): BookOrder[] {
    const live = this.liveByAccount.get(accountKey);
    if (live === undefined) return [];
    const cancelled: BookOrder[] = [];
    for (const rec of [...live]) {
      if (marketId !== undefined && rec.market.marketId !== marketId) continue;
      this.retire(rec, "cancelled", reason);
      cancelled.push(snapshot(rec.order));
    }
    return cancelled.sort(bySeq);
  }

  private queueExpiry(rec: OrderRecord): void {
    if (rec.expirySec === 0n || rec.queued) return;
    rec.queued = true;
    this.expiries.push(rec);
  }

  private isTriggered(rec: OrderRecord): boolean {
    const { markWad } = rec.market;
    return markWad !== undefined && triggered(rec.flags, rec.order.signed.order.triggerPrice, markWad);
  }

  private marketOf(marketId: number): MarketState {
    const market = this.markets.get(marketId);
    if (market === undefined) {
      throw new EngineRejection("UNKNOWN_MARKET", `Market ${marketId} is not traded here; check the market id`);
    }
    return market;
  }

  /* EVENTS */

  /** Runs one public operation: fresh per-call position deltas, then delivery of the events it queued. */
  private run<T>(operation: () => T): T {
    this.callDeltas.clear();
    let value: T;
    try {
      value = operation();
    } catch (error) {
      try {
        this.flush();
      } catch (listenerError) {
        throw new AggregateError([error, listenerError], "Engine call failed and an event listener threw");
      }
      throw error;
    }
    this.flush();
    return value;
  }

  /** Delivers the queued events in order; a listener's exception is rethrown after the others are delivered. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    const errors: unknown[] = [];
    for (const event of events) {
      try {
        if (event[0] === "fill") this.emit("fill", event[1]);
        else if (event[0] === "order") this.emit("order", event[1]);
        else this.emit("book", event[1]);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} engine event listeners threw`);
  }

  private emitOrder(rec: OrderRecord): void {
    if (!this.restoring) this.pending.push(["order", snapshot(rec.order)]);
  }

  private onBookDelta(delta: BookDelta): void {
    if (!this.restoring) this.pending.push(["book", delta]);
  }

  private silently(operation: () => void): void {
    this.restoring = true;
    try {
      operation();
    } finally {
      this.restoring = false;
    }
  }
}

/* EXPIRY QUEUE */

/** A binary min-heap of order records by expiry second; entries of orders no longer live are skipped by the caller. */
class ExpiryQueue {
  private readonly heap: OrderRecord[] = [];

  push(rec: OrderRecord): void {
    const { heap } = this;
    heap.push(rec);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (heap[parent].expirySec <= rec.expirySec) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = rec;
  }

  /** Removes and returns a record whose expiry second is before `nowSec`, if any (marking it unqueued). */
  popDue(nowSec: bigint): OrderRecord | undefined {
    const { heap } = this;
    if (heap.length === 0 || heap[0].expirySec >= nowSec) return undefined;
    const top = heap[0];
    const last = heap.pop() as OrderRecord;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && heap[right].expirySec < heap[left].expirySec ? right : left;
        if (last.expirySec <= heap[child].expirySec) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    top.queued = false;
    return top;
  }
}

/* HELPERS */

function makeRecord(order: BookOrder, market: MarketState): OrderRecord {
  const { flags, expiry } = order.signed.order;
  return { order, market, accountKey: order.account.toLowerCase(), flags, expirySec: expiry, queued: false };
}

function snapshot(order: BookOrder): BookOrder {
  return { ...order };
}

function bySeq(a: BookOrder, b: BookOrder): number {
  return a.seq - b.seq;
}

function isLive(status: OrderStatus): boolean {
  return status === "open" || status === "untriggered";
}

function isConditional(flags: number): boolean {
  return (flags & (OrderFlag.Stop | OrderFlag.TakeProfit)) !== 0;
}

/** Whether the order may no longer fill at `nowSec` (block time past its last second). */
function isExpired(rec: OrderRecord, nowSec: bigint): boolean {
  return rec.expirySec !== 0n && nowSec > rec.expirySec;
}

function toSeconds(nowMs: number): bigint {
  return BigInt(Math.floor(nowMs / 1000));
}

/** Whether a taker of `side` at `takerPriceWad` crosses a maker at `makerPriceWad` (a buy pays at least the ask). */
function crosses(side: Side, takerPriceWad: bigint, makerPriceWad: bigint): boolean {
  return side === "buy" ? takerPriceWad >= makerPriceWad : takerPriceWad <= makerPriceWad;
}

function oppositeOf(side: Side): Side {
  return side === "buy" ? "sell" : "buy";
}

function remainingOf(order: BookOrder): bigint {
  return order.sizeWad - order.filledWad;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function formatWad(x: bigint): string {
  return formatUnits(x, 18);
}

function invalidRollback(fill: EngineFill, why: string): EngineRejection {
  return new EngineRejection(
    "INVALID_ROLLBACK",
    `Cannot roll back fill of ${fill.sizeWad} (maker ${fill.makerHash}, taker ${fill.takerHash}): ${why}`,
  );
}
