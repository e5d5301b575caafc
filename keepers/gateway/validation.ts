/**
 * Request validation: two Ajv instances (bodies and WebSocket messages are never coerced, so `"5"` is not a number
 * and `12345678901234567890` is not a decimal string; path and query strings are coerced to the integers their
 * schema declares), Keel's wire formats registered on both, and one error message per failure that names the field,
 * e.g. `body.order.size must be an unsigned 128-bit integer as a decimal string (0 to 3402…455)`.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import type { FastifySchemaCompiler, FastifySchemaValidationError } from "fastify";
import { ApiError, ApiErrorCode } from "./api";
import { WIRE_FORMATS, wireFormat } from "./formats";

function createAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    verbose: true,
    allowUnionTypes: true,
  });
  for (const [name, format] of Object.entries(WIRE_FORMATS)) {
    ajv.addFormat(name, { type: "string", validate: (text: string) => format.check(text) });
  }
  return ajv;
}

const strictAjv = createAjv(false);
const coercingAjv = createAjv(true);

/** The integer properties of a params or querystring schema, with their maximum. */
function integerProperties(schema: object): { key: string; maximum: number }[] {
  const properties = (schema as { properties?: Record<string, { type?: unknown; maximum?: number }> }).properties;
  return Object.entries(properties ?? {})
    .filter(([, property]) => property.type === "integer")
    .map(([key, property]) => ({ key, maximum: property.maximum ?? Number.MAX_SAFE_INTEGER }));
}

/** The error of an integer path or query parameter whose text Ajv accepted but the gateway does not. */
function integerTextError(key: string, text: string, value: unknown, maximum: number): ErrorObject | undefined {
  const at = { instancePath: `/${key}`, schemaPath: `#/properties/${key}` };
  if (!/^[0-9]+$/.test(text)) {
    const message = "must be a decimal integer (digits only: no sign, exponent, hex or spaces)";
    return { ...at, keyword: "decimal", params: {}, message };
  }
  // Ajv reads a few hundred nines as Infinity and lets it through its own maximum check.
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value > maximum) {
    return {
      ...at,
      keyword: "maximum",
      params: { comparison: "<=", limit: maximum },
      message: `must be <= ${maximum}`,
    };
  }
  return undefined;
}

/**
 * A validator of path or query strings: Ajv coerces the integers, then their text must be decimal digits and their
 * value at most the schema's maximum, since Ajv alone would read `0x10`, `1e1`, `-0` or ` 1` as numbers and `9…9`
 * (400 digits) as an Infinity within any maximum.
 */
function compileCoercing(schema: object): ValidateFunction {
  const validate = coercingAjv.compile(schema);
  const integers = integerProperties(schema);
  if (integers.length === 0) return validate;
  const strict = ((data: unknown) => {
    const record = data !== null && typeof data === "object" ? (data as Record<string, unknown>) : {};
    const texts = integers.map(({ key }) => record[key]);
    if (!validate(data)) {
      strict.errors = validate.errors;
      return false;
    }
    let error: ErrorObject | undefined;
    integers.forEach(({ key, maximum }, i) => {
      const text = texts[i];
      if (!error && typeof text === "string") error = integerTextError(key, text, record[key], maximum);
    });
    strict.errors = error ? [error] : null;
    return !error;
  }) as ValidateFunction;
  return strict;
}

/** Fastify's validator compiler for the gateway: strict bodies, coerced (decimal) params and querystrings. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  httpPart === "params" || httpPart === "querystring"
    ? compileCoercing(schema as object)
    : strictAjv.compile(schema as object);

/** Compiles `schema` for data that is never coerced (WebSocket messages). */
export function compileStrict<T>(schema: object): ValidateFunction<T> {
  return strictAjv.compile<T>(schema);
}

/** `order/size` → `order.size`, `positions/0` → `positions[0]` (JSON pointer of a validation error to a field). */
function fieldPath(context: string, instancePath: string): string {
  let path = context;
  for (const segment of instancePath.split("/").slice(1)) {
    const key = segment.replace(/~1/g, "/").replace(/~0/g, "~");
    path += /^[0-9]+$/.test(key) ? `[${key}]` : path ? `.${key}` : key;
  }
  return path;
}

function typeName(type: unknown): string {
  const names: Record<string, string> = {
    integer: "an integer",
    number: "a number",
    string: "a string",
    object: "an object",
    array: "an array",
    boolean: "a boolean",
  };
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => names[String(t)] ?? String(t)).join(" or ");
}

/** The offending field and a sentence about it, for one Ajv error. */
export function describeValidationError(
  error: Pick<ErrorObject, "keyword" | "instancePath" | "params" | "message" | "parentSchema">,
  context: string,
): { field: string; message: string } {
  const field = fieldPath(context, error.instancePath);
  const params = error.params as Record<string, unknown>;
  const format = wireFormat(error.parentSchema?.format);
  if (format && ["format", "pattern", "maxLength", "minLength"].includes(error.keyword)) {
    return { field, message: `${field} must be ${format.description}` };
  }
  switch (error.keyword) {
    case "required": {
      const missing = fieldPath(field, `/${String(params.missingProperty)}`);
      return { field: missing, message: `${missing} is required` };
    }
    case "additionalProperties":
      return {
        field,
        message: `${field || "the message"} has an unknown property "${String(params.additionalProperty)}"`,
      };
    case "type":
      return { field, message: `${field} must be ${typeName(params.type)}` };
    case "enum":
      return { field, message: `${field} must be one of ${(params.allowedValues as unknown[]).join(", ")}` };
    case "minimum":
    case "maximum":
      return { field, message: `${field} must be ${String(params.comparison)} ${String(params.limit)}` };
    default:
      return { field, message: `${field} ${error.message ?? "is invalid"}` };
  }
}

/**
 * Fastify's `schemaErrorFormatter`: the first validation error as an {@link ApiError} 400 `INVALID_REQUEST` whose
 * message names the field and `details.field` holds it.
 */
export function schemaErrorFormatter(errors: FastifySchemaValidationError[], context: string): Error {
  const [first] = errors;
  if (!first) return new ApiError(ApiErrorCode.InvalidRequest, 400, `${context} is invalid`);
  const { field, message } = describeValidationError(first as ErrorObject, context);
  return new ApiError(ApiErrorCode.InvalidRequest, 400, message, { field });
}
