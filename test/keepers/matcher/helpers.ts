/**
 * Fixtures for the matching-engine tests: fake signed orders (the engine never verifies signatures), an engine with
 * one ASSET market and recorded events, and brute-force recomputations of what the book should show.
 */
import { parseUnits } from "ethers";
import {
  MatchingEngine,
  type EngineMarket,
  type EngineOptions,
  type PlaceableOrder,
} from "../../../keepers/matcher/engine";
import type { BookDelta, BookLevel, BookOrder, EngineFill, Side } from "../../../keepers/matcher/types";
import { OrderFlag } from "../../../keepers/sdk/orders";
import { MarketKind } from "../../../keepers/sdk/markets";

/** A decimal number of units in wad. */
export function wad(x: number | string): bigint {
  return parseUnits(String(x), 18);
}

export const MARKET = 1;
export const LOT = wad("0.001");
export const ALICE = "0xA11CE00000000000000000000000000000000001";
export const BOB = "0xB0B0000000000000000000000000000000000002";
export const CAROL = "0xCA401000000000000000000000000000000000003";
export const DAVE = "0xDA7E000000000000000000000000000000000004";
export const EVE = "0xE7E0000000000000000000000000000000000005";

/** The market every test uses unless it says otherwise: ASSET, lot 0.001, tick 0.01, band 10%, no mark. */
export function market(overrides: Partial<EngineMarket> = {}): EngineMarket {
  return {
    marketId: MARKET,
    lotSizeWad: LOT,
    tickSizeWad: wad("0.01"),
    kind: MarketKind.Asset,
    maxFillDeviationWad: wad("0.1"),
    ...overrides,
  };
}

let nextHash = 1;

/** What {@link order} needs: sizes and prices as decimal units. */
export interface OrderSpec {
  account: string;
  side: Side;
  price: number | string;
  size: number | string;
  postOnly?: boolean;
  ioc?: boolean;
  reduceOnly?: boolean;
  stop?: boolean;
  takeProfit?: boolean;
  trigger?: number | string;
  /** Unix seconds; 0 = good till cancelled. */
  expiry?: number;
  marketId?: number;
}

/** A fake signed order with a fresh unique hash. */
export function order(spec: OrderSpec): PlaceableOrder {
  let flags = spec.side === "buy" ? OrderFlag.Buy : 0;
  if (spec.reduceOnly) flags |= OrderFlag.ReduceOnly;
  if (spec.postOnly) flags |= OrderFlag.PostOnly;
  if (spec.ioc) flags |= OrderFlag.ImmediateOrCancel;
  if (spec.stop) flags |= OrderFlag.Stop;
  if (spec.takeProfit) flags |= OrderFlag.TakeProfit;
  const hash = "0x" + (nextHash++).toString(16).padStart(64, "0");
  return {
    hash,
    signature: "0x",
    order: {
      account: spec.account,
      marketId: spec.marketId ?? MARKET,
      flags,
      nonce: BigInt(nextHash),
      expiry: BigInt(spec.expiry ?? 0),
      size: wad(spec.size),
      price: wad(spec.price),
      triggerPrice: spec.trigger === undefined ? 0n : wad(spec.trigger),
    },
  };
}

/** An engine plus everything it emitted, in order. */
export interface Harness {
  engine: MatchingEngine;
  fills: EngineFill[];
  orders: BookOrder[];
  deltas: BookDelta[];
  /** Signed positions by lower-case account, updated from `fill` events (what a position tracker would do). */
  positions: Map<string, bigint>;
  /** Sets the clock `now()` returns (ms). */
  setNow(ms: number): void;
}

/**
 * An engine over {@link market} (or the given markets) whose `positionOf` reads positions tracked from its own
 * `fill` events plus `initialPositions`, with a settable clock starting at 1,700,000,000,000 ms.
 */
export function harness(options: Partial<EngineOptions> & { initialPositions?: Record<string, bigint> } = {}): Harness {
  let nowMs = 1_700_000_000_000;
  const positions = new Map<string, bigint>();
  for (const [account, sizeWad] of Object.entries(options.initialPositions ?? {})) {
    positions.set(account.toLowerCase(), sizeWad);
  }
  const engine = new MatchingEngine({
    markets: options.markets ?? [market()],
    now: options.now ?? (() => nowMs),
    positionOf: options.positionOf ?? ((account) => positions.get(account.toLowerCase()) ?? 0n),
  });
  const h: Harness = {
    engine,
    fills: [],
    orders: [],
    deltas: [],
    positions,
    setNow: (ms) => {
      nowMs = ms;
    },
  };
  engine.on("fill", (fill) => {
    h.fills.push(fill);
    const taker = fill.taker.order.account.toLowerCase();
    const maker = fill.maker.order.account.toLowerCase();
    const delta = fill.takerSide === "buy" ? fill.sizeWad : -fill.sizeWad;
    positions.set(taker, (positions.get(taker) ?? 0n) + delta);
    positions.set(maker, (positions.get(maker) ?? 0n) - delta);
  });
  engine.on("order", (o) => h.orders.push(o));
  engine.on("book", (d) => h.deltas.push(d));
  return h;
}

/** The levels of `side` recomputed from scratch from a list of orders: open ones aggregated by price, best first. */
export function bruteForceLevels(orders: readonly BookOrder[], side: Side): BookLevel[] {
  const byPrice = new Map<bigint, BookLevel>();
  for (const o of orders) {
    if (o.status !== "open" || o.side !== side) continue;
    const level = byPrice.get(o.priceWad) ?? { priceWad: o.priceWad, sizeWad: 0n, orderCount: 0 };
    level.sizeWad += o.sizeWad - o.filledWad;
    level.orderCount += 1;
    byPrice.set(o.priceWad, level);
  }
  return [...byPrice.values()].sort((a, b) => {
    const better = side === "buy" ? a.priceWad > b.priceWad : a.priceWad < b.priceWad;
    return better ? -1 : 1;
  });
}

/** Replays book deltas into a map of level totals per side and price (0 removes), as a WebSocket client would. */
export function replayDeltas(deltas: readonly BookDelta[]): Record<Side, Map<bigint, bigint>> {
  const book: Record<Side, Map<bigint, bigint>> = { buy: new Map(), sell: new Map() };
  for (const d of deltas) {
    if (d.sizeWad === 0n) book[d.side].delete(d.priceWad);
    else book[d.side].set(d.priceWad, d.sizeWad);
  }
  return book;
}

/** A level list as a price → size map (for comparing with {@link replayDeltas}). */
export function levelMap(levels: readonly BookLevel[]): Map<bigint, bigint> {
  return new Map(levels.map((l) => [l.priceWad, l.sizeWad]));
}

/** A bare resting order for {@link OrderBook} tests (the book reads side, price, size, filled and seq only). */
export function bookOrder(
  hash: string,
  side: Side,
  price: number | string,
  size: number | string,
  seq: number,
): BookOrder {
  const placed = order({ account: ALICE, side, price, size });
  return {
    hash,
    signed: { order: placed.order, signature: placed.signature },
    account: ALICE,
    marketId: MARKET,
    side,
    priceWad: wad(price),
    sizeWad: wad(size),
    filledWad: 0n,
    status: "open",
    seq,
    receivedAtMs: 0,
  };
}
