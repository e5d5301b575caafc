/**
 * OKX: the market ticker (`GET /api/v5/market/ticker?instId=…`) of a spot instrument (e.g. BTC-USDT) and of a
 * perpetual swap (e.g. BTC-USDT-SWAP); quotes the mid of each best bid and ask, stamped with the venue's `ts`.
 */
import { z } from "zod";
import { PriceSourceError, type PriceQuote, type PriceSource, type QuoteKind } from "../types";
import { VenueHttp, venueUrl, type HttpSourceOptions } from "./http";
import { epochMsString, expectInstrument, parseResponse, positivePriceWad } from "./parse";
import { bookMidQuote, gatherQuotes, requireInstrument, type QuoteRequest } from "./quote";

const VENUE = "okx";
const ORIGIN = "https://www.okx.com";

/** Every OKX v5 response: `{code, msg, data}`; `code` "0" is success, anything else an error described by `msg`. */
const Envelope = z.object({ code: z.string(), msg: z.string() });
/** A successful ticker response: exactly one ticker, with `instId`, `bidPx`, `askPx` and `ts` (ms, a string). */
const TickerResponse = z.object({
  code: z.literal("0"),
  data: z
    .array(z.object({ instId: z.string(), bidPx: positivePriceWad, askPx: positivePriceWad, ts: epochMsString }))
    .length(1),
});

/** Options of {@link OkxSource}: at least one of `spotInstId` and `swapInstId`. */
export interface OkxSourceOptions extends HttpSourceOptions {
  /** Spot instrument id, e.g. "BTC-USDT": quoted as kind "spot". */
  spotInstId?: string;
  /** Perpetual swap instrument id, e.g. "BTC-USDT-SWAP": quoted as kind "perpMid". */
  swapInstId?: string;
}

/**
 * OKX spot and perpetual swap mids.
 * @example
 * const quotes = await new OkxSource({ spotInstId: "BTC-USDT", swapInstId: "BTC-USDT-SWAP" }).fetchQuotes(signal);
 */
export class OkxSource implements PriceSource {
  readonly venue = VENUE;
  private readonly http: VenueHttp;
  private readonly requests: QuoteRequest[] = [];
  private readonly origin: string;

  /** @throws TypeError when neither instrument is set, or one is empty. */
  constructor(options: OkxSourceOptions) {
    this.http = new VenueHttp(VENUE, options);
    this.origin = options.baseUrl ?? ORIGIN;
    if (options.spotInstId !== undefined)
      this.addTicker(requireInstrument(VENUE, "spotInstId", options.spotInstId), "spot");
    if (options.swapInstId !== undefined) {
      this.addTicker(requireInstrument(VENUE, "swapInstId", options.swapInstId), "perpMid");
    }
    if (this.requests.length === 0) throw new TypeError(`${VENUE}: set spotInstId, swapInstId or both`);
  }

  /** @inheritdoc */
  fetchQuotes(signal?: AbortSignal): Promise<PriceQuote[]> {
    return gatherQuotes(this.requests, signal);
  }

  private addTicker(instId: string, kind: QuoteKind): void {
    const url = venueUrl(this.origin, "/api/v5/market/ticker", { instId });
    const what = `${kind === "spot" ? "spot" : "swap"} ticker ${instId}`;
    this.requests.push(async (signal) => {
      const { body } = await this.http.requestJson({ what, url, signal });
      const envelope = parseResponse(VENUE, what, Envelope, body);
      if (envelope.code !== "0") {
        throw new PriceSourceError(VENUE, `${what}: error code ${envelope.code}: ${envelope.msg || "(no message)"}`);
      }
      const [ticker] = parseResponse(VENUE, what, TickerResponse, body).data;
      expectInstrument(VENUE, what, "data[0].instId", ticker.instId, instId);
      return [
        bookMidQuote({
          venue: VENUE,
          instrument: instId,
          kind,
          bidWad: ticker.bidPx,
          askWad: ticker.askPx,
          timestampMs: ticker.ts,
        }),
      ];
    });
  }
}
