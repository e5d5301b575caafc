/**
 * Coinbase Exchange: the product ticker (`GET /products/{product_id}/ticker`), spot only; quotes the mid of `bid` and
 * `ask`, stamped with the venue's `time` (ISO 8601, truncated to the millisecond).
 */
import { z } from "zod";
import type { PriceQuote, PriceSource } from "../types";
import { VenueHttp, venueUrl, type HttpSourceOptions } from "./http";
import { isoUtcMs, parseResponse, positivePriceWad } from "./parse";
import { bookMidQuote, requireInstrument } from "./quote";

const VENUE = "coinbase";
const ORIGIN = "https://api.exchange.coinbase.com";

/** The ticker: `{ask, bid, volume, trade_id, price, size, time}`; the quote uses `bid`, `ask` and `time`. */
const Ticker = z.object({ bid: positivePriceWad, ask: positivePriceWad, time: isoUtcMs });

/** Options of {@link CoinbaseSource}. */
export interface CoinbaseSourceOptions extends HttpSourceOptions {
  /** Product id, e.g. "BTC-USD": quoted as kind "spot". */
  productId: string;
}

/**
 * Coinbase Exchange spot mid.
 * @example
 * const [spot] = await new CoinbaseSource({ productId: "BTC-USD" }).fetchQuotes(signal);
 */
export class CoinbaseSource implements PriceSource {
  readonly venue = VENUE;
  private readonly http: VenueHttp;
  private readonly productId: string;
  private readonly url: URL;

  /** @throws TypeError when `productId` is empty. */
  constructor(options: CoinbaseSourceOptions) {
    this.http = new VenueHttp(VENUE, options);
    this.productId = requireInstrument(VENUE, "productId", options.productId);
    this.url = venueUrl(options.baseUrl ?? ORIGIN, `/products/${encodeURIComponent(this.productId)}/ticker`);
  }

  /** @inheritdoc */
  async fetchQuotes(signal?: AbortSignal): Promise<PriceQuote[]> {
    const what = `ticker ${this.productId}`;
    const { body } = await this.http.requestJson({ what, url: this.url, signal });
    const ticker = parseResponse(VENUE, what, Ticker, body);
    return [
      bookMidQuote({
        venue: VENUE,
        instrument: this.productId,
        kind: "spot",
        bidWad: ticker.bid,
        askWad: ticker.ask,
        timestampMs: ticker.time,
      }),
    ];
  }
}
