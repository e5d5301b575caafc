/**
 * One market's limit order book (DESIGN §10): resting bids and asks with price-time priority (best price first; at
 * one price, lower `seq` first), aggregated levels, book deltas and impact prices. Pure and synchronous: the matching
 * rules (crossing, order types, bands) live in the engine; the book only stores, orders and aggregates.
 *
 * Layout, for speed: per side a sorted array of level prices with the best price LAST (bids ascending, asks
 * descending), so taking or emptying the best level is a `pop()`; a `Map<priceWad, Level>`; and per level a FIFO of
 * slots sorted by `seq`. Cancels are O(1) through a hash index: a cancelled slot is marked dead and skipped later
 * (lazy deletion), the queue is compacted once dead slots dominate it. Invariants: every level in the price array has
 * at least one live slot, and the slot at a level's `head` is live.
 */
import { WAD } from "../sdk/math";
import type { BookDelta, BookLevel, BookOrder, BookSnapshot, Side } from "./types";

/** A resting order's place in a level queue; `live` turns false when it leaves the book. */
interface Slot {
  readonly order: BookOrder;
  readonly level: Level;
  live: boolean;
}

/** One price level: its FIFO (slots sorted by `seq`, dead ones skipped) and aggregates over the live slots. */
interface Level {
  readonly side: Side;
  readonly priceWad: bigint;
  readonly queue: Slot[];
  /** Index of the first live slot in `queue`. */
  head: number;
  /** Σ remaining size (`sizeWad − filledWad`) of the live slots (wad). */
  totalWad: bigint;
  /** Number of live slots. */
  count: number;
  /** Number of dead slots still in `queue`. */
  dead: number;
}

/** One side of the book: level prices sorted with the best last, and the levels by price. */
interface BookSide {
  readonly side: Side;
  readonly prices: bigint[];
  readonly levels: Map<bigint, Level>;
}

/** Thrown by {@link OrderBook} on a call that would corrupt it (the engine never makes one). */
export class OrderBookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OrderBookError";
  }
}

/** Below this many dead slots in a queue, compaction is not worth a copy. */
const COMPACT_MIN_DEAD = 32;

/** Receives every level change of a book, in order. */
export type BookDeltaListener = (delta: BookDelta) => void;

/**
 * The order book of one market. Orders are {@link BookOrder} objects the book holds by reference: it reads their
 * `side`, `priceWad`, `seq` and remaining size (`sizeWad − filledWad`), and it writes `filledWad` only in
 * {@link OrderBook.fill} and {@link OrderBook.unfill}, so that level totals always equal the sum of remaining sizes.
 * Callers must not change a resting order's side, price, seq, size or filled amount otherwise.
 *
 * Every change of a level's total increments {@link OrderBook.sequence} and is reported to the delta listener.
 */
export class OrderBook {
  private readonly bids: BookSide = { side: "buy", prices: [], levels: new Map() };
  private readonly asks: BookSide = { side: "sell", prices: [], levels: new Map() };
  private readonly index = new Map<string, Slot>();
  private seq = 0;

  /**
   * @param marketId The market this book belongs to (copied into deltas and snapshots).
   * @param onDelta Called synchronously with every level change (new total size of the level; 0 removes it).
   */
  constructor(
    readonly marketId: number,
    private readonly onDelta?: BookDeltaListener,
  ) {}

  /** Increases with every change of a level; equals the `sequence` of the last delta. */
  get sequence(): number {
    return this.seq;
  }

  /** Number of resting orders. */
  get size(): number {
    return this.index.size;
  }

  /** Whether the order with this hash rests on the book. */
  has(hash: string): boolean {
    return this.index.has(hash);
  }

  /** The resting order with this hash (the held object, not a copy), if any. */
  get(hash: string): BookOrder | undefined {
    return this.index.get(hash)?.order;
  }

  /**
   * Rests `order` at its price, behind every resting order of that price with a lower `seq` (so re-inserting an
   * order at its original `seq` restores its time priority).
   * @throws {OrderBookError} When an order with the same hash already rests, or the order has nothing left to fill.
   */
  insert(order: BookOrder): void {
    if (this.index.has(order.hash)) throw new OrderBookError(`Order ${order.hash} already rests on the book`);
    const remainingWad = order.sizeWad - order.filledWad;
    if (remainingWad <= 0n) {
      throw new OrderBookError(
        `Order ${order.hash} has nothing left to fill (size ${order.sizeWad}, filled ${order.filledWad})`,
      );
    }
    const level = this.levelFor(order.side, order.priceWad);
    const slot: Slot = { order, level, live: true };
    insertBySeq(level, slot);
    level.totalWad += remainingWad;
    level.count += 1;
    this.index.set(order.hash, slot);
    this.emit(level);
  }

  /** Takes the order with this hash off the book; returns it, or undefined when it does not rest here. */
  remove(hash: string): BookOrder | undefined {
    const slot = this.index.get(hash);
    if (slot === undefined) return undefined;
    const { level, order } = slot;
    level.totalWad -= order.sizeWad - order.filledWad;
    this.unlink(slot);
    this.emit(level);
    return order;
  }

  /**
   * Records a fill of `sizeWad` against a resting order (`filledWad += sizeWad`); the order leaves the book once
   * completely filled.
   * @returns Whether the order left the book (it is now completely filled).
   * @throws {OrderBookError} When the order does not rest here, or `sizeWad` is not in (0, remaining].
   */
  fill(hash: string, sizeWad: bigint): boolean {
    const slot = this.slot(hash);
    const { level, order } = slot;
    const remainingWad = order.sizeWad - order.filledWad;
    if (sizeWad <= 0n || sizeWad > remainingWad) {
      throw new OrderBookError(`Fill of ${sizeWad} on order ${hash} is outside (0, ${remainingWad}]`);
    }
    order.filledWad += sizeWad;
    level.totalWad -= sizeWad;
    const done = sizeWad === remainingWad;
    if (done) this.unlink(slot);
    this.emit(level);
    return done;
  }

  /**
   * Gives back `sizeWad` of fills to a resting order (`filledWad -= sizeWad`; a fill settlement refused), keeping its
   * place in the queue.
   * @throws {OrderBookError} When the order does not rest here, or `sizeWad` is not in (0, filledWad].
   */
  unfill(hash: string, sizeWad: bigint): void {
    const { level, order } = this.slot(hash);
    if (sizeWad <= 0n || sizeWad > order.filledWad) {
      throw new OrderBookError(`Unfill of ${sizeWad} on order ${hash} is outside (0, ${order.filledWad}]`);
    }
    order.filledWad -= sizeWad;
    level.totalWad += sizeWad;
    this.emit(level);
  }

  /** The best price on `side` (highest bid, lowest ask), or undefined when the side is empty. */
  bestPrice(side: Side): bigint | undefined {
    const { prices } = this.sideOf(side);
    return prices.length === 0 ? undefined : prices[prices.length - 1];
  }

  /** The order first in priority on `side`: the earliest at the best price (the held object), or undefined. */
  head(side: Side): BookOrder | undefined {
    const { prices, levels } = this.sideOf(side);
    if (prices.length === 0) return undefined;
    const level = levels.get(prices[prices.length - 1]) as Level;
    return level.queue[level.head].order;
  }

  /** The resting orders of `side` in priority order (best price first, then lower `seq`); held objects. */
  *orders(side: Side): IterableIterator<BookOrder> {
    const { prices, levels } = this.sideOf(side);
    for (let i = prices.length - 1; i >= 0; --i) {
      const level = levels.get(prices[i]) as Level;
      for (let j = level.head; j < level.queue.length; ++j) {
        if (level.queue[j].live) yield level.queue[j].order;
      }
    }
  }

  /** The best `depth` levels of `side` (all when `depth` is omitted), best first. */
  levels(side: Side, depth: number = Number.POSITIVE_INFINITY): BookLevel[] {
    const { prices, levels } = this.sideOf(side);
    const out: BookLevel[] = [];
    for (let i = prices.length - 1; i >= 0 && out.length < depth; --i) {
      const level = levels.get(prices[i]) as Level;
      out.push({ priceWad: level.priceWad, sizeWad: level.totalWad, orderCount: level.count });
    }
    return out;
  }

  /** The best `depth` levels of each side and the current sequence. */
  depthSnapshot(depth: number = Number.POSITIVE_INFINITY): BookSnapshot {
    return {
      marketId: this.marketId,
      bids: this.levels("buy", depth),
      asks: this.levels("sell", depth),
      sequence: this.seq,
    };
  }

  /**
   * The average execution price of a market order of `notionalWad` USD walking `side` ("buy" walks the bids: the
   * impact bid; "sell" walks the asks: the impact ask). Levels are consumed best first until Σ size·price reaches the
   * notional; the average is notional / size filled, computed exactly over the last partial level and rounded down
   * once (wad).
   * @returns The average price (wad), or undefined when the whole side is worth less than `notionalWad`.
   * @throws {RangeError} When `notionalWad` is not positive.
   */
  impactPrice(side: Side, notionalWad: bigint): bigint | undefined {
    if (notionalWad <= 0n) throw new RangeError(`Impact notional must be positive, got ${notionalWad}`);
    const { prices, levels } = this.sideOf(side);
    // Notionals are kept in wad² (size·price without division) so that nothing rounds before the final quotient.
    const targetWad2 = notionalWad * WAD;
    let sizeWad = 0n;
    let notionalWad2 = 0n;
    for (let i = prices.length - 1; i >= 0; --i) {
      const level = levels.get(prices[i]) as Level;
      const levelWad2 = level.totalWad * level.priceWad;
      if (notionalWad2 + levelWad2 >= targetWad2) {
        // Size filled = sizeWad + (target − notional so far) / price; average = target / size filled.
        return (targetWad2 * level.priceWad) / (sizeWad * level.priceWad + targetWad2 - notionalWad2);
      }
      sizeWad += level.totalWad;
      notionalWad2 += levelWad2;
    }
    return undefined;
  }

  private sideOf(side: Side): BookSide {
    return side === "buy" ? this.bids : this.asks;
  }

  private slot(hash: string): Slot {
    const slot = this.index.get(hash);
    if (slot === undefined)
      throw new OrderBookError(`Order ${hash} does not rest on the book of market ${this.marketId}`);
    return slot;
  }

  /** The level of `priceWad` on `side`, created (and placed in the sorted price array) when missing. */
  private levelFor(side: Side, priceWad: bigint): Level {
    const bookSide = this.sideOf(side);
    const existing = bookSide.levels.get(priceWad);
    if (existing !== undefined) return existing;
    const level: Level = { side, priceWad, queue: [], head: 0, totalWad: 0n, count: 0, dead: 0 };
    bookSide.levels.set(priceWad, level);
    const { prices } = bookSide;
    const last = prices.length - 1;
    // A new best price (the common case for a tightening book) is a push.
    if (last < 0 || isBetter(side, priceWad, prices[last])) prices.push(priceWad);
    else prices.splice(searchPrice(side, prices, priceWad), 0, priceWad);
    return level;
  }

  /**
   * Marks `slot` dead, advances its level's head past dead slots, drops the level once it is empty, and compacts the
   * queue once dead slots outnumber live ones (so a level with a long-lived head does not grow without bound).
   */
  private unlink(slot: Slot): void {
    const { level } = slot;
    slot.live = false;
    level.count -= 1;
    level.dead += 1;
    this.index.delete(slot.order.hash);
    if (level.count === 0) {
      this.dropLevel(level);
      return;
    }
    const { queue } = level;
    while (!queue[level.head].live) level.head += 1;
    if (level.dead >= COMPACT_MIN_DEAD && level.dead > level.count) compact(level);
  }

  private dropLevel(level: Level): void {
    const bookSide = this.sideOf(level.side);
    bookSide.levels.delete(level.priceWad);
    const { prices } = bookSide;
    if (prices[prices.length - 1] === level.priceWad) prices.pop();
    else prices.splice(searchPrice(level.side, prices, level.priceWad), 1);
  }

  private emit(level: Level): void {
    this.seq += 1;
    if (this.onDelta === undefined) return;
    this.onDelta({
      marketId: this.marketId,
      side: level.side,
      priceWad: level.priceWad,
      sizeWad: level.count === 0 ? 0n : level.totalWad,
      sequence: this.seq,
    });
  }
}

/** Whether `a` is a better price than `b` for `side` (higher bid, lower ask). */
function isBetter(side: Side, a: bigint, b: bigint): boolean {
  return side === "buy" ? a > b : a < b;
}

/**
 * The index of `priceWad` in `prices` (sorted worst first, best last), or where it would be inserted: the first
 * index whose price is not worse than `priceWad`.
 */
function searchPrice(side: Side, prices: readonly bigint[], priceWad: bigint): number {
  let lo = 0;
  let hi = prices.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isBetter(side, priceWad, prices[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Puts `slot` into its level's queue after every slot with a lower `seq` (a push for a new arrival). */
function insertBySeq(level: Level, slot: Slot): void {
  const { queue } = level;
  const seq = slot.order.seq;
  if (queue.length === 0 || queue[queue.length - 1].order.seq < seq) {
    queue.push(slot);
    return;
  }
  let lo = level.head;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (queue[mid].order.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  // The search starts at the live head, so an order older than every live one becomes the new head.
  queue.splice(lo, 0, slot);
}

/** Drops the dead slots of a level's queue in place, keeping the order of the live ones. */
function compact(level: Level): void {
  const { queue } = level;
  let kept = 0;
  for (let i = level.head; i < queue.length; ++i) {
    if (queue[i].live) queue[kept++] = queue[i];
  }
  queue.length = kept;
  level.head = 0;
  level.dead = 0;
}
