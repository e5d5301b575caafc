/**
 * Keeper logs: pino, one JSON object per line on stdout. Wad amounts are bigints throughout the keepers; pino would
 * print them as bare JSON numbers that lose precision in every JSON reader, so they are logged as decimal strings
 * (the JSON convention of DESIGN §2).
 */
import pino, { type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "./config";

export type { Logger } from "pino";

/** Objects nested deeper than this are logged as "[Depth]" (guards against huge provider objects). */
const MAX_DEPTH = 8;

/**
 * A copy of `value` that JSON can hold: bigints become decimal strings, errors become pino's serialised form (type,
 * message, stack, cause, own fields), objects with `toJSON` (ethers receipts, dates) use it, cycles become
 * "[Circular]". Primitives are returned unchanged.
 */
export function toLoggable(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Depth]";
  seen.add(value);
  try {
    if (value instanceof Error) return toLoggable(pino.stdSerializers.errWithCause(value), depth + 1, seen);
    if (Array.isArray(value)) return value.map((item) => toLoggable(item, depth + 1, seen));
    const withToJson = value as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === "function") return toLoggable(withToJson.toJSON(), depth + 1, seen);
    if (value instanceof Map) return toLoggable(Object.fromEntries(value), depth + 1, seen);
    if (value instanceof Set) return toLoggable([...value], depth + 1, seen);
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = toLoggable(item, depth + 1, seen);
    return copy;
  } finally {
    seen.delete(value);
  }
}

/**
 * A pino logger for one keeper: JSON lines on stdout (or `destination`), `keeper: name` on every line, bigints as
 * decimal strings, and any `privateKey` field redacted.
 *
 * @param name The keeper's name (`matcher`, `settlement`, ...).
 * @param level The minimum level logged (default "info").
 * @param destination Where lines go (default stdout); tests pass a stream to read them back.
 * @example
 * const log = createLogger("settlement", config.logLevel);
 * log.info({ batchId: 7n, fills: 12, gasUsed: receipt.gasUsed }, "batch settled");
 */
export function createLogger(name: string, level: LogLevel = "info", destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { keeper: name },
    redact: { paths: ["privateKey", "*.privateKey", "config.privateKey"], censor: "[redacted]" },
    formatters: { log: (object) => toLoggable(object) as Record<string, unknown> },
    // `formatters.log` runs before the serializers and has already turned errors into plain objects.
    serializers: { err: (value: unknown) => value },
  };
  const logger = destination === undefined ? pino(options) : pino(options, destination);
  // Child bindings bypass `formatters.log`; convert them when the child is made. Children of children inherit this.
  const makeChild = logger.child as unknown as (this: unknown, bindings: pino.Bindings, options?: unknown) => Logger;
  logger.child = function (this: unknown, bindings: pino.Bindings, childOptions?: unknown) {
    return makeChild.call(this, toLoggable(bindings) as pino.Bindings, childOptions);
  } as unknown as Logger["child"];
  return logger;
}
