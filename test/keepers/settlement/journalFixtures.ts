/**
 * Chain-free journal fixtures: orders and fills with well-formed fields (dummy signatures; the journal never checks
 * them), for the journal's own tests.
 */
import { Wallet } from "ethers";
import type { BookOrder, EngineFill, Side } from "../../../keepers/matcher/types";
import { OrderFlag, type Order } from "../../../keepers/sdk/orders";
import type { BatchTx } from "../../../keepers/settlement/journal";

let counter = 0;

/** Deterministic accounts. */
export const ACCOUNTS = [1, 2, 3, 4].map((i) => new Wallet(`0x${i.toString(16).padStart(64, "0")}`).address);

/** A `BookOrder` of `account` with a unique hash and nonce. */
export function bookOrder(account: string, side: Side, sizeWad: bigint, priceWad = 60_000n * 10n ** 18n): BookOrder {
  counter++;
  const order: Order = {
    account,
    marketId: 1,
    flags: side === "buy" ? OrderFlag.Buy : 0,
    nonce: BigInt(counter),
    expiry: 0n,
    size: sizeWad,
    price: priceWad,
    triggerPrice: 0n,
  };
  return {
    hash: `0x${counter.toString(16).padStart(64, "0")}`,
    signed: { order, signature: `0x${"11".repeat(65)}` },
    account,
    marketId: 1,
    side,
    priceWad,
    sizeWad,
    filledWad: 0n,
    status: "open",
    seq: counter,
    receivedAtMs: 1_700_000_000_000 + counter,
  };
}

/** A fill of `sizeWad` between `maker` and `taker` at the maker's price. */
export function engineFill(maker: BookOrder, taker: BookOrder, sizeWad: bigint): EngineFill {
  return {
    id: 0,
    marketId: maker.marketId,
    makerHash: maker.hash,
    takerHash: taker.hash,
    maker: maker.signed,
    taker: taker.signed,
    takerSide: taker.side,
    sizeWad,
    priceWad: maker.priceWad,
    timestampMs: 1_700_000_000_000,
  };
}

/** A placeholder signed transaction of batch `batchId`. */
export function batchTx(batchId: bigint, nonce = Number(batchId)): BatchTx {
  return { hash: `0x${batchId.toString(16).padStart(64, "a")}`, nonce, sender: ACCOUNTS[0], raw: "0x02" };
}
