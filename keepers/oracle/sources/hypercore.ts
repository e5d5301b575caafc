/**
 * HyperCore (Hyperliquid) info API: `POST /info {"type":"metaAndAssetCtxs"}` answers `[meta, assetCtxs]`, where
 * `meta.universe[i]` names the perpetual whose context is `assetCtxs[i]`. For one coin it quotes the oracle price
 * (`oraclePx`, kind "index"), the mark price (`markPx`, kind "mark") and the book mid (`midPx`, kind "perpMid", absent
 * when the book has no mid and the API sends null), all stamped with the time of the response (no timestamp is sent).
 */
import { z } from "zod";
import { PriceSourceError, type PriceQuote, type PriceSource } from "../types";
import { VenueHttp, venueUrl, type HttpSourceOptions } from "./http";
import { parseResponse, positivePriceWad } from "./parse";
import { requireInstrument } from "./quote";

const VENUE = "hypercore";
const ORIGIN = "https://api.hyperliquid.xyz";

/** The response: `meta.universe` (name, szDecimals, …) and one context per universe entry, same order. */
const MetaAndAssetCtxs = z.tuple([
  z.object({
    universe: z.array(
      z.object({ name: z.string(), szDecimals: z.number().int().nonnegative(), isDelisted: z.boolean().optional() }),
    ),
  }),
  // Only the requested coin's context is validated in full: another market's odd context must not fail this one.
  z.array(z.unknown()),
]);
/** One asset context: `{markPx, oraclePx, midPx, funding, openInterest, …}`; `midPx` is null without a book mid. */
const AssetCtx = z.object({ markPx: positivePriceWad, oraclePx: positivePriceWad, midPx: positivePriceWad.nullable() });

/** Options of {@link HyperCoreSource}. */
export interface HyperCoreSourceOptions extends HttpSourceOptions {
  /** The perpetual's coin name in the universe, e.g. "BTC". */
  coin: string;
}

/**
 * HyperCore oracle, mark and mid prices of one perpetual.
 * @example
 * const quotes = await new HyperCoreSource({ coin: "BTC" }).fetchQuotes(signal); // index, mark, perpMid
 */
export class HyperCoreSource implements PriceSource {
  readonly venue = VENUE;
  private readonly http: VenueHttp;
  private readonly coin: string;
  private readonly url: URL;

  /** @throws TypeError when `coin` is empty. */
  constructor(options: HyperCoreSourceOptions) {
    this.http = new VenueHttp(VENUE, options);
    this.coin = requireInstrument(VENUE, "coin", options.coin);
    this.url = venueUrl(options.baseUrl ?? ORIGIN, "/info");
  }

  /**
   * @inheritdoc
   * @throws PriceSourceError also when the coin is not in the universe or is delisted, or when the universe and the
   *   contexts differ in length (the index alignment would be a guess).
   */
  async fetchQuotes(signal?: AbortSignal): Promise<PriceQuote[]> {
    const what = `metaAndAssetCtxs ${this.coin}`;
    const { body, receivedAtMs } = await this.http.requestJson({
      what,
      url: this.url,
      body: { type: "metaAndAssetCtxs" },
      signal,
    });
    const [{ universe }, contexts] = parseResponse(VENUE, what, MetaAndAssetCtxs, body);
    if (universe.length !== contexts.length) {
      throw new PriceSourceError(
        VENUE,
        `${what}: ${universe.length} universe entries but ${contexts.length} asset contexts; they must pair up`,
      );
    }
    const index = universe.findIndex((asset) => asset.name === this.coin);
    if (index < 0) throw new PriceSourceError(VENUE, `${what}: coin ${this.coin} is not in the perp universe`);
    if (universe[index].isDelisted === true) {
      throw new PriceSourceError(
        VENUE,
        `${what}: coin ${this.coin} is delisted (field [0].universe[${index}].isDelisted)`,
      );
    }
    const context = parseResponse(VENUE, what, AssetCtx, contexts[index], [1, index]);
    const base = { venue: VENUE, instrument: this.coin, timestampMs: receivedAtMs };
    const quotes: PriceQuote[] = [
      { ...base, kind: "index", priceWad: context.oraclePx },
      { ...base, kind: "mark", priceWad: context.markPx },
    ];
    if (context.midPx !== null) quotes.push({ ...base, kind: "perpMid", priceWad: context.midPx });
    return quotes;
  }
}
