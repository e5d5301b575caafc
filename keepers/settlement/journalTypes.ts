/**
 * What the journal stores and returns, and the codecs between those shapes and SQLite rows. Wad amounts are bigints
 * in TypeScript and decimal strings in the file; batch ids are bigints (uint64 on chain).
 */
import type { SignedOrder } from "../sdk/batch";
import { isBuy, type Order } from "../sdk/orders";
import type { BookOrder, OrderStatus, Side } from "../matcher/types";

/**
 * Where a fill stands: `pending` (journaled, not yet in a batch), `batched` (in a prepared or sent batch),
 * `settled` (its batch landed), `dropped` (refused by the chain; rolled back by the matcher).
 */
export type FillStatus = "pending" | "batched" | "settled" | "dropped";

/** Which order of a dropped fill the chain refused: the matcher cancels that order and restores the other one. */
export type Culprit = "maker" | "taker" | "both" | "none";

/**
 * Where a batch stands: `prepared` (signed and journaled, maybe broadcast), `sent` (broadcast), `landed` (its
 * `BatchSettled` is on chain), `released` (it can no longer land; its fills went back to pending).
 */
export type BatchStatus = "prepared" | "sent" | "landed" | "released";

/** A journaled fill. */
export interface JournalFill {
  /** Journal id: settlement order (lower first). */
  id: number;
  marketId: number;
  makerHash: string;
  takerHash: string;
  takerSide: Side;
  sizeWad: bigint;
  priceWad: bigint;
  /** When the matcher matched it (ms since the epoch). */
  createdAtMs: number;
  status: FillStatus;
  /** The batch it is in (batched) or landed in (settled). */
  batchId?: bigint;
  /** Why the chain refused it (dropped fills). */
  dropReason?: string;
  culprit?: Culprit;
  /** The matcher has rolled the drop back in its book (see `acknowledgeDrops`). */
  rolledBack: boolean;
}

/** A fill seen from one of its two accounts (see `Journal.fillsBeyondState`). */
export interface AccountJournalFill extends JournalFill {
  /** Whether the account was the maker (else the taker). */
  accountIsMaker: boolean;
}

/** A pending fill with both signed orders, ready to go into a batch. */
export interface SettleableFill extends JournalFill {
  maker: SignedOrder;
  taker: SignedOrder;
}

/** The signed transaction of a batch, journaled before it is broadcast. */
export interface BatchTx {
  hash: string;
  nonce: number;
  /** The matcher account that signed it. */
  sender: string;
  /** The serialized signed transaction (0x hex): re-broadcast as is after a crash. */
  raw: string;
}

/** A journaled batch. */
export interface JournalBatch {
  batchId: bigint;
  status: BatchStatus;
  tx: BatchTx;
  /** Head block before the send: a `Filled` log search starts there. */
  fromBlock: number;
  gasEstimate: bigint;
  createdAtMs: number;
  landedBlock?: number;
}

/** What {@link Journal.prepareBatch} writes. */
export interface PreparedBatch {
  batchId: bigint;
  /** Fill ids in batch order (ascending ids). */
  fillIds: readonly number[];
  fromBlock: number;
  gasEstimate: bigint;
  tx: BatchTx;
}

/** A filter of {@link Journal.fills}; every given field must match. */
export interface FillFilter {
  status?: FillStatus | readonly FillStatus[];
  batchId?: bigint;
  /** Fills in which this order is maker or taker. */
  orderHash?: string;
  marketId?: number;
  /** Only ids above this one. */
  afterId?: number;
  /** Only ids up to this one. */
  maxId?: number;
  limit?: number;
}

/** An order with the sum of its settled fills, for comparing with the chain's `orderStatus`. */
export interface OrderSettledAmount {
  hash: string;
  signed: SignedOrder;
  /** Σ size of the order's settled fills and landed liquidation fills (wad). */
  settledWad: bigint;
}

/**
 * Where a liquidation fill stands: `reserved` (the matcher took the maker's liquidity for a liquidator's ticket),
 * `landed` (its `liquidateOnBook` transaction succeeded), `released` (it will not land; the liquidity went back).
 */
export type LiquidationFillStatus = "reserved" | "landed" | "released";

/** A book-liquidation fill as the matcher's liquidation desk journals it (one per maker order of a ticket). */
export interface NewLiquidationFill {
  ticketId: string;
  marketId: number;
  makerHash: string;
  /** The liquidated account (checksummed). */
  account: string;
  /** The liquidated account's closing side ("sell" closes a long against bids). */
  side: Side;
  sizeWad: bigint;
  priceWad: bigint;
  /** When it was reserved (ms since the epoch). */
  createdAtMs: number;
  /** Lease end (ms since the epoch, wall clock). */
  expiresAtMs: number;
  /** The chain head when it was reserved: its transaction can only land in a later block. */
  reservedBlock: number;
}

/** A journaled liquidation fill. */
export interface JournalLiquidationFill extends NewLiquidationFill {
  /** Journal id (ticket order within a ticket). */
  id: number;
  status: LiquidationFillStatus;
  /** The `liquidateOnBook` transaction it landed in. */
  txHash?: string;
  landedBlock?: number;
}

/* ROWS */

/** A row of `orders`. */
export interface OrderRow {
  hash: string;
  account: string;
  market_id: number;
  order_json: string;
  signature: string;
  status: OrderStatus;
  reason: string | null;
  seq: number;
  received_at_ms: number;
}

/** A row of `fills`. */
export interface FillRow {
  id: number;
  market_id: number;
  maker_hash: string;
  taker_hash: string;
  taker_side: Side;
  size_wad: string;
  price_wad: string;
  created_at_ms: number;
  status: FillStatus;
  batch_id: number | null;
  drop_reason: string | null;
  culprit: Culprit | null;
  rolled_back: number;
}

/** A row of `batches`. */
export interface BatchRow {
  batch_id: number;
  status: BatchStatus;
  tx_hash: string;
  tx_nonce: number;
  sender: string;
  raw_tx: string;
  from_block: number;
  gas_estimate: string;
  created_at_ms: number;
  landed_block: number | null;
}

/** A row of `liquidation_fills`. */
export interface LiquidationFillRow {
  id: number;
  ticket_id: string;
  market_id: number;
  maker_hash: string;
  account: string;
  side: Side;
  size_wad: string;
  price_wad: string;
  status: LiquidationFillStatus;
  created_at_ms: number;
  expires_at_ms: number;
  reserved_block: number;
  tx_hash: string | null;
  landed_block: number | null;
}

/* CODECS */

/** The order as stored: bigints as decimal strings. */
export function encodeOrder(order: Order): string {
  return JSON.stringify({
    account: order.account,
    marketId: order.marketId,
    flags: order.flags,
    nonce: order.nonce.toString(),
    expiry: order.expiry.toString(),
    size: order.size.toString(),
    price: order.price.toString(),
    triggerPrice: order.triggerPrice.toString(),
  });
}

/** Inverse of {@link encodeOrder}. */
export function decodeOrder(json: string): Order {
  const o = JSON.parse(json) as Record<keyof Order, string | number>;
  return {
    account: String(o.account),
    marketId: Number(o.marketId),
    flags: Number(o.flags),
    nonce: BigInt(o.nonce),
    expiry: BigInt(o.expiry),
    size: BigInt(o.size),
    price: BigInt(o.price),
    triggerPrice: BigInt(o.triggerPrice),
  };
}

/** The signed order of an `orders` row. */
export function signedOf(row: Pick<OrderRow, "order_json" | "signature">): SignedOrder {
  return { order: decodeOrder(row.order_json), signature: row.signature };
}

/** A `BookOrder` from its row and its filled amount (Σ of its non-dropped fills). */
export function bookOrderOf(row: OrderRow, filledWad: bigint): BookOrder {
  const signed = signedOf(row);
  const order: BookOrder = {
    hash: row.hash,
    signed,
    account: row.account,
    marketId: row.market_id,
    side: isBuy(signed.order) ? "buy" : "sell",
    priceWad: signed.order.price,
    sizeWad: signed.order.size,
    filledWad,
    status: row.status,
    seq: row.seq,
    receivedAtMs: row.received_at_ms,
  };
  if (row.reason !== null) order.reason = row.reason;
  return order;
}

/** A `JournalFill` from its row. */
export function fillOf(row: FillRow): JournalFill {
  const fill: JournalFill = {
    id: row.id,
    marketId: row.market_id,
    makerHash: row.maker_hash,
    takerHash: row.taker_hash,
    takerSide: row.taker_side,
    sizeWad: BigInt(row.size_wad),
    priceWad: BigInt(row.price_wad),
    createdAtMs: row.created_at_ms,
    status: row.status,
    rolledBack: row.rolled_back === 1,
  };
  if (row.batch_id !== null) fill.batchId = BigInt(row.batch_id);
  if (row.drop_reason !== null) fill.dropReason = row.drop_reason;
  if (row.culprit !== null) fill.culprit = row.culprit;
  return fill;
}

/** A `JournalBatch` from its row. */
export function batchOf(row: BatchRow): JournalBatch {
  const batch: JournalBatch = {
    batchId: BigInt(row.batch_id),
    status: row.status,
    tx: { hash: row.tx_hash, nonce: row.tx_nonce, sender: row.sender, raw: row.raw_tx },
    fromBlock: row.from_block,
    gasEstimate: BigInt(row.gas_estimate),
    createdAtMs: row.created_at_ms,
  };
  if (row.landed_block !== null) batch.landedBlock = row.landed_block;
  return batch;
}

/** A `JournalLiquidationFill` from its row. */
export function liquidationFillOf(row: LiquidationFillRow): JournalLiquidationFill {
  const fill: JournalLiquidationFill = {
    id: row.id,
    ticketId: row.ticket_id,
    marketId: row.market_id,
    makerHash: row.maker_hash,
    account: row.account,
    side: row.side,
    sizeWad: BigInt(row.size_wad),
    priceWad: BigInt(row.price_wad),
    status: row.status,
    createdAtMs: row.created_at_ms,
    expiresAtMs: row.expires_at_ms,
    reservedBlock: row.reserved_block,
  };
  if (row.tx_hash !== null) fill.txHash = row.tx_hash;
  if (row.landed_block !== null) fill.landedBlock = row.landed_block;
  return fill;
}
