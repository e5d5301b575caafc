/**
 * The backstop unwind (DESIGN §8 stage 2, after the takeover): positions the insurance fund's backstop account took
 * over are sold back to the book in slices, through immediate-or-cancel reduce-only orders of the fund's account
 * signed by a `BACKSTOP_OPERATOR_ROLE` key (the fund's `isValidSignature` accepts them, ERC-1271), paced by the book's
 * depth so that the fund never walks the book against itself.
 *
 * Each market, each round: nothing while the previous slice is outstanding (its order not final, its fills not yet
 * settled, or settled but not yet in the indexer's state) or less than `minIntervalMs` ago. Otherwise the slice is
 * `min(|position|, bookShare · depth, maxSliceNotional / mark)` rounded down to the lot, where depth is the opposite
 * side's size at prices within `slippage` of the mark; the order's limit is that band's edge rounded to the tick in
 * the fund's favour. The chain forces the fund's orders reduce-only and the matcher caps a reduce-only order at the
 * position including unsettled fills, so a slice never grows or flips the position.
 */
import { getAddress, type Signer } from "ethers";
import type { Logger } from "pino";
import type { Counter } from "prom-client";
import { GatewayRequestError, type GatewayClient } from "../gateway/client";
import type { ChainIndexer } from "../indexer/indexer";
import type { IndexedMarket } from "../indexer/state";
import type { BookLevel } from "../matcher/types";
import { MarketStatus } from "../sdk/markets";
import { WAD, abs, withinBand } from "../sdk/math";
import { NonceAllocator, OrderFlag, nonceSeed, signOrder, type Order, type OrderDomain } from "../sdk/orders";

/** Options of {@link BackstopUnwinder}. */
export interface UnwinderOptions {
  indexer: ChainIndexer;
  /** The matcher's gateway: book reads and order placement. */
  client: Pick<GatewayClient, "book" | "placeOrder" | "order">;
  /** The insurance fund contract: the backstop account whose positions are unwound. */
  fundAddress: string;
  /** Holds `BACKSTOP_OPERATOR_ROLE` on the fund; its EIP-712 signature of an order is the fund's (ERC-1271). */
  operator: Signer;
  domain: OrderDomain;
  logger: Logger;
  /** Most of the opposite depth within the band one slice may take (wad fraction; default 0.25e18). */
  bookShareWad?: bigint;
  /** The band around the mark (wad; default 0.005e18): relative for ASSET markets, absolute for BOUNDED ones. */
  slippageWad?: bigint;
  /** Largest slice in USD at the mark (wad; default 250,000e18). */
  maxSliceNotionalWad?: bigint;
  /** Least time between two slices in one market (ms; default 5,000). */
  minIntervalMs?: number;
  /** Lifetime of an order's signature (s of chain time; default 300): its fills must settle before it. */
  orderTtlSec?: number;
  /** Book levels read per side (default 500, the gateway's maximum). */
  bookDepthLevels?: number;
  /** Wall clock (ms), for pacing. */
  now?: () => number;
  /** `actionFailures{action="unwind", reason}`: a gateway error code, `error`. */
  metrics?: { actionFailures: Pick<Counter<"action" | "reason">, "inc"> };
}

/** One slice placed. */
export interface UnwindSlice {
  marketId: number;
  /** The fund's order side: `sell` unwinds a long. */
  side: "buy" | "sell";
  /** The order's size (unsigned wad, a multiple of the lot). */
  sizeWad: bigint;
  /** The order's limit: the band's edge rounded to the tick in the fund's favour (wad). */
  limitPriceWad: bigint;
  /** The order's EIP-712 digest (lower-case hex). */
  orderHash: string;
  /** Matched at once (the rest of an IOC order is cancelled; the fills settle later) (wad). */
  filledWad: bigint;
}

/** The slice of a market that has not yet finished. */
interface PendingSlice {
  orderHash: string;
  placedAtMs: number;
}

/** Order statuses after which nothing more fills. */
const FINAL = new Set(["filled", "cancelled", "expired", "rejected"]);

/** Unwinds the backstop's positions; see the module comment. */
export class BackstopUnwinder {
  private readonly fund: string;
  private readonly bookShareWad: bigint;
  private readonly slippageWad: bigint;
  private readonly maxSliceNotionalWad: bigint;
  private readonly minIntervalMs: number;
  private readonly orderTtlSec: number;
  private readonly bookDepthLevels: number;
  private readonly now: () => number;
  /** Per market: the last slice, until its fills are in the indexer's state. */
  private readonly pending = new Map<number, PendingSlice>();
  /** Per market: when the last slice was placed (ms). */
  private readonly lastPlacedAtMs = new Map<number, number>();
  /** Markets whose thin book was already logged (once until a slice is placed there again). */
  private readonly thinLogged = new Set<number>();
  private nonces: NonceAllocator | undefined;

  /** @throws {RangeError} for a book share outside (0, 1e18], a slippage outside (0, 1e18), or a slice cap ≤ 0. */
  constructor(private readonly o: UnwinderOptions) {
    this.fund = getAddress(o.fundAddress);
    this.bookShareWad = o.bookShareWad ?? (WAD * 25n) / 100n;
    this.slippageWad = o.slippageWad ?? (WAD * 5n) / 1000n;
    this.maxSliceNotionalWad = o.maxSliceNotionalWad ?? 250_000n * WAD;
    this.minIntervalMs = o.minIntervalMs ?? 5_000;
    this.orderTtlSec = o.orderTtlSec ?? 300;
    this.bookDepthLevels = o.bookDepthLevels ?? 500;
    this.now = o.now ?? Date.now;
    if (this.bookShareWad <= 0n || this.bookShareWad > WAD)
      throw new RangeError(`bookShareWad must be in (0, 1e18], got ${this.bookShareWad}`);
    if (this.slippageWad <= 0n || this.slippageWad >= WAD)
      throw new RangeError(`slippageWad must be in (0, 1e18), got ${this.slippageWad}`);
    if (this.maxSliceNotionalWad <= 0n)
      throw new RangeError(`maxSliceNotionalWad must be positive, got ${this.maxSliceNotionalWad}`);
  }

  /**
   * One pass over the fund's positions (see the module comment); resolves with the slices placed. A market whose
   * book read or order placement fails is logged, counted and skipped; the others still run.
   */
  async runOnce(): Promise<UnwindSlice[]> {
    const slices: UnwindSlice[] = [];
    for (const marketId of [...this.o.indexer.accountOf(this.fund).positions.keys()]) {
      try {
        const slice = await this.unwindMarket(marketId);
        if (slice) slices.push(slice);
      } catch (error) {
        const reason = error instanceof GatewayRequestError ? error.code : "error";
        this.o.logger.error({ err: error, marketId, reason }, "backstop unwind slice failed");
        this.o.metrics?.actionFailures.inc({ action: "unwind", reason });
      }
    }
    return slices;
  }

  private async unwindMarket(marketId: number): Promise<UnwindSlice | undefined> {
    if (await this.outstanding(marketId)) return undefined;
    const nowMs = this.now();
    const last = this.lastPlacedAtMs.get(marketId);
    if (last !== undefined && nowMs - last < this.minIntervalMs) return undefined;
    const positionWad = this.o.indexer.accountOf(this.fund).positions.get(marketId)?.sizeWad ?? 0n;
    const market = this.o.indexer.markets.get(marketId);
    if (positionWad === 0n || market === undefined) return undefined;
    if (market.markWad === undefined || !trades(market)) {
      this.o.logger.debug({ marketId, status: MarketStatus[market.status] }, "backstop unwind: market not trading");
      return undefined;
    }
    const sell = positionWad > 0n;
    const limitPriceWad = this.limitPrice(market, market.markWad, sell);
    const book = await this.o.client.book(marketId, this.bookDepthLevels);
    const depthWad = depthWithin(sell ? book.bids : book.asks, limitPriceWad, sell);
    const sizeWad = this.sliceSize(market, market.markWad, abs(positionWad), depthWad);
    if (sizeWad === 0n) {
      const level = this.thinLogged.has(marketId) ? "debug" : "info";
      this.thinLogged.add(marketId);
      this.o.logger[level](
        { marketId, positionWad, depthWad, limitPriceWad },
        "backstop unwind: book too thin for one lot within the band",
      );
      return undefined;
    }
    this.thinLogged.delete(marketId);
    return this.place(market, sell, sizeWad, limitPriceWad, nowMs);
  }

  /** `min(|position|, bookShare · depth, maxSliceNotional / mark)` rounded down to the lot. */
  private sliceSize(market: IndexedMarket, markWad: bigint, absPositionWad: bigint, depthWad: bigint): bigint {
    const byBook = (depthWad * this.bookShareWad) / WAD;
    const byNotional = (this.maxSliceNotionalWad * WAD) / markWad;
    const raw = min(absPositionWad, min(byBook, byNotional));
    return raw - (raw % market.trading.lotSizeWad);
  }

  /**
   * The worst price the fund accepts: `mark ∓ band` (SDK `withinBand`), rounded to the tick toward the mark (up for a
   * sell, down for a buy: in the fund's favour, and inside the band) and kept within the market's price bounds.
   */
  private limitPrice(market: IndexedMarket, markWad: bigint, sell: boolean): bigint {
    const { tickSizeWad, minPriceWad, maxPriceWad } = market.trading;
    const { maxDeltaWad } = withinBand(market.kind, markWad, markWad, this.slippageWad);
    if (sell) {
      const edge = markWad > maxDeltaWad ? markWad - maxDeltaWad : 0n;
      return max(ceilTo(edge, tickSizeWad), minPriceWad);
    }
    return min(floorTo(markWad + maxDeltaWad, tickSizeWad), maxPriceWad);
  }

  private async place(
    market: IndexedMarket,
    sell: boolean,
    sizeWad: bigint,
    limitPriceWad: bigint,
    nowMs: number,
  ): Promise<UnwindSlice> {
    const order: Order = {
      account: this.fund,
      marketId: market.marketId,
      flags: OrderFlag.ReduceOnly | OrderFlag.ImmediateOrCancel | (sell ? 0 : OrderFlag.Buy),
      nonce: this.nonceAllocator().take(),
      expiry: BigInt(this.o.indexer.chainTimeSec(nowMs) + this.orderTtlSec),
      size: sizeWad,
      price: limitPriceWad,
      triggerPrice: 0n,
    };
    const signature = await signOrder(this.o.operator, this.o.domain, order);
    // Paced from the attempt: a refused order is not retried before the interval either.
    this.lastPlacedAtMs.set(market.marketId, nowMs);
    const result = await this.o.client.placeOrder({ order, signature });
    const slice: UnwindSlice = {
      marketId: market.marketId,
      side: sell ? "sell" : "buy",
      sizeWad,
      limitPriceWad,
      orderHash: result.order.hash,
      filledWad: result.order.filledWad,
    };
    if (slice.filledWad > 0n) this.pending.set(market.marketId, { orderHash: slice.orderHash, placedAtMs: nowMs });
    this.o.logger.info(
      { ...slice, status: result.order.status, markWad: market.markWad },
      "backstop unwind slice placed",
    );
    return slice;
  }

  /**
   * Whether the market's last slice is still outstanding: its order not final, or fills matched but not settled.
   * Once every fill is settled (or dropped), the indexer is polled so that its state includes them, and the slice is
   * done. An order the gateway no longer knows is done too (logged): nothing more can settle through it.
   */
  private async outstanding(marketId: number): Promise<boolean> {
    const slice = this.pending.get(marketId);
    if (!slice) return false;
    const view = await this.o.client.order(slice.orderHash);
    if (view === undefined) {
      this.o.logger.warn({ marketId, orderHash: slice.orderHash }, "the gateway no longer knows the last unwind order");
    } else if (!FINAL.has(view.status) || view.settledWad < view.filledWad) {
      this.o.logger.debug(
        { marketId, orderHash: slice.orderHash, filledWad: view.filledWad, settledWad: view.settledWad },
        "backstop unwind: last slice still settling",
      );
      return true;
    }
    await this.o.indexer.poll();
    this.pending.delete(marketId);
    return false;
  }

  /** The fund's nonces: from the wall clock (never reused across restarts), at or above its on-chain floor. */
  private nonceAllocator(): NonceAllocator {
    if (!this.nonces) {
      const floor = this.o.indexer.accountOf(this.fund).nonceFloor;
      const seed = nonceSeed(this.now());
      this.nonces = new NonceAllocator(seed > floor ? seed : floor);
    }
    return this.nonces;
  }
}

/** Active and Resolving markets settle reduce-only fills; the others do not trade. */
function trades(market: IndexedMarket): boolean {
  return market.status === MarketStatus.Active || market.status === MarketStatus.Resolving;
}

/** Σ size of the levels at or better than `limitPriceWad` for the fund: bids ≥ it for a sell, asks ≤ it for a buy. */
function depthWithin(levels: readonly BookLevel[], limitPriceWad: bigint, sell: boolean): bigint {
  let depthWad = 0n;
  for (const level of levels) {
    if (sell ? level.priceWad >= limitPriceWad : level.priceWad <= limitPriceWad) depthWad += level.sizeWad;
  }
  return depthWad;
}

function ceilTo(x: bigint, step: bigint): bigint {
  return ((x + step - 1n) / step) * step;
}

function floorTo(x: bigint, step: bigint): bigint {
  return (x / step) * step;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
