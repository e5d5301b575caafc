/**
 * Pre-signed BTC-USD orders for the gateway workloads, signed locally with the SDK's EIP-712 signing so that signing
 * is never inside a measurement, and their JSON bodies for POST /v1/orders (bigints as decimal strings).
 */
import type { Signer } from "ethers";
import { BTC_USD } from "../../test/fixtures/keel";
import { OrderFlag, signOrder, type Order, type OrderDomain } from "../../keepers/sdk/orders";
import type { LoadRequest } from "./load";

/** 1e18. */
const WAD = 10n ** 18n;
/** BTC-USD tick (0.1 USD) and the mid the resting ladders are built around (the default mark, 60,000 USD). */
const TICK_WAD = WAD / 10n;
const MID_WAD = 60_000n * WAD;
/** Size of every order: 0.001 BTC (ten lots). */
export const ORDER_SIZE_WAD = WAD / 1000n;

/** Unique nonces across every order this process signs. */
let nextNonce = 1n << 32n;

/** The JSON body of POST /v1/orders for a signed order. */
export function orderBody(order: Order, signature: string): string {
  return JSON.stringify({ order, signature }, (_key, value: unknown) =>
    typeof value === "bigint" ? value.toString() : value,
  );
}

/** A signed order of `signer` on BTC-USD (a fresh nonce; `flags` besides the side; default size 0.001 BTC). */
export async function signedOrder(
  signer: Signer,
  domain: OrderDomain,
  side: "buy" | "sell",
  priceWad: bigint,
  flags = 0,
  sizeWad = ORDER_SIZE_WAD,
): Promise<{ order: Order; signature: string }> {
  const order: Order = {
    account: await signer.getAddress(),
    marketId: BTC_USD,
    flags: flags | (side === "buy" ? OrderFlag.Buy : 0),
    nonce: nextNonce++,
    expiry: 0n,
    size: sizeWad,
    price: priceWad,
    triggerPrice: 0n,
  };
  return { order, signature: await signOrder(signer, domain, order) };
}

/** Ladder rungs handed out so far: every resting order gets a price level of its own. */
let nextRung = 1n;

/**
 * `count` post-only orders that rest without crossing, alternately bids below and asks above 60,000 USD, each at a
 * new price level (so each one changes the book by one level), spread round-robin over `signers`; as POST requests.
 */
export async function restingOrderRequests(
  signers: readonly Signer[],
  domain: OrderDomain,
  count: number,
): Promise<LoadRequest[]> {
  const requests: LoadRequest[] = [];
  for (let i = 0; i < count; i++) {
    const buy = i % 2 === 0;
    const offsetWad = nextRung * TICK_WAD;
    if (!buy) nextRung++;
    const priceWad = buy ? MID_WAD - offsetWad : MID_WAD + offsetWad;
    const signed = await signedOrder(
      signers[i % signers.length],
      domain,
      buy ? "buy" : "sell",
      priceWad,
      OrderFlag.PostOnly,
    );
    requests.push({ method: "POST", path: "/v1/orders", body: orderBody(signed.order, signed.signature) });
  }
  return requests;
}
