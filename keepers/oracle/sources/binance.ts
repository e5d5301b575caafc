/**
 * Binance: the spot book ticker (`GET /api/v3/ticker/bookTicker` on api.binance.com) and the USDⓈ-M perpetual book
 * ticker (`GET /fapi/v1/ticker/bookTicker` on fapi.binance.com); quotes the mid of each best bid and ask.
 */
import { z } from "zod";
import type { PriceQuote, PriceSource } from "../types";
import { VenueHttp, venueUrl, type HttpSourceOptions } from "./http";
import { epochMs, expectInstrument, parseResponse, positivePriceWad } from "./parse";
import { bookMidQuote, gatherQuotes, requireInstrument, type QuoteRequest } from "./quote";

const VENUE = "binance";
const SPOT_ORIGIN = "https://api.binance.com";
const PERP_ORIGIN = "https://fapi.binance.com";

/** Spot `bookTicker`: `{symbol, bidPrice, bidQty, askPrice, askQty}` (no timestamp). */
const SpotBookTicker = z.object({ symbol: z.string(), bidPrice: positivePriceWad, askPrice: positivePriceWad });
/** USDⓈ-M `bookTicker`: the spot fields plus `lastUpdateId` and `time` (ms). */
const PerpBookTicker = SpotBookTicker.extend({ time: epochMs });

/** Options of {@link BinanceSource}: at least one of `spotSymbol` and `perpSymbol`. */
export interface BinanceSourceOptions extends HttpSourceOptions {
  /** Spot symbol, e.g. "BTCUSDT": quoted as kind "spot". */
  spotSymbol?: string;
  /** USDⓈ-M perpetual symbol, e.g. "BTCUSDT": quoted as kind "perpMid". */
  perpSymbol?: string;
  /** Replaces the futures origin (default `baseUrl` when that is set, else https://fapi.binance.com). */
  perpBaseUrl?: string;
}

/**
 * Binance spot and USDⓈ-M perpetual mids. The spot quote is stamped with the time of the response (the spot book
 * ticker has no timestamp), the perp quote with the venue's `time`.
 * @example
 * const quotes = await new BinanceSource({ spotSymbol: "BTCUSDT", perpSymbol: "BTCUSDT" }).fetchQuotes(signal);
 */
export class BinanceSource implements PriceSource {
  readonly venue = VENUE;
  private readonly http: VenueHttp;
  private readonly requests: QuoteRequest[] = [];

  /** @throws TypeError when neither symbol is set, or a symbol is empty. */
  constructor(options: BinanceSourceOptions) {
    this.http = new VenueHttp(VENUE, options);
    const spotOrigin = options.baseUrl ?? SPOT_ORIGIN;
    const perpOrigin = options.perpBaseUrl ?? options.baseUrl ?? PERP_ORIGIN;
    if (options.spotSymbol !== undefined) {
      const symbol = requireInstrument(VENUE, "spotSymbol", options.spotSymbol);
      const url = venueUrl(spotOrigin, "/api/v3/ticker/bookTicker", { symbol });
      this.requests.push((signal) => this.fetchSpot(url, symbol, signal));
    }
    if (options.perpSymbol !== undefined) {
      const symbol = requireInstrument(VENUE, "perpSymbol", options.perpSymbol);
      const url = venueUrl(perpOrigin, "/fapi/v1/ticker/bookTicker", { symbol });
      this.requests.push((signal) => this.fetchPerp(url, symbol, signal));
    }
    if (this.requests.length === 0) throw new TypeError(`${VENUE}: set spotSymbol, perpSymbol or both`);
  }

  /** @inheritdoc */
  fetchQuotes(signal?: AbortSignal): Promise<PriceQuote[]> {
    return gatherQuotes(this.requests, signal);
  }

  private async fetchSpot(url: URL, symbol: string, signal?: AbortSignal): Promise<PriceQuote[]> {
    const what = `spot book ticker ${symbol}`;
    const { body, receivedAtMs } = await this.http.requestJson({ what, url, signal });
    const ticker = parseResponse(VENUE, what, SpotBookTicker, body);
    expectInstrument(VENUE, what, "symbol", ticker.symbol, symbol);
    return [
      bookMidQuote({
        venue: VENUE,
        instrument: symbol,
        kind: "spot",
        bidWad: ticker.bidPrice,
        askWad: ticker.askPrice,
        timestampMs: receivedAtMs,
      }),
    ];
  }

  private async fetchPerp(url: URL, symbol: string, signal?: AbortSignal): Promise<PriceQuote[]> {
    const what = `USDⓈ-M book ticker ${symbol}`;
    const { body } = await this.http.requestJson({ what, url, signal });
    const ticker = parseResponse(VENUE, what, PerpBookTicker, body);
    expectInstrument(VENUE, what, "symbol", ticker.symbol, symbol);
    return [
      bookMidQuote({
        venue: VENUE,
        instrument: symbol,
        kind: "perpMid",
        bidWad: ticker.bidPrice,
        askWad: ticker.askPrice,
        timestampMs: ticker.time,
      }),
    ];
  }
}
