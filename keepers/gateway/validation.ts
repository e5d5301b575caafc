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

/** Fastify's validator compiler for the gateway: strict bodies, coerced params and querystrings. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === "params" || httpPart === "querystring" ? coercingAjv : strictAjv;
  return ajv.compile(schema as object);
};

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
