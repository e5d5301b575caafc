/**
 * Polymarket CLOB: the midpoint of an outcome token's book (`GET /midpoint?token_id=…`), a probability quoted in wad
 * (0.55 → 0.55e18) as kind "midpoint", stamped with the time of the response (the endpoint has no timestamp).
 */
import { z } from "zod";
import { PriceSourceError, type PriceQuote, type PriceSource } from "../types";
import { VenueHttp, venueUrl, type HttpSourceOptions } from "./http";
import { parseResponse, probabilityWad } from "./parse";
import { requireInstrument } from "./quote";

const VENUE = "polymarket";
const ORIGIN = "https://clob.polymarket.com";

/** An error answer: `{error: "No orderbook exists for the requested token id"}`. */
const ErrorBody = z.object({ error: z.string() });
/**
 * The midpoint: `{mid: "0.55"}` as the CLOB serves it; the current API reference names the field `mid_price`, so
 * exactly one of the two is accepted.
 */
const Midpoint = z
  .object({ mid: probabilityWad.optional(), mid_price: probabilityWad.optional() })
  .refine((body) => (body.mid === undefined) !== (body.mid_price === undefined), {
    message: "expected the midpoint as a decimal string in exactly one of mid and mid_price",
    path: ["mid"],
  })
  // The refinement guarantees exactly one of the two is set.
  .transform((body) => (body.mid ?? body.mid_price) as bigint);

/** Options of {@link PolymarketSource}. */
export interface PolymarketSourceOptions extends HttpSourceOptions {
  /** The outcome token's CLOB token id (a large decimal integer, as a string). */
  tokenId: string;
}

/**
 * Polymarket outcome-token midpoint.
 * @example
 * const [midpoint] = await new PolymarketSource({ tokenId }).fetchQuotes(signal); // midpoint.priceWad ≤ 1e18
 */
export class PolymarketSource implements PriceSource {
  readonly venue = VENUE;
  private readonly http: VenueHttp;
  private readonly tokenId: string;
  private readonly url: URL;

  /** @throws TypeError when `tokenId` is empty. */
  constructor(options: PolymarketSourceOptions) {
    this.http = new VenueHttp(VENUE, options);
    this.tokenId = requireInstrument(VENUE, "tokenId", options.tokenId);
    this.url = venueUrl(options.baseUrl ?? ORIGIN, "/midpoint", { token_id: this.tokenId });
  }

  /** @inheritdoc */
  async fetchQuotes(signal?: AbortSignal): Promise<PriceQuote[]> {
    const what = `midpoint of token ${this.tokenId}`;
    const { body, receivedAtMs } = await this.http.requestJson({ what, url: this.url, signal });
    const failure = ErrorBody.safeParse(body);
    if (failure.success) throw new PriceSourceError(VENUE, `${what}: ${failure.data.error}`);
    const priceWad = parseResponse(VENUE, what, Midpoint, body);
    return [{ venue: VENUE, instrument: this.tokenId, kind: "midpoint", priceWad, timestampMs: receivedAtMs }];
  }
}
