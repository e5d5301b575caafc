/**
 * Validation of venue responses: zod building blocks for the fields venues send (decimal strings, epoch times) and
 * {@link parseResponse}, which turns a response that does not have the documented shape into a
 * {@link PriceSourceError} naming the venue and the field. Decimals are parsed exactly into wad; nothing is rounded,
 * coerced from a float or defaulted.
 */
import { parseUnits } from "ethers";
import { z } from "zod";
import { PriceSourceError } from "../types";

/** 1e18: one unit in wad. */
const WAD = 10n ** 18n;
/** A plain non-negative decimal: digits, optionally a point and 1 to 18 digits. No sign, exponent or spaces. */
const DECIMAL = /^\d+(\.\d{1,18})?$/;
/** Ms since the epoch before 2001-09-09: a timestamp in seconds, or not a timestamp at all. */
const MIN_EPOCH_MS = 1_000_000_000_000;
/** ISO 8601 UTC with an optional fraction of a second, as Coinbase sends it ("2024-05-01T12:00:00.123456Z"). */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/**
 * A non-negative decimal string (e.g. "67012.5") parsed exactly into wad with ethers `parseUnits`. Rejects numbers
 * (JSON floats are not exact), empty strings, signs, exponent notation ("6.7e4"), "NaN", and more than 18 decimal
 * places (not representable in wad).
 */
export const decimalWad = z
  .string()
  .regex(DECIMAL, "expected a non-negative decimal string with at most 18 decimal places")
  .transform((text) => parseUnits(text, 18));

/** A {@link decimalWad} above zero: a price (a zero bid or ask means an empty side of the book). */
export const positivePriceWad = decimalWad.refine((wad) => wad > 0n, "expected a price above zero");

/** A {@link decimalWad} in [0, 1e18]: a probability (an outcome token's price). */
export const probabilityWad = decimalWad.refine((wad) => wad <= WAD, "expected a probability in [0, 1]");

/** A JSON integer of ms since the epoch (e.g. Binance's `time`). */
export const epochMs = z
  .number()
  .int()
  .min(MIN_EPOCH_MS, "expected milliseconds since the epoch")
  .max(Number.MAX_SAFE_INTEGER);

/** A decimal string of ms since the epoch (e.g. OKX's `ts`: "1597026383085"). */
export const epochMsString = z
  .string()
  .regex(/^\d{1,16}$/, "expected milliseconds since the epoch as a decimal string")
  .transform(Number)
  .pipe(epochMs);

/** An ISO 8601 UTC time (e.g. Coinbase's `time`), as ms since the epoch; sub-millisecond digits are truncated. */
export const isoUtcMs = z
  .string()
  .regex(ISO_UTC, "expected an ISO 8601 UTC time such as 2024-05-01T12:00:00.123Z")
  .transform((text) => Date.parse(text))
  .pipe(epochMs);

/** A path as a person reads it: `result.list[0].bid1Price`; "(root)" for the response itself. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}

/**
 * Validates `body` against `schema` and returns the parsed value.
 * @param what What the response is, for the message (e.g. "spot book ticker BTCUSDT").
 * @param pathPrefix Where `body` sits in the whole response, so the message names the field in full.
 * @throws PriceSourceError naming the venue, `what`, and each offending field with what was expected, e.g.
 *   `bybit: linear ticker BTCUSDT: field result.list[0].bid1Price: expected a non-negative decimal string …`.
 */
export function parseResponse<S extends z.ZodType>(
  venue: string,
  what: string,
  schema: S,
  body: unknown,
  pathPrefix: readonly PropertyKey[] = [],
): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 3)
    .map((issue) => `field ${formatPath([...pathPrefix, ...issue.path])}: ${issue.message}`);
  const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : "";
  throw new PriceSourceError(
    venue,
    `${what}: response does not match the documented shape: ${problems.join("; ")}${more}`,
    {
      cause: result.error,
    },
  );
}

/**
 * Checks that the response is about the instrument asked for (a misrouted or changed API must not feed another
 * market's price into the index).
 * @throws PriceSourceError naming the venue, the field and both ids when they differ.
 */
export function expectInstrument(venue: string, what: string, field: string, actual: string, expected: string): void {
  if (actual !== expected) {
    throw new PriceSourceError(venue, `${what}: field ${field} is "${actual}", expected "${expected}"`);
  }
}
