/**
 * Retries for transient RPC failures only. A revert, a nonce conflict or a bad argument is an answer, not an outage:
 * retrying it wastes time at best and double-sends at worst, so {@link withRetry} rethrows those at once.
 */
import pRetry, { AbortError } from "p-retry";

/** Node socket error codes of a connection that failed or dropped (worth another attempt). */
const TRANSIENT_SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** ethers v6 error codes that are an answer from the node or a local mistake: never retried. */
const PERMANENT_ETHERS_CODES = new Set([
  "CALL_EXCEPTION",
  "INSUFFICIENT_FUNDS",
  "NONCE_EXPIRED",
  "REPLACEMENT_UNDERPRICED",
  "TRANSACTION_REPLACED",
  "INVALID_ARGUMENT",
  "MISSING_ARGUMENT",
  "UNEXPECTED_ARGUMENT",
  "VALUE_MISMATCH",
  "NUMERIC_FAULT",
  "BAD_DATA",
  "BUFFER_OVERRUN",
  "UNSUPPORTED_OPERATION",
  "NOT_IMPLEMENTED",
  "UNCONFIGURED_NAME",
  "ACTION_REJECTED",
  "CANCELLED",
]);

/** HTTP statuses of an overloaded or restarting RPC endpoint. */
const TRANSIENT_HTTP_STATUSES = new Set([429, 502, 503, 504]);

/** JSON-RPC error codes of a rate-limited node (-32005: "limit exceeded"). */
const TRANSIENT_JSON_RPC_CODES = new Set([-32005]);

const PERMANENT_MESSAGE =
  /revert|nonce too low|nonce has already been used|nonce too high|insufficient funds|replacement transaction underpriced|already known|known transaction|invalid argument|invalid params|method not found|intrinsic gas too low|exceeds block gas limit/i;
const TRANSIENT_MESSAGE =
  /socket hang up|rate limit|too many requests|(?<!gas )limit exceeded|header not found|request timed out|timeout exceeded|network error|connection (?:refused|reset|closed)|bad gateway|service unavailable|gateway time-?out|server response (?:429|502|503|504)\b/i;

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Retries after the first attempt (default 5, so at most 6 attempts). */
  retries?: number;
  /** Delay before the first retry, in milliseconds (default 200); doubles each retry, with jitter. */
  minTimeoutMs?: number;
  /** Longest delay between two attempts, in milliseconds (default 5,000). */
  maxTimeoutMs?: number;
  /** Called before each retry with the transient error, the attempt that failed (1-based) and the retries left. */
  onRetry?: (error: unknown, attempt: number, retriesLeft: number) => void;
  /** Stops retrying (and rejects with the signal's reason) once aborted. */
  signal?: AbortSignal;
  /** Which errors are worth another attempt (default {@link isTransientRpcError}). */
  isTransient?: (error: unknown) => boolean;
}

/** The error itself followed by everything it wraps (`cause`, ethers' `error` and `info.error`), cycle-safe. */
function errorChain(error: unknown): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && chain.length < 16) {
    const item = pending.shift();
    if (item === null || typeof item !== "object" || chain.includes(item as Record<string, unknown>)) continue;
    const record = item as Record<string, unknown>;
    chain.push(record);
    const info = record.info as Record<string, unknown> | undefined;
    pending.push(record.cause, record.error, info?.error);
  }
  return chain;
}

/**
 * Every code and message in an error's chain (the error, its `cause`, ethers' `error` and `info.error`), joined by
 * " / ": what to match node answers such as "nonce too low" or "already known" against.
 */
export function errorText(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  return errorChain(error)
    .flatMap((link) => [link.code, link.shortMessage, link.message])
    .filter((part) => part !== undefined && part !== null && part !== "")
    .map(String)
    .join(" / ");
}

/** The HTTP status of an ethers SERVER_ERROR (`response.statusCode`) or of a plain `status` field, if any. */
function httpStatus(link: Record<string, unknown>): number | undefined {
  const response = link.response as { statusCode?: unknown } | undefined;
  const status = response?.statusCode ?? link.status ?? link.statusCode;
  return typeof status === "number" ? status : undefined;
}

/**
 * Whether an RPC call failed for a reason that another attempt may cure: the connection failed or dropped
 * (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EAI_AGAIN, "socket hang up"), ethers NETWORK_ERROR or TIMEOUT, an HTTP
 * 429/502/503/504 from the endpoint, a rate limit (JSON-RPC -32005 "limit exceeded"), or a load-balanced node that
 * has not seen the block yet ("header not found").
 *
 * False for everything else, notably reverts (CALL_EXCEPTION), nonce errors, insufficient funds, underpriced
 * replacements and invalid arguments: those are answers, and retrying them could send a transaction twice. When an
 * error carries both kinds of marker, the permanent one wins.
 *
 * @example
 * isTransientRpcError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" })); // true
 * isTransientRpcError(Object.assign(new Error("execution reverted"), { code: "CALL_EXCEPTION" })); // false
 */
export function isTransientRpcError(error: unknown): boolean {
  const chain = errorChain(error);
  let transient = false;
  for (const link of chain) {
    const code = link.code;
    const message = typeof link.message === "string" ? link.message : "";
    const status = httpStatus(link);
    if (typeof code === "string" && PERMANENT_ETHERS_CODES.has(code)) return false;
    if (PERMANENT_MESSAGE.test(message)) return false;
    if (
      typeof code === "string" &&
      (TRANSIENT_SOCKET_CODES.has(code) || code === "NETWORK_ERROR" || code === "TIMEOUT")
    ) {
      transient = true;
    }
    if (code === "SERVER_ERROR") {
      // A SERVER_ERROR without a status is a dropped response; with one, only overload statuses are transient.
      if (status === undefined || TRANSIENT_HTTP_STATUSES.has(status)) transient = true;
      else return false;
    } else if (status !== undefined && TRANSIENT_HTTP_STATUSES.has(status)) {
      transient = true;
    }
    if (typeof code === "number" && TRANSIENT_JSON_RPC_CODES.has(code)) transient = true;
    if (TRANSIENT_MESSAGE.test(message)) transient = true;
  }
  return transient;
}

/**
 * Runs `fn`, retrying it with exponential backoff (jittered, `minTimeoutMs` doubling up to `maxTimeoutMs`) while it
 * fails with a transient RPC error. A non-transient error is rethrown at once, unchanged; after the last retry the
 * last transient error is rethrown. Aborting `signal` stops at once with the signal's reason.
 *
 * @param fn The call; receives the attempt number (1-based). It may run several times: it must be idempotent
 *   (reads, or the broadcast of one signed transaction; never "sign and send a new transaction").
 * @example
 * const block = await withRetry(() => provider.getBlockNumber(), { signal });
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { retries = 5, minTimeoutMs = 200, maxTimeoutMs = 5_000, onRetry, signal } = options;
  const isTransient = options.isTransient ?? isTransientRpcError;
  signal?.throwIfAborted();
  return pRetry(
    async (attempt) => {
      try {
        return await fn(attempt);
      } catch (error) {
        if (isTransient(error)) throw error;
        // AbortError makes p-retry reject with the wrapped error itself, untouched.
        throw new AbortError(error instanceof Error ? error : new Error(String(error), { cause: error }));
      }
    },
    {
      retries,
      minTimeout: minTimeoutMs,
      maxTimeout: maxTimeoutMs,
      factor: 2,
      randomize: true,
      signal,
      onFailedAttempt: (error) => {
        if (error.retriesLeft > 0) onRetry?.(error, error.attemptNumber, error.retriesLeft);
      },
    },
  );
}
