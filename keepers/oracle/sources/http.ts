/**
 * The HTTP path every live price source shares: global `fetch` with a per-attempt timeout, the caller's AbortSignal,
 * and retries of transient failures only (a dropped connection, a timed-out attempt, HTTP 408/429/5xx) through
 * {@link withRetry}. A 4xx answer is an answer: it fails at once. Every failure reaches the caller as a
 * {@link PriceSourceError} naming the venue, except the caller's own abort, which rejects with the signal's reason.
 */
import { isTransientRpcError, withRetry } from "../../core/retry";
import { PriceSourceError } from "../types";

/** Transport options every adapter accepts (all optional; the defaults are for production). */
export interface HttpSourceOptions {
  /**
   * Replaces the venue's API origin (scheme, host, port and an optional path prefix), e.g. a local test server or a
   * proxy; the venue's own paths are appended to it.
   */
  baseUrl?: string;
  /** The fetch implementation (default the global `fetch`). */
  fetch?: typeof fetch;
  /** Longest wait for one attempt, response headers and body included, in ms (default 3,000). */
  timeoutMs?: number;
  /** Retries of a transient failure after the first attempt (default 2, so at most 3 attempts). */
  retries?: number;
  /** Delay before the first retry in ms (default 100); doubles each retry, with jitter, up to 1,000 ms. */
  retryMinDelayMs?: number;
  /** Called before each retry with the transient error and the attempt that failed (1-based): log or count it. */
  onRetry?: (error: unknown, attempt: number) => void;
  /** The clock stamped on quotes of venues that give no timestamp, in ms since the epoch (default `Date.now`). */
  now?: () => number;
}

/** One JSON request: a GET, or a POST of a JSON body. */
export interface JsonRequest {
  /** What the request fetches, for error messages (e.g. "spot book ticker BTCUSDT"). */
  what: string;
  url: URL;
  /** A POST body, serialised as JSON; a GET when absent. */
  body?: unknown;
  signal?: AbortSignal;
}

/** A parsed JSON response and when it arrived. */
export interface JsonResponse {
  body: unknown;
  /** When the whole body had arrived, from {@link HttpSourceOptions.now}, in ms since the epoch. */
  receivedAtMs: number;
}

const DEFAULT_TIMEOUT_MS = 3_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_MIN_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 1_000;
/** How much of an unexpected response body an error message quotes. */
const EXCERPT_CHARS = 200;

/** A non-2xx answer; its body excerpt usually says why (e.g. Binance's `{"code":-1121,"msg":"Invalid symbol."}`). */
export class HttpStatusError extends Error {
  override readonly name = "HttpStatusError";
  constructor(
    readonly status: number,
    readonly bodyExcerpt: string,
  ) {
    super(`HTTP ${status}${bodyExcerpt === "" ? "" : `: ${bodyExcerpt}`}`);
  }
}

/** One attempt that had no complete response within the timeout (its request was aborted). */
export class AttemptTimeoutError extends Error {
  override readonly name = "AttemptTimeoutError";
  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`no complete response within ${timeoutMs} ms (request aborted)`, options);
  }
}

/**
 * Whether another attempt may cure a failed request: a timed-out attempt, HTTP 408, 429 or 5xx other than 501, or a
 * connection that failed or dropped (the socket codes {@link isTransientRpcError} knows, found in undici's
 * `fetch failed` cause chain). False for every other HTTP status and for anything else.
 */
export function isTransientHttpFailure(error: unknown): boolean {
  if (error instanceof HttpStatusError) {
    return error.status === 408 || error.status === 429 || (error.status >= 500 && error.status !== 501);
  }
  if (error instanceof AttemptTimeoutError) return true;
  return isTransientRpcError(error);
}

/** `text` on one line, cut to {@link EXCERPT_CHARS} characters. */
export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line;
}

/** `path` (starting with "/") appended to `baseUrl` (without doubling the slash), as a URL. */
export function venueUrl(baseUrl: string, path: string, query: Record<string, string> = {}): URL {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}${path}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url;
}

/** The HTTP client of one venue: requests JSON with the timeout, retry and error policy of this module. */
export class VenueHttp {
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryMinDelayMs: number;
  private readonly onRetry?: (error: unknown, attempt: number) => void;
  /** The clock of {@link JsonResponse.receivedAtMs}. */
  readonly now: () => number;

  constructor(
    readonly venue: string,
    options: HttpSourceOptions = {},
  ) {
    this.fetchFn = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.retryMinDelayMs = options.retryMinDelayMs ?? DEFAULT_RETRY_MIN_DELAY_MS;
    this.onRetry = options.onRetry;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new RangeError(`${venue}: timeoutMs must be a positive integer, got ${this.timeoutMs}`);
    }
    if (!Number.isInteger(this.retries) || this.retries < 0) {
      throw new RangeError(`${venue}: retries must be a non-negative integer, got ${this.retries}`);
    }
  }

  /**
   * Sends `request` (retrying transient failures) and parses the 2xx body as JSON.
   * @throws PriceSourceError naming the venue, the request and the attempts on an HTTP error, a timeout, a network
   *   failure or a body that is not JSON; the signal's reason, unchanged, when the caller aborts.
   */
  async requestJson(request: JsonRequest): Promise<JsonResponse> {
    const { signal } = request;
    const method = request.body === undefined ? "GET" : "POST";
    const target = `${method} ${request.url.href}`;
    let attempts = 0;
    let text: string;
    try {
      text = await withRetry(
        (attempt) => {
          attempts = attempt;
          return this.attempt(request, method);
        },
        {
          retries: this.retries,
          minTimeoutMs: this.retryMinDelayMs,
          maxTimeoutMs: Math.max(this.retryMinDelayMs, RETRY_MAX_DELAY_MS),
          isTransient: isTransientHttpFailure,
          onRetry: this.onRetry,
          signal,
        },
      );
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
      throw new PriceSourceError(this.venue, `${request.what}: ${target} failed after ${tries}: ${describe(error)}`, {
        cause: error,
      });
    }
    const receivedAtMs = this.now();
    try {
      return { body: JSON.parse(text) as unknown, receivedAtMs };
    } catch (error) {
      throw new PriceSourceError(this.venue, `${request.what}: ${target} answered non-JSON: ${excerpt(text)}`, {
        cause: error,
      });
    }
  }

  /** One attempt: the body text of a 2xx answer, or a classified error. */
  private async attempt(request: JsonRequest, method: "GET" | "POST"): Promise<string> {
    const { signal } = request;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const attemptSignal = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let status: number;
    let text: string;
    try {
      const response = await this.fetchFn(request.url, {
        method,
        headers:
          method === "POST"
            ? { accept: "application/json", "content-type": "application/json" }
            : { accept: "application/json" },
        body: method === "POST" ? JSON.stringify(request.body) : undefined,
        signal: attemptSignal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new AttemptTimeoutError(this.timeoutMs, { cause: error });
      throw error;
    }
    if (status < 200 || status > 299) throw new HttpStatusError(status, excerpt(text));
    return text;
  }
}

/** The message of an error and of its first cause (undici hides the socket error behind "fetch failed"). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error && !error.message.includes(cause.message)) return `${error.message} (${cause.message})`;
  return error.message;
}
