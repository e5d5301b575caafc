/**
 * Helpers of the signed-cancel tests: requests signed with the SDK (`signCancelRequest`) under the exchange's EIP-712
 * domain, deadlines in chain time, and resting orders to cancel.
 */
import type { Signer } from "ethers";
import type { OrderView } from "../../../keepers/gateway/api";
import {
  MAX_REQUEST_TTL_SEC,
  signCancelRequest,
  type CancelRequestOf,
  type CancelRequestType,
} from "../../../keepers/sdk/cancels";
import type { Order } from "../../../keepers/sdk/orders";
import type { Exchange } from "../e2e/helpers";
import { chainNow, orderFor, place } from "../intake/helpers";

export { MAX_REQUEST_TTL_SEC };

/** Signs a cancel request of `type` with `signer` (the account, one of its agents, or anyone for negative tests). */
export function signRequest<T extends CancelRequestType>(
  ex: Exchange,
  signer: Signer,
  type: T,
  request: CancelRequestOf[T],
): Promise<string> {
  return signCancelRequest(signer, ex.domain, type, request);
}

/** A deadline `inSec` seconds after the latest block (negative: in the past). */
export async function deadlineIn(inSec: number): Promise<bigint> {
  return (await chainNow()) + BigInt(inSec);
}

/** Places a resting (non-crossing) bid of `signer` for each of `overrides`; returns the order views. */
export async function restingBids(ex: Exchange, signer: Signer, ...overrides: Partial<Order>[]): Promise<OrderView[]> {
  const out: OrderView[] = [];
  for (const o of overrides) out.push((await place(ex, signer, await orderFor(signer, "buy", o))).order);
  return out;
}

/** The status and reason of every order, by hash, as the gateway reports them now. */
export async function statuses(ex: Exchange, orders: OrderView[]): Promise<{ status?: string; reason?: string }[]> {
  return Promise.all(
    orders.map(async (o) => {
      const view = await ex.client.order(o.hash);
      return { status: view?.status, reason: view?.reason };
    }),
  );
}
