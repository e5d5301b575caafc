/**
 * Types shared by the matching engine, the order intake, the gateway and the settlement pipeline (DESIGN §10).
 * Amounts are wad bigints (1e18 = one unit of base, or 1 USD); order identity is the EIP-712 digest the chain uses
 * (`PositionManager.orderDigest`, the hash in `Filled` and `OrderCancelled` events).
 */
import type { SignedOrder } from "../sdk/batch";

/** Buy or sell. */
export type Side = "buy" | "sell";

/**
 * Where an order stands in the matcher.
 * - `open`: resting on the book (possibly partly filled);
 * - `untriggered`: a stop or take-profit waiting for the mark to cross its trigger;
 * - `filled`: completely filled (the fills may still be settling);
 * - `cancelled`: cancelled by its owner, the dead-man switch, self-trade prevention, IOC remainder, or dropped by
 *   settlement; `reason` says which;
 * - `expired`: its expiry passed while it rested;
 * - `rejected`: refused at intake (never entered the book).
 */
export type OrderStatus = "open" | "untriggered" | "filled" | "cancelled" | "expired" | "rejected";

/** An order as the matcher holds it. */
export interface BookOrder {
  /** EIP-712 digest of the order (lower-case 0x hex, 32 bytes): its identity on chain and off. */
  hash: string;
  signed: SignedOrder;
  /** Checksummed account address (`signed.order.account`). */
  account: string;
  marketId: number;
  side: Side;
  /** Limit price (wad). */
  priceWad: bigint;
  /** Order size (wad). */
  sizeWad: bigint;
  /** Matched so far, settled or not (wad). */
  filledWad: bigint;
  status: OrderStatus;
  /** Why the order left the book, when `status` is `cancelled`, `expired` or `rejected`. */
  reason?: string;
  /** Arrival sequence number: time priority (lower first) among orders at one price. */
  seq: number;
  /** Wall-clock arrival time (ms since the epoch). */
  receivedAtMs: number;
}

/** One match between a resting maker and a crossing taker, at the maker's price. */
export interface EngineFill {
  /** Journal id, assigned when the fill is journaled (0 until then). */
  id: number;
  marketId: number;
  makerHash: string;
  takerHash: string;
  maker: SignedOrder;
  taker: SignedOrder;
  /** Side of the taker. */
  takerSide: Side;
  sizeWad: bigint;
  priceWad: bigint;
  /** Wall-clock match time (ms since the epoch). */
  timestampMs: number;
}

/** What placing one order did. */
export interface PlaceResult {
  /** The order after matching (status `open`, `untriggered`, `filled` or `cancelled` for an IOC remainder). */
  order: BookOrder;
  /** Fills it made as taker, in execution order. */
  fills: EngineFill[];
  /** Resting orders cancelled by self-trade prevention while it matched. */
  cancelled: BookOrder[];
}

/** An aggregated price level (wad). */
export interface BookLevel {
  priceWad: bigint;
  sizeWad: bigint;
  orderCount: number;
}

/** A market's book, best levels first. */
export interface BookSnapshot {
  marketId: number;
  bids: BookLevel[];
  asks: BookLevel[];
  /** Increases with every change of the book; WebSocket deltas carry the same counter. */
  sequence: number;
}

/** A change of one level: `sizeWad` is the level's new total (0 removes it). */
export interface BookDelta {
  marketId: number;
  side: Side;
  priceWad: bigint;
  sizeWad: bigint;
  sequence: number;
}

/**
 * Impact prices (Hyperliquid's definition, DESIGN §7): the average execution price of a market order of
 * `impactNotionalWad` USD against the bids (impact bid) and the asks (impact ask); undefined on a side too thin to
 * absorb it.
 */
export interface ImpactPrices {
  marketId: number;
  impactNotionalWad: bigint;
  impactBidWad?: bigint;
  impactAskWad?: bigint;
  timestampMs: number;
}
