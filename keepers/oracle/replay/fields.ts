/** Field readers shared by the replay parsers: integers, epoch times and UTC date-times, strictly checked. */

const INTEGER = /^-?\d+$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * A base-10 integer that fits a JavaScript number exactly.
 * @throws RangeError otherwise.
 */
export function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!INTEGER.test(text) || !Number.isSafeInteger(value)) throw new RangeError(`Not a safe integer: "${text}"`);
  return value;
}

/**
 * Unix microseconds → ms, rounded down (Tardis timestamps), exact through bigint.
 * @throws RangeError when `text` is not a non-negative integer.
 */
export function parseMicrosToMs(text: string): number {
  if (!/^\d+$/.test(text)) throw new RangeError(`Not a microsecond timestamp: "${text}"`);
  return Number(BigInt(text) / 1000n);
}

/**
 * "YYYY-MM-DD HH:MM:SS" (or with a "T") read as UTC → ms since the epoch.
 * @throws RangeError on another shape or an impossible date (2025-02-30, 24:00:00).
 */
export function parseUtcDateTime(text: string): number {
  const match = DATE_TIME.exec(text);
  if (!match) throw new RangeError(`Not a "YYYY-MM-DD HH:MM:SS" time: "${text}"`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    back.getUTCHours() !== hour ||
    back.getUTCMinutes() !== minute
  ) {
    throw new RangeError(`Not a valid date-time: "${text}"`);
  }
  return ms;
}
