/**
 * How the invariant details show figures to people: USD with cents (and the exact wei where an equality to the wei is
 * the point), sizes in base units, addresses shortened.
 */
import { formatUnits } from "ethers";
import { formatWadDecimal } from "../report";

/** A USD wad as "1,234.56 USD" (rounded half away from zero to cents; display only). */
export function usd(wad: bigint): string {
  return `${formatWadDecimal(wad, 2)} USD`;
}

/** A USD wad with its exact value in wei when cents would hide it: "0.00 USD (3 wei)". */
export function usdExact(wad: bigint): string {
  return wad % 10n ** 16n === 0n ? usd(wad) : `${usd(wad)} (${wad} wei)`;
}

/** A size (base units, wad) as a plain decimal without trailing zeros: "1.5", "0.001". */
export function units(wad: bigint): string {
  const text = formatUnits(wad, 18);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** An address as "0x1234…abcd". */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** The first `max` items joined by "; ", then "and N more". */
export function listSome(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join("; ");
  return items.length > max ? `${shown}; and ${items.length - max} more` : shown;
}

/** "1 claim", "2 claims": `n` and the noun, plural unless n is 1 (`plural` for irregular nouns). */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
