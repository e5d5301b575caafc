/**
 * Signed liquidation requests to the matcher's liquidation desk (DESIGN §8 stage 1, §10). A liquidator keeper that
 * holds `LIQUIDATOR_ROLE` on the PositionManager asks the matcher for resting maker orders to close a liquidatable
 * position against; the matcher answers with a ticket (the orders, signatures and `LiquidationFill`s that
 * `PositionManager.liquidateOnBook` takes), and the liquidator submits the transaction itself.
 *
 * The request is an EIP-712 message under the same domain as orders and cancels
 * (`{ name: "Keel", version: "1", chainId, verifyingContract: <PositionManager> }`), signed by the liquidator's key;
 * it never reaches the chain. Its `deadline` (unix seconds, chain time) must lie in (now, now + `MAX_REQUEST_TTL_SEC`]
 * (./cancels.ts, 120 s).
 */
import { TypedDataEncoder, type Signer, type TypedDataField } from "ethers";
import type { SignedOrder } from "./batch";
import type { OrderDomain } from "./orders";

/**
 * `LiquidationRequest(address account,uint32 marketId,uint256 maxSizeWad,uint64 deadline)`: close up to `maxSizeWad`
 * of `account`'s position in `marketId` against the book.
 */
export interface LiquidationRequest {
  /** The account to liquidate. */
  account: string;
  marketId: number;
  /** The most the liquidator wants closed (base units, wad); the desk also applies the chain's partial rule. */
  maxSizeWad: bigint;
  /** Unix seconds (chain time) after which the request is refused. */
  deadline: bigint;
}

/** One fill of a book liquidation, as `liquidateOnBook` takes it (`LiquidationFill` of ILiquidationWaterfall). */
export interface LiquidationFill {
  /** Index of the maker order in the call's `orders`. */
  makerIndex: number;
  /** Base units (wad), a multiple of the lot size. */
  sizeWad: bigint;
  /** Execution price (wad): the maker's limit, within the liquidation band of the mark. */
  priceWad: bigint;
}

/** The EIP-712 types of {@link LiquidationRequest}. */
export const LIQUIDATION_REQUEST_TYPES = {
  LiquidationRequest: [
    { name: "account", type: "address" },
    { name: "marketId", type: "uint32" },
    { name: "maxSizeWad", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
} as const satisfies Record<string, TypedDataField[]>;

function types(): Record<string, TypedDataField[]> {
  return { LiquidationRequest: [...LIQUIDATION_REQUEST_TYPES.LiquidationRequest] };
}

/** The EIP-712 digest of a request: what the desk recovers the liquidator's address from. */
export function liquidationRequestDigest(domain: OrderDomain, request: LiquidationRequest): string {
  return TypedDataEncoder.hash({ ...domain }, types(), request);
}

/** Signs a request with the liquidator's key (ethers v6 `signTypedData`); returns the 65-byte signature as hex. */
export async function signLiquidationRequest(
  signer: Signer,
  domain: OrderDomain,
  request: LiquidationRequest,
): Promise<string> {
  return signer.signTypedData({ ...domain }, types(), request);
}

/** The arguments of `PositionManager.liquidateOnBook`, in order. */
export interface LiquidateOnBookArgs {
  account: string;
  marketId: number;
  orders: SignedOrder["order"][];
  signatures: string[];
  fills: LiquidationFill[];
}

/**
 * The `liquidateOnBook` arguments of a desk ticket's maker orders and fills (orders and signatures split, in the
 * ticket's order, so that each fill's `makerIndex` still points at its order).
 * @example
 * const a = liquidateOnBookArgs(ticket);
 * await pm.liquidateOnBook(a.account, a.marketId, a.orders, a.signatures, a.fills);
 */
export function liquidateOnBookArgs(ticket: {
  account: string;
  marketId: number;
  orders: readonly SignedOrder[];
  fills: readonly LiquidationFill[];
}): LiquidateOnBookArgs {
  return {
    account: ticket.account,
    marketId: ticket.marketId,
    orders: ticket.orders.map((o) => o.order),
    signatures: ticket.orders.map((o) => o.signature),
    fills: ticket.fills.map((f) => ({ makerIndex: f.makerIndex, sizeWad: f.sizeWad, priceWad: f.priceWad })),
  };
}
