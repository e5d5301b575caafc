/** Quotes for the index tests. */
import { parseUnits } from "ethers";
import type { PriceQuote } from "../../../../keepers/oracle/types";

/** A wad from a decimal string or number. */
export const wad = (value: string | number): bigint => parseUnits(String(value), 18);

/** A spot quote of `venue` at `price` (USD, decimal) observed at `timestampMs`. */
export function spot(venue: string, price: string | number, timestampMs: number): PriceQuote {
  return { venue, instrument: "BTC-USD", kind: "spot", priceWad: wad(price), timestampMs };
}
