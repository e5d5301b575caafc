/**
 * Bybit: the v5 tickers (`GET /v5/market/tickers?category=…&symbol=…`) of a spot symbol (category "spot") and of a
 * USDT perpetual (category "linear"); quotes the mid of each best bid and ask, stamped with the response's `time`.
 */
import { z } from "zod";
import { PriceSourceError, type PriceQuote, type PriceSource, type QuoteKind } from "../types";
import { VenueHttp, venueUrl, type HttpSourceOptions } from "./http";
import { epochMs, expectInstrument, parseResponse, positivePriceWad } from "./parse";
import { bookMidQuote, gatherQuotes, requireInstrument, type QuoteRequest } from "./quote";

const VENUE = "bybit";
const ORIGIN = "https://api.bybit.com";

/** Every Bybit v5 response: `{retCode, retMsg, result, retExtInfo, time}`; `retCode` 0 is success. */
const Envelope = z.object({ retCode: z.number().int(), retMsg: z.string() });

/** A successful tickers response of `category`: exactly one ticker with `symbol`, `bid1Price`, `ask1Price`. */
function tickersResponse(category: "spot" | "linear") {
  return z.object({
    retCode: z.literal(0),
    result: z.object({
      category: z.literal(category),
      list: z
        .array(z.object({ symbol: z.string(), bid1Price: positivePriceWad, ask1Price: positivePriceWad }))
        .length(1),
    }),
    time: epochMs,
  });
}

const CATEGORIES = {
  spot: { schema: tickersResponse("spot"), kind: "spot" },
  linear: { schema: tickersResponse("linear"), kind: "perpMid" },
} as const satisfies Record<string, { schema: z.ZodType; kind: QuoteKind }>;

/** Options of {@link BybitSource}: at least one of `spotSymbol` and `linearSymbol`. */
export interface BybitSourceOptions extends HttpSourceOptions {
  /** Spot symbol, e.g. "BTCUSDT": quoted as kind "spot". */
  spotSymbol?: string;
  /** Linear (USDT) perpetual symbol, e.g. "BTCUSDT": quoted as kind "perpMid". */
  linearSymbol?: string;
}

/**
 * Bybit spot and linear perpetual mids.
 * @example
 * const quotes = await new BybitSource({ spotSymbol: "BTCUSDT", linearSymbol: "BTCUSDT" }).fetchQuotes(signal);
 */
export class BybitSource implements PriceSource {
  readonly venue = VENUE;
  private readonly http: VenueHttp;
  private readonly requests: QuoteRequest[] = [];
  private readonly origin: string;

  /** @throws TypeError when neither symbol is set, or one is empty. */
  constructor(options: BybitSourceOptions) {
    this.http = new VenueHttp(VENUE, options);
    this.origin = options.baseUrl ?? ORIGIN;
    if (options.spotSymbol !== undefined)
      this.addTicker("spot", requireInstrument(VENUE, "spotSymbol", options.spotSymbol));
    if (options.linearSymbol !== undefined) {
      this.addTicker("linear", requireInstrument(VENUE, "linearSymbol", options.linearSymbol));
    }
    if (this.requests.length === 0) throw new TypeError(`${VENUE}: set spotSymbol, linearSymbol or both`);
  }

  /** @inheritdoc */
  fetchQuotes(signal?: AbortSignal): Promise<PriceQuote[]> {
    return gatherQuotes(this.requests, signal);
  }

  private addTicker(category: keyof typeof CATEGORIES, symbol: string): void {
    const { schema, kind } = CATEGORIES[category];
    const url = venueUrl(this.origin, "/v5/market/tickers", { category, symbol });
    const what = `${category} ticker ${symbol}`;
    this.requests.push(async (signal) => {
      const { body } = await this.http.requestJson({ what, url, signal });
      const envelope = parseResponse(VENUE, what, Envelope, body);
      if (envelope.retCode !== 0) {
        throw new PriceSourceError(VENUE, `${what}: retCode ${envelope.retCode}: ${envelope.retMsg || "(no message)"}`);
      }
      const response = parseResponse(VENUE, what, schema, body);
      const [ticker] = response.result.list;
      expectInstrument(VENUE, what, "result.list[0].symbol", ticker.symbol, symbol);
      return [
        bookMidQuote({
          venue: VENUE,
          instrument: symbol,
          kind,
          bidWad: ticker.bid1Price,
          askWad: ticker.ask1Price,
          timestampMs: response.time,
        }),
      ];
    });
  }
}
