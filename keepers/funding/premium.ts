/**
 * The funding premium (DESIGN §7, Hyperliquid's scheme): how far the book's impact prices lie from the index, as a
 * signed fraction of the index. Positive when buyers pay above the index (longs pay), negative when sellers sell below
 * it (shorts pay), zero while the index lies between the impact bid and the impact ask.
 */
import { WAD } from "../sdk/math";

/** Signed division rounded toward zero (bigint `/`), named so that the rounding is visible at the call site. */
export function divTowardZero(numerator: bigint, denominator: bigint): bigint {
  return numerator / denominator;
}

/**
 * The premium of one sample (wad, signed; 1e18 = 100%):
 * `(max(impactBid − index, 0) − max(index − impactAsk, 0)) / index`, rounded toward zero.
 *
 * **Missing side rule**: when either impact price is missing (that side of the book is too thin to absorb the impact
 * notional) the sample has no premium and this returns `undefined`; the caller records nothing for that tick. A
 * one-sided premium would be set by a single resting order on the other side's absence (anyone could move it at no
 * cost), so an empty side means "no information", not "premium zero". An interval whose ticks all lack a side then has
 * no samples, and its rate comes from the interest term alone ({@link fundingRate8hWad} with a zero premium).
 *
 * @param impactBidWad Average fill price of a market sell of the impact notional against the bids (wad).
 * @param impactAskWad Average fill price of a market buy of the impact notional against the asks (wad).
 * @param indexWad The index price (wad), > 0.
 * @throws RangeError when `indexWad` is not positive.
 * @example premiumWad(60_060n * WAD, 60_090n * WAD, 60_000n * WAD) // 0.001e18: bids 0.1% above the index
 */
export function premiumWad(
  impactBidWad: bigint | undefined,
  impactAskWad: bigint | undefined,
  indexWad: bigint,
): bigint | undefined {
  if (indexWad <= 0n) throw new RangeError(`premium needs a positive index, got ${indexWad}`);
  if (impactBidWad === undefined || impactAskWad === undefined) return undefined;
  const bidAbove = impactBidWad > indexWad ? impactBidWad - indexWad : 0n;
  const askBelow = indexWad > impactAskWad ? indexWad - impactAskWad : 0n;
  return divTowardZero((bidAbove - askBelow) * WAD, indexWad);
}
