/**
 * Building quotes: the mid of a best bid and ask, the all-or-nothing gathering of a venue's requests, and the check of
 * the instrument ids an adapter is configured with.
 */
import { formatUnits } from "ethers";
import { PriceSourceError, type PriceQuote, type QuoteKind } from "../types";

/** The fields of a quote that is the mid of a book. */
export interface BookTop {
  venue: string;
  instrument: string;
  kind: QuoteKind;
  bidWad: bigint;
  askWad: bigint;
  timestampMs: number;
}

/**
 * The quote at the mid of the best bid and ask: `(bidWad + askWad) / 2`, rounded down to 1 wei (exact for prices
 * with at most 17 decimal places), carrying `bidWad` and `askWad`.
 * @throws PriceSourceError naming the venue and the instrument when the book is crossed (bid above ask): the venue's
 *   answer is inconsistent, so no mid is made up from it. A locked book (bid = ask) is a valid mid.
 */
export function bookMidQuote(top: BookTop): PriceQuote {
  const { venue, instrument, kind, bidWad, askWad, timestampMs } = top;
  if (bidWad > askWad) {
    throw new PriceSourceError(
      venue,
      `${instrument}: crossed book, best bid ${formatUnits(bidWad, 18)} above best ask ${formatUnits(askWad, 18)}`,
    );
  }
  return { venue, instrument, kind, priceWad: (bidWad + askWad) / 2n, timestampMs, bidWad, askWad };
}

/** A request for some of a venue's quotes, given the signal to pass to its HTTP call. */
export type QuoteRequest = (signal: AbortSignal | undefined) => Promise<PriceQuote[]>;

/**
 * Runs a venue's requests concurrently and returns all their quotes (in the order of `requests`), or fails with the
 * first failure: on a failure the other requests are aborted, so nothing half-done is returned or left running.
 * @throws the first request's error (a PriceSourceError from the adapters), or the caller's abort reason.
 */
export async function gatherQuotes(requests: QuoteRequest[], signal?: AbortSignal): Promise<PriceQuote[]> {
  if (requests.length === 1) return requests[0](signal);
  const siblings = new AbortController();
  const shared = signal === undefined ? siblings.signal : AbortSignal.any([signal, siblings.signal]);
  const results = await Promise.all(
    requests.map(async (request) => {
      try {
        return await request(shared);
      } catch (error) {
        siblings.abort(error);
        throw error;
      }
    }),
  );
  return results.flat();
}

/**
 * Checks a configured instrument id (a symbol, pair, product, token id or coin).
 * @throws TypeError naming the venue and the option when it is empty or contains white space.
 */
export function requireInstrument(venue: string, option: string, value: string): string {
  if (typeof value !== "string" || value === "" || /\s/.test(value)) {
    throw new TypeError(
      `${venue}: ${option} must be a non-empty instrument id without spaces, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
