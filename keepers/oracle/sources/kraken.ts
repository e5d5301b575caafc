/**
 * Kraken: the public ticker (`GET /0/public/Ticker?pair=…`), spot only; quotes the mid of the best ask `a[0]` and
 * best bid `b[0]`, stamped with the time of the response (Kraken's ticker has no timestamp).
 */
import { z } from "zod";
import { PriceSourceError, type PriceQuote, type PriceSource } from "../types";
import { VenueHttp, venueUrl, type HttpSourceOptions } from "./http";
import { parseResponse, positivePriceWad } from "./parse";
import { bookMidQuote, requireInstrument } from "./quote";

const VENUE = "kraken";
const ORIGIN = "https://api.kraken.com";

/** Every Kraken public response: `{error: string[], result}`; a non-empty `error` is a failure. */
const Envelope = z.object({ error: z.array(z.string()) });
/** A book side as Kraken sends it: `[price, whole lot volume, lot volume]`, all strings. */
const BookSide = z.tuple([positivePriceWad, z.string(), z.string()]);
/** A successful ticker response: `result` keyed by Kraken's own pair name (XBTUSD is answered as XXBTZUSD). */
const TickerResponse = z.object({
  result: z.record(z.string(), z.object({ a: BookSide, b: BookSide })),
});

/** Options of {@link KrakenSource}. */
export interface KrakenSourceOptions extends HttpSourceOptions {
  /** Kraken pair, e.g. "XBTUSD": quoted as kind "spot" with this id as the instrument. */
  pair: string;
}

/**
 * Kraken spot mid.
 * @example
 * const [spot] = await new KrakenSource({ pair: "XBTUSD" }).fetchQuotes(signal);
 */
export class KrakenSource implements PriceSource {
  readonly venue = VENUE;
  private readonly http: VenueHttp;
  private readonly pair: string;
  private readonly url: URL;

  /** @throws TypeError when `pair` is empty. */
  constructor(options: KrakenSourceOptions) {
    this.http = new VenueHttp(VENUE, options);
    this.pair = requireInstrument(VENUE, "pair", options.pair);
    this.url = venueUrl(options.baseUrl ?? ORIGIN, "/0/public/Ticker", { pair: this.pair });
  }

  /** @inheritdoc */
  async fetchQuotes(signal?: AbortSignal): Promise<PriceQuote[]> {
    const what = `ticker ${this.pair}`;
    const { body, receivedAtMs } = await this.http.requestJson({ what, url: this.url, signal });
    const { error } = parseResponse(VENUE, what, Envelope, body);
    if (error.length > 0) throw new PriceSourceError(VENUE, `${what}: ${error.join("; ")}`);
    const tickers = Object.entries(parseResponse(VENUE, what, TickerResponse, body).result);
    if (tickers.length !== 1) {
      throw new PriceSourceError(
        VENUE,
        `${what}: field result has ${tickers.length} pairs (${tickers.map(([name]) => name).join(", ")}), expected 1`,
      );
    }
    const [, ticker] = tickers[0];
    return [
      bookMidQuote({
        venue: VENUE,
        instrument: this.pair,
        kind: "spot",
        bidWad: ticker.b[0],
        askWad: ticker.a[0],
        timestampMs: receivedAtMs,
      }),
    ];
  }
}
