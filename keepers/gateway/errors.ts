/**
 * How the gateway answers errors: an {@link ApiError} with its status and `{ error: { code, message, details } }`;
 * Fastify's own client errors (malformed JSON, body too large, wrong media type, ...) the same way with a Keel code;
 * anything else as 500 `INTERNAL` with the message "internal error", logged with its stack and the request id (which
 * the response carries so that an operator can find the log line). No stack trace or internal message ever leaves.
 */
import type { Duplex } from "node:stream";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, ApiErrorCode } from "./api";
import { toWire } from "./wire";

/** The JSON body of an error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Keel codes for Fastify's client errors (their messages are fixed texts, safe to show). */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ApiErrorCode.InvalidRequest,
  FST_ERR_CTP_EMPTY_JSON_BODY: ApiErrorCode.InvalidRequest,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ApiErrorCode.InvalidRequest,
  FST_ERR_CTP_BODY_TOO_LARGE: ApiErrorCode.PayloadTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ApiErrorCode.UnsupportedMediaType,
  FST_ERR_VALIDATION: ApiErrorCode.InvalidRequest,
  FST_ERR_BAD_URL: ApiErrorCode.InvalidRequest,
  FST_ERR_MAX_PARAM_LENGTH: ApiErrorCode.InvalidRequest,
};

/** Messages for Fastify errors whose own text says less than it could. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY:
    "the body is not valid JSON (or uses a forbidden key: __proto__, constructor.prototype)",
  FST_ERR_CTP_EMPTY_JSON_BODY: "the body is empty; send a JSON object",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported content type; send application/json",
  FST_ERR_BAD_URL: "the URL path is not valid (malformed percent-encoding)",
};

/** Limits quoted in error messages. */
export interface ErrorLimits {
  bodyLimitBytes: number;
  /** Longest path parameter the router accepts (Fastify's `maxParamLength`). */
  maxParamLength: number;
}

/** The status and body for `error`, and whether it is a server fault (to be logged as an error). */
export function errorResponse(
  error: unknown,
  requestId: string,
  limits: ErrorLimits,
): { statusCode: number; body: ErrorBody; serverFault: boolean } {
  if (error instanceof ApiError) {
    const details = error.details === undefined ? undefined : toWire(error.details);
    return {
      statusCode: error.statusCode,
      body: { error: { code: error.code, message: error.message, ...(details ? { details } : {}) } },
      serverFault: false,
    };
  }
  const { statusCode, code, message } = error as Partial<FastifyError>;
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500 && code) {
    let text = FASTIFY_MESSAGES[code] ?? message ?? "bad request";
    if (code === "FST_ERR_CTP_BODY_TOO_LARGE")
      text = `the body is larger than the ${limits.bodyLimitBytes} bytes accepted`;
    if (code === "FST_ERR_MAX_PARAM_LENGTH")
      text = `a path parameter is longer than ${limits.maxParamLength} characters (an address has 42, a hash 66)`;
    return {
      statusCode,
      body: { error: { code: FASTIFY_CODES[code] ?? "BAD_REQUEST", message: text } },
      serverFault: false,
    };
  }
  return {
    statusCode: 500,
    body: { error: { code: ApiErrorCode.Internal, message: "internal error", details: { requestId } } },
    serverFault: true,
  };
}

/** Fastify error handler sending {@link errorResponse}; logs server faults with the error, client errors at debug. */
export function errorHandler(limits: ErrorLimits) {
  return function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): ErrorBody {
    const { statusCode, body, serverFault } = errorResponse(error, request.id, limits);
    if (serverFault) {
      request.log.error({ err: error, method: request.method, url: request.url }, "request failed");
    } else {
      request.log.debug({ statusCode, code: body.error.code, message: body.error.message }, "request refused");
    }
    void reply.code(statusCode);
    return body;
  };
}

/**
 * Fastify's `frameworkErrors`: router refusals (a malformed percent-encoding, an overlong path parameter) answered
 * like every other error instead of in Fastify's own shape, and without echoing the path.
 */
export function frameworkErrorHandler(limits: ErrorLimits) {
  const handleError = errorHandler(limits);
  return function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    void reply.send(handleError(error, request, reply));
  };
}

/** HTTP errors of the connection itself (before any route runs), by Node's error code. */
const CONNECTION_ERRORS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: "Request Timeout",
    code: "REQUEST_TIMEOUT",
    message: "the request was not received in time; send the whole request at once",
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    code: "HEADERS_TOO_LARGE",
    message: "the request line and headers are larger than the server accepts",
  },
};

/**
 * Fastify's `clientErrorHandler`: a connection-level refusal (request timeout, oversized headers, unparsable HTTP)
 * answered with a `{ error: { code, message } }` body, then the socket destroyed. Logged at debug: the fault is the
 * client's, and a flood of them must not flood the log.
 */
export function clientErrorHandler(log: { debug(object: object, message: string): void }) {
  return function handleClientError(error: Error & { code?: string }, socket: Duplex): void {
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const known = CONNECTION_ERRORS[error.code ?? ""];
    const { status, reason, code, message } = known ?? {
      status: 400,
      reason: "Bad Request",
      code: ApiErrorCode.InvalidRequest,
      message: "the request is not valid HTTP/1.1",
    };
    log.debug({ code: error.code, status }, "connection refused: client error");
    if (socket.writable) {
      const body = JSON.stringify({ error: { code, message } });
      socket.write(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}

/** Not-found handler: 404 `NOT_FOUND` naming the method and path. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): ErrorBody {
  void reply.code(404);
  const path = request.url.split("?")[0].slice(0, 200);
  return { error: { code: ApiErrorCode.NotFound, message: `no route ${request.method} ${path}` } };
}
