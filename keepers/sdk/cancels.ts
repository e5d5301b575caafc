/**
 * Signed off-chain requests to the matcher's gateway (DESIGN §10): cancel one order, cancel all of an account's orders,
 * and the dead-man switch (schedule a cancel-all). They are EIP-712 messages under the same domain as orders
 * (`{ name: "Keel", version: "1", chainId, verifyingContract: <PositionManager> }`), signed by the account or an agent
 * it approved on chain. They never reach the chain: an order cancelled only off chain is dead for the matcher, and
 * `PositionManager.cancelOrder` / `cancelUpTo` remain the on-chain way that needs no operator.
 *
 * Replay: cancelling one order is idempotent. `CancelAll` and `ScheduleCancel` carry a `deadline` (unix seconds) that
 * must lie between now and now + {@link MAX_REQUEST_TTL_SEC}; the gateway accepts each signature once.
 */
import { TypedDataEncoder, type Signer, type TypedDataField } from "ethers";
import type { OrderDomain } from "./orders";

/** Longest a signed `CancelAll` or `ScheduleCancel` stays valid: its deadline may lie at most this far ahead (s). */
export const MAX_REQUEST_TTL_SEC = 120;

/** `CancelOrder(address account,bytes32 orderHash)`: cancel the order with this EIP-712 digest. */
export interface CancelOrderRequest {
  account: string;
  /** The order's EIP-712 digest (`orderDigest`). */
  orderHash: string;
}

/** `CancelAll(address account,uint32 marketId,uint64 deadline)`: cancel every resting order (marketId 0: all markets). */
export interface CancelAllRequest {
  account: string;
  /** 0 for every market. */
  marketId: number;
  /** Unix seconds after which the request is refused. */
  deadline: bigint;
}

/**
 * `ScheduleCancel(address account,uint64 cancelAt,uint64 deadline)`: the dead-man switch. At `cancelAt` (unix seconds)
 * every order of the account is cancelled unless a newer request moved or cleared it (`cancelAt` 0 clears it).
 */
export interface ScheduleCancelRequest {
  account: string;
  cancelAt: bigint;
  deadline: bigint;
}

/** The EIP-712 types of the three requests. */
export const CANCEL_TYPES = {
  CancelOrder: [
    { name: "account", type: "address" },
    { name: "orderHash", type: "bytes32" },
  ],
  CancelAll: [
    { name: "account", type: "address" },
    { name: "marketId", type: "uint32" },
    { name: "deadline", type: "uint64" },
  ],
  ScheduleCancel: [
    { name: "account", type: "address" },
    { name: "cancelAt", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
} as const satisfies Record<string, TypedDataField[]>;

/** The name of one request type. */
export type CancelRequestType = keyof typeof CANCEL_TYPES;

/** The request shape of each type. */
export interface CancelRequestOf {
  CancelOrder: CancelOrderRequest;
  CancelAll: CancelAllRequest;
  ScheduleCancel: ScheduleCancelRequest;
}

function typesOf(type: CancelRequestType): Record<string, TypedDataField[]> {
  return { [type]: [...CANCEL_TYPES[type]] };
}

/** The EIP-712 digest of a request: what the gateway recovers the signer from. */
export function cancelRequestDigest<T extends CancelRequestType>(
  domain: OrderDomain,
  type: T,
  request: CancelRequestOf[T],
): string {
  return TypedDataEncoder.hash({ ...domain }, typesOf(type), request);
}

/** Signs a request with the account's key or an agent's (ethers v6 `signTypedData`); returns the 65-byte signature. */
export async function signCancelRequest<T extends CancelRequestType>(
  signer: Signer,
  domain: OrderDomain,
  type: T,
  request: CancelRequestOf[T],
): Promise<string> {
  return signer.signTypedData({ ...domain }, typesOf(type), request);
}
