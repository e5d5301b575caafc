/**
 * Live price sources (DESIGN §7): one adapter per venue behind {@link PriceSource}, built by
 * {@link createPriceSource}. Every adapter fetches the venue's public REST API with a timeout and retries of transient
 * failures only, validates the response against the venue's documented shape, parses decimals exactly into wad and
 * stamps quotes with the venue's time where it gives one. Failures are {@link PriceSourceError}s naming the venue.
 */
import type { PriceSource } from "../types";
import { BinanceSource, type BinanceSourceOptions } from "./binance";
import { BybitSource, type BybitSourceOptions } from "./bybit";
import { CoinbaseSource, type CoinbaseSourceOptions } from "./coinbase";
import { HyperCoreSource, type HyperCoreSourceOptions } from "./hypercore";
import { KrakenSource, type KrakenSourceOptions } from "./kraken";
import { OkxSource, type OkxSourceOptions } from "./okx";
import { PolymarketSource, type PolymarketSourceOptions } from "./polymarket";

export * from "./binance";
export * from "./bybit";
export * from "./coinbase";
export * from "./hypercore";
export * from "./kraken";
export * from "./okx";
export * from "./polymarket";
export { HttpStatusError, AttemptTimeoutError, isTransientHttpFailure, type HttpSourceOptions } from "./http";

/** The venues {@link createPriceSource} can build, by the lower-case name their quotes carry. */
export const SUPPORTED_VENUES = ["binance", "okx", "bybit", "kraken", "coinbase", "polymarket", "hypercore"] as const;

/** A venue {@link createPriceSource} can build. */
export type SupportedVenue = (typeof SUPPORTED_VENUES)[number];

/** The options of each venue's adapter: its instrument ids plus the shared transport options. */
export interface PriceSourceOptionsByVenue {
  binance: BinanceSourceOptions;
  okx: OkxSourceOptions;
  bybit: BybitSourceOptions;
  kraken: KrakenSourceOptions;
  coinbase: CoinbaseSourceOptions;
  polymarket: PolymarketSourceOptions;
  hypercore: HyperCoreSourceOptions;
}

const CONSTRUCTORS: { [V in SupportedVenue]: new (options: PriceSourceOptionsByVenue[V]) => PriceSource } = {
  binance: BinanceSource,
  okx: OkxSource,
  bybit: BybitSource,
  kraken: KrakenSource,
  coinbase: CoinbaseSource,
  polymarket: PolymarketSource,
  hypercore: HyperCoreSource,
};

/** The instrument ids of BTC against the US dollar (or USDT) on each crypto venue, for configuration. */
export const BTC_USD_INSTRUMENTS = {
  binance: { spotSymbol: "BTCUSDT", perpSymbol: "BTCUSDT" },
  okx: { spotInstId: "BTC-USDT", swapInstId: "BTC-USDT-SWAP" },
  bybit: { spotSymbol: "BTCUSDT", linearSymbol: "BTCUSDT" },
  kraken: { pair: "XBTUSD" },
  coinbase: { productId: "BTC-USD" },
  hypercore: { coin: "BTC" },
} as const satisfies { [V in Exclude<SupportedVenue, "polymarket">]: PriceSourceOptionsByVenue[V] };

/** Whether `name` is one of {@link SUPPORTED_VENUES} (for names read from configuration). */
export function isSupportedVenue(name: string): name is SupportedVenue {
  return (SUPPORTED_VENUES as readonly string[]).includes(name);
}

/**
 * Builds the live price source of `venue`.
 * @param options The venue's instrument id(s) and, optionally, `baseUrl`, `fetch`, `timeoutMs`, `retries`, `now`.
 * @throws TypeError when `venue` is not supported (a name from configuration) or an instrument option is missing.
 * @example
 * const binance = createPriceSource("binance", { ...BTC_USD_INSTRUMENTS.binance, timeoutMs: 2_000 });
 * const polymarket = createPriceSource("polymarket", { tokenId });
 */
export function createPriceSource<V extends SupportedVenue>(
  venue: V,
  options: PriceSourceOptionsByVenue[V],
): PriceSource {
  if (!isSupportedVenue(venue)) {
    throw new TypeError(`unsupported price source venue "${String(venue)}"; supported: ${SUPPORTED_VENUES.join(", ")}`);
  }
  const Source: new (options: PriceSourceOptionsByVenue[V]) => PriceSource = CONSTRUCTORS[venue];
  return new Source(options);
}
