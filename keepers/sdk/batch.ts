/**
 * Building `settleBatch` calls (DESIGN §5): orders deduplicated (each order once per batch, however many fills it
 * has), fills naming them by index, calldata encoded from the generated ABI. Pure: it never sends a transaction.
 */
import { PositionManager__factory } from "./typechain";
import { orderStructHash, type Fill, type Order } from "./orders";

/** A signed order: the order and its 65-byte signature (or any ERC-1271 signature of a contract account). */
export interface SignedOrder {
  order: Order;
  signature: string;
}

/** The arguments of `settleBatch`, in order. */
export interface SettleBatchArgs {
  batchId: bigint;
  orders: Order[];
  signatures: string[];
  fills: Fill[];
}

/** Collects fills of signed orders into one batch, adding each order once. */
export class BatchBuilder {
  private readonly orders: Order[] = [];
  private readonly signatures: string[] = [];
  private readonly fills: Fill[] = [];
  private readonly indexByHash = new Map<string, number>();

  /** @param batchId The PositionManager's `nextBatchId()` when the batch is sent. */
  constructor(readonly batchId: bigint) {}

  /** Adds a fill of `sizeWad` at `priceWad` between a resting `maker` and a crossing `taker`; returns its index. */
  addFill(maker: SignedOrder, taker: SignedOrder, sizeWad: bigint, priceWad: bigint): number {
    this.fills.push({ makerIndex: this.indexOf(maker), takerIndex: this.indexOf(taker), sizeWad, priceWad });
    return this.fills.length - 1;
  }

  /** Number of fills so far. */
  get fillCount(): number {
    return this.fills.length;
  }

  /** The `settleBatch` arguments. */
  args(): SettleBatchArgs {
    return {
      batchId: this.batchId,
      orders: [...this.orders],
      signatures: [...this.signatures],
      fills: [...this.fills],
    };
  }

  /** The `settleBatch` calldata. */
  calldata(): string {
    return encodeSettleBatch(this.args());
  }

  private indexOf(signed: SignedOrder): number {
    const hash = orderStructHash(signed.order);
    const known = this.indexByHash.get(hash);
    if (known !== undefined) return known;
    this.orders.push(signed.order);
    this.signatures.push(signed.signature);
    this.indexByHash.set(hash, this.orders.length - 1);
    return this.orders.length - 1;
  }
}

/** ABI-encodes a `settleBatch` call. */
export function encodeSettleBatch(args: SettleBatchArgs): string {
  return PositionManager__factory.createInterface().encodeFunctionData("settleBatch", [
    args.batchId,
    args.orders,
    args.signatures,
    args.fills,
  ]);
}
