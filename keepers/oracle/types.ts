/**
 * Types shared by the price sources, the index and mark computations, the oracle keeper and the funding keeper
 * (DESIGN §7). Prices are wad bigints (1e18 = 1 USD per unit of base; BOUNDED markets 0..1e18); times are ms since
 * the epoch.
 */

/** What a quote measures. */
export type QuoteKind =
  /** A spot price (last trade or mid of a spot market). */
  | "spot"
  /** The mid of a venue's perpetual (best bid + best ask) / 2. */
  | "perpMid"
  /** A venue's own index or oracle price (HyperCore oracle, Deribit index). */
  | "index"
  /** A venue's own mark price (HyperCore mark, Binance mark kline). */
  | "mark"
  /** One trade. */
  | "trade"
  /** The midpoint of an outcome token's book (Polymarket CLOB), a probability in [0, 1e18]. */
  | "midpoint";

/** One observation from one venue. */
export interface PriceQuote {
  /** Venue name, lower case: "binance", "okx", "bybit", "kraken", "coinbase", "polymarket", "hypercore", "gemini", … */
  venue: string;
  /** The venue's instrument id (e.g. "BTCUSDT", "BTC-USD-SWAP", an outcome token id). */
  instrument: string;
  kind: QuoteKind;
  priceWad: bigint;
  /** When the venue observed it (the venue's timestamp when it gives one, else the time of the response). */
  timestampMs: number;
  /** Best bid and ask when the quote is a mid (wad). */
  bidWad?: bigint;
  askWad?: bigint;
  /** Trade size, base units (wad), for trades. */
  sizeWad?: bigint;
}

/** A live price source (a venue's public REST API): one call returns its current quotes for one market. */
export interface PriceSource {
  readonly venue: string;
  /**
   * Fetches the current quotes (spot and, where the venue lists one, the perp mid).
   * @throws PriceSourceError (with the venue and the reason) on a network failure, an HTTP error or a response that
   *   does not have the documented shape; never returns a partial or made-up quote.
   */
  fetchQuotes(signal?: AbortSignal): Promise<PriceQuote[]>;
}

/** A source that failed, with the venue named so the oracle keeper can count it per venue. */
export class PriceSourceError extends Error {
  override readonly name = "PriceSourceError";
  constructor(
    readonly venue: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${venue}: ${message}`, options);
  }
}

/**
 * A recorded source replayed in time order (the files of ../shared/data). `advanceTo(t)` returns every quote with
 * `timestampMs ≤ t` not returned before, in time order; `latest` is the last one returned.
 */
export interface ReplaySource {
  readonly venue: string;
  advanceTo(timestampMs: number): PriceQuote[];
  readonly latest?: PriceQuote;
  /** First and last timestamps in the recording. */
  readonly startMs: number;
  readonly endMs: number;
}
