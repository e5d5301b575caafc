/**
 * Conversion between the service's values (bigints, see ./api.ts) and their JSON form (decimal strings). Encoding is
 * generic: every bigint becomes its decimal string. Decoding follows a JSON schema of ./schemas.ts: a string whose
 * schema names a wire format (./formats.ts) is decoded by it, so the schema is the one place that says which fields
 * are integers, addresses or hashes.
 */
import { wireFormat } from "./formats";

/** The JSON form of `T`: bigints as decimal strings, recursively. */
export type Wire<T> = T extends bigint
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** The JSON form of `value`: every bigint replaced by its decimal string (other values unchanged). */
export function toWire<T>(value: T): Wire<T> {
  return encode(value) as Wire<T>;
}

function encode(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = encode(field);
    return out;
  }
  return value;
}

/** The subset of JSON schema {@link fromWire} reads. */
export interface DecodableSchema {
  type?: unknown;
  format?: unknown;
  properties?: Record<string, DecodableSchema>;
  items?: DecodableSchema;
}

/**
 * Decodes `json`, already validated against `schema`, into the service's values: each string whose schema has a
 * Keel wire format is decoded by it (decimal string → bigint, address → checksummed, hash → lower case). Properties the
 * schema does not name are copied unchanged.
 *
 * @throws Whatever the format's decoder throws for a string that was not validated (e.g. `SyntaxError` from `BigInt`).
 */
export function fromWire<T>(schema: DecodableSchema, json: unknown): T {
  return decode(schema, json) as T;
}

function decode(schema: DecodableSchema, value: unknown): unknown {
  if (typeof value === "string") {
    const format = wireFormat(schema.format);
    return format ? format.decode(value) : value;
  }
  if (Array.isArray(value)) {
    const items = schema.items;
    return items ? value.map((item) => decode(items, item)) : value;
  }
  if (value !== null && typeof value === "object") {
    const properties = schema.properties ?? {};
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      out[key] = Object.hasOwn(properties, key) ? decode(properties[key], field) : field;
    }
    return out;
  }
  return value;
}
