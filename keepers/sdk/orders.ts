/**
 * Signed orders (DESIGN §4): the EIP-712 `Order` type, its flags, nonces, hashing and signing with ethers v6.
 * Pure: nothing here sends a transaction; the only chain read is `eip712Domain()` in {@link readOrderDomain}.
 */
import { TypedDataEncoder, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";

/** The `Order` struct of IPositionManager.sol; `size`, `price` and `triggerPrice` are wad bigints. */
export interface Order {
  /** The account whose position and balance the order moves. */
  account: string;
  marketId: number;
  /** Bit field of {@link OrderFlag}. */
  flags: number;
  /** Unique per account (uint64); see {@link NonceAllocator}. */
  nonce: bigint;
  /** Last second (block time) at which the order may fill; 0n = good till cancelled. */
  expiry: bigint;
  /** Base units, wad. */
  size: bigint;
  /** Limit price, wad: the highest a buy pays, the lowest a sell accepts. */
  price: bigint;
  /** Stop or take-profit trigger against the mark, wad (0n when neither flag is set). */
  triggerPrice: bigint;
}

/** A match in a batch, as `settleBatch` takes it: indexes into the batch's order list, size and price in wad. */
export interface Fill {
  makerIndex: number;
  takerIndex: number;
  sizeWad: bigint;
  priceWad: bigint;
}

/** Where an order stands on chain: `OrderState` of IPositionManager.sol, as `orderStatus(order)` returns it. */
export enum OrderState {
  Open = 0,
  PartiallyFilled = 1,
  Dead = 2,
  Expired = 3,
  BelowNonceFloor = 4,
}

/** Order flag bits (DESIGN §4). Bits 6–7 are reserved and must be zero. */
export const OrderFlag = {
  Buy: 1 << 0,
  ReduceOnly: 1 << 1,
  PostOnly: 1 << 2,
  ImmediateOrCancel: 1 << 3,
  Stop: 1 << 4,
  TakeProfit: 1 << 5,
} as const;

/** Options of {@link orderFlags}. */
export interface FlagOptions {
  side: "buy" | "sell";
  reduceOnly?: boolean;
  postOnly?: boolean;
  immediateOrCancel?: boolean;
  stop?: boolean;
  takeProfit?: boolean;
}

/** Thrown for a flag combination the chain refuses (post-only with IOC, stop with take-profit, reserved bits). */
export class InvalidOrderFlagsError extends Error {
  constructor(
    readonly flags: number,
    reason: string,
  ) {
    super(`Invalid order flags 0x${flags.toString(16)}: ${reason}`);
    this.name = "InvalidOrderFlagsError";
  }
}

/** Builds the flag byte from named options; throws {@link InvalidOrderFlagsError} on a combination the chain refuses. */
export function orderFlags(options: FlagOptions): number {
  let flags = options.side === "buy" ? OrderFlag.Buy : 0;
  if (options.reduceOnly) flags |= OrderFlag.ReduceOnly;
  if (options.postOnly) flags |= OrderFlag.PostOnly;
  if (options.immediateOrCancel) flags |= OrderFlag.ImmediateOrCancel;
  if (options.stop) flags |= OrderFlag.Stop;
  if (options.takeProfit) flags |= OrderFlag.TakeProfit;
  assertValidFlags(flags);
  return flags;
}

/** Throws {@link InvalidOrderFlagsError} unless `flags` is a combination `settleBatch` accepts (OrderLib.flagsValid). */
export function assertValidFlags(flags: number): void {
  if (!Number.isInteger(flags) || flags < 0 || flags > 0x3f)
    throw new InvalidOrderFlagsError(flags, "reserved bits set");
  if (hasFlag(flags, OrderFlag.PostOnly) && hasFlag(flags, OrderFlag.ImmediateOrCancel)) {
    throw new InvalidOrderFlagsError(flags, "post-only and immediate-or-cancel exclude each other");
  }
  if (hasFlag(flags, OrderFlag.Stop) && hasFlag(flags, OrderFlag.TakeProfit)) {
    throw new InvalidOrderFlagsError(flags, "stop and take-profit exclude each other");
  }
}

/** Whether `flags` has every bit of `flag`. */
export function hasFlag(flags: number, flag: number): boolean {
  return (flags & flag) === flag;
}

/** Whether the order buys. */
export function isBuy(order: Pick<Order, "flags">): boolean {
  return hasFlag(order.flags, OrderFlag.Buy);
}

/** The EIP-712 types of an order, exactly as DESIGN §4 (wallets sign these without Keel's code). */
export const ORDER_TYPES: { Order: TypedDataField[] } = {
  Order: [
    { name: "account", type: "address" },
    { name: "marketId", type: "uint32" },
    { name: "flags", type: "uint8" },
    { name: "nonce", type: "uint64" },
    { name: "expiry", type: "uint64" },
    { name: "size", type: "uint128" },
    { name: "price", type: "uint128" },
    { name: "triggerPrice", type: "uint128" },
  ],
};

/** The EIP-712 type string of an order. */
export const ORDER_TYPE_STRING =
  "Order(address account,uint32 marketId,uint8 flags,uint64 nonce,uint64 expiry,uint128 size,uint128 price,uint128 triggerPrice)";

/** The Keel EIP-712 domain: `{ name: "Keel", version: "1", chainId, verifyingContract: <PositionManager> }`. */
export interface OrderDomain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

/** What {@link readOrderDomain} needs: the PositionManager's ERC-5267 `eip712Domain()`. */
export interface Eip712DomainReader {
  eip712Domain(): Promise<[string, string, string, bigint, string, string, bigint[]]>;
}

/** Reads the domain from the PositionManager's ERC-5267 `eip712Domain()`, so a client never hard-codes it. */
export async function readOrderDomain(positionManager: Eip712DomainReader): Promise<OrderDomain> {
  const [, name, version, chainId, verifyingContract] = await positionManager.eip712Domain();
  return { name, version, chainId, verifyingContract };
}

function ethersDomain(domain: OrderDomain): TypedDataDomain {
  return { ...domain };
}

/** The EIP-712 struct hash of `order`. */
export function orderStructHash(order: Order): string {
  return TypedDataEncoder.from(ORDER_TYPES).hash(order);
}

/** The EIP-712 digest of `order` under `domain`: what the contract's `orderDigest` returns and signers sign. */
export function orderDigest(domain: OrderDomain, order: Order): string {
  return TypedDataEncoder.hash(ethersDomain(domain), ORDER_TYPES, order);
}

/**
 * Signs `order` with `signer` (ethers v6 `signTypedData`): the account's own key, or an agent the account approved
 * with `approveAgent` (an API wallet; the signature is the same, only the signer differs). Returns the 65-byte
 * signature as hex.
 */
export async function signOrder(signer: Signer, domain: OrderDomain, order: Order): Promise<string> {
  return signer.signTypedData(ethersDomain(domain), ORDER_TYPES, order);
}

/**
 * Hands out order nonces for one account. Consecutive nonces share a bitmap word (256 per word), so filling them
 * costs a bit in a warm slot instead of a fresh one (DESIGN §4). Seed a new session with {@link nonceSeed} so that a
 * restarted client never reuses a nonce.
 */
export class NonceAllocator {
  private next: bigint;

  /** @param start The first nonce to hand out (uint64). */
  constructor(start: bigint) {
    if (start < 0n || start >= 1n << 64n) throw new RangeError(`Nonce start ${start} is outside uint64`);
    this.next = start;
  }

  /** The next unused nonce. */
  take(): bigint {
    const nonce = this.next;
    if (nonce >= 1n << 64n) throw new RangeError("Nonce space of this allocator is exhausted");
    this.next += 1n;
    return nonce;
  }

  /** The nonce the next {@link take} returns (e.g. for `cancelUpTo` to void everything handed out so far). */
  peek(): bigint {
    return this.next;
  }
}

/**
 * A session's first nonce from the wall clock: the time in seconds shifted left by 20 bits, word-aligned, so each
 * session has room for 2^20 orders before it reaches the next second's seed and sessions never overlap.
 */
export function nonceSeed(nowMs: number = Date.now()): bigint {
  return BigInt(Math.floor(nowMs / 1000)) << 20n;
}
