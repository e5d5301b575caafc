/**
 * Conversions from the matcher's internal records (book orders, journal fills) to the gateway's views
 * (`keepers/gateway/api.ts`). One place, so HTTP responses and WebSocket updates carry the same shapes.
 */
import type { OrderView, TradeView } from "../gateway/api";
import type { BookOrder, EngineFill } from "./types";

/** The gateway view of a book order; `settledWad` is the part of `filledWad` whose batches landed. */
export function orderView(order: BookOrder, settledWad: bigint): OrderView {
  const o = order.signed.order;
  return {
    hash: order.hash,
    account: order.account,
    marketId: order.marketId,
    side: order.side,
    flags: o.flags,
    nonce: o.nonce,
    expiry: o.expiry,
    sizeWad: order.sizeWad,
    priceWad: order.priceWad,
    triggerPriceWad: o.triggerPrice,
    filledWad: order.filledWad,
    settledWad,
    status: order.status,
    reason: order.reason,
    receivedAtMs: order.receivedAtMs,
  };
}

/** The gateway view of a fill. */
export function tradeView(fill: EngineFill, settlement: TradeView["settlement"]): TradeView {
  return {
    fillId: fill.id,
    marketId: fill.marketId,
    makerHash: fill.makerHash,
    takerHash: fill.takerHash,
    takerSide: fill.takerSide,
    sizeWad: fill.sizeWad,
    priceWad: fill.priceWad,
    timestampMs: fill.timestampMs,
    settlement,
  };
}
