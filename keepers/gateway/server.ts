/**
 * The gateway: a Fastify server in front of an {@link ExchangeApi} (DESIGN §10). HTTP routes under /v1 (./routes.ts),
 * the WebSocket feeds at /v1/ws (./stream.ts) and the OpenAPI document at /v1/openapi.json (./openapi.ts).
 *
 * Defences, so that one client's garbage or flood never hurts another: JSON bodies only (UTF-8, no duplicate keys),
 * at most `bodyLimitBytes`, received within `requestTimeoutMs`; every field validated (types never coerced in bodies,
 * uint ranges enforced, path and query integers decimal); a per-IP rate on the write routes checked before the body is
 * read (429 with Retry-After); WebSocket frames at most `maxWsPayloadBytes` (bigger: that socket closed with 1009), a
 * per-socket message rate (pings included), a subscription cap, a connection cap and slow-consumer eviction; errors,
 * Fastify's and Node's own included, answered as `{ error: { code, message, details } }` and unexpected ones logged,
 * never shown.
 *
 * Shutdown: {@link Gateway.stopIntake} refuses new writes with 503 while queries and feeds keep working;
 * {@link Gateway.close} then closes the feeds (1001) and the server, waiting for requests in flight.
 */
import websocket from "@fastify/websocket";
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type onRequestHookHandler,
} from "fastify";
import pino from "pino";
import WebSocket from "ws";
import { version as packageVersion } from "../../package.json";
import { ApiError, ApiErrorCode, type ExchangeApi } from "./api";
import { clientErrorHandler, errorHandler, frameworkErrorHandler, notFoundHandler } from "./errors";
import { registerStrictJsonParser } from "./jsonBody";
import { registerOpenApi, registerOpenApiRoute } from "./openapi";
import { KeyedRateLimiter, assertRateLimit, type RateLimit } from "./rateLimit";
import { registerRoutes, withTimeout } from "./routes";
import { errorResponses } from "./schemas";
import { CloseCode, StreamHub } from "./stream";
import { schemaErrorFormatter, validatorCompiler } from "./validation";

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** Interface to listen on, e.g. "127.0.0.1" or "0.0.0.0". */
  host: string;
  /** TCP port; 0 picks a free one (see the result of {@link Gateway.listen}). */
  port: number;
  /** A pino logger (keepers/core's); default: pino at info on stdout. */
  logger?: FastifyBaseLogger;
  /** Log every request and response (default false: only refusals at debug and failures at error). */
  logRequests?: boolean;
  /** Largest request body (default 64 KiB); bigger: 413. */
  bodyLimitBytes?: number;
  /** Largest WebSocket message a client may send (default 64 KiB); bigger: the socket is closed with 1009. */
  maxWsPayloadBytes?: number;
  /** Subscriptions per WebSocket (default 64). */
  maxSubscriptionsPerSocket?: number;
  /** Open WebSockets (default 10,000); more are closed with 1013. */
  maxWsConnections?: number;
  /** Unsent bytes a WebSocket may hold before it is dropped as a slow consumer (default 4 MiB). */
  maxWsBufferedBytes?: number;
  /** Messages per WebSocket (default 20/s, bursts of 40); over it the socket is closed with 1008. */
  wsMessageRate?: RateLimit;
  /** Write requests (orders, cancels) per client IP (default 100/s, bursts of 200), or false for none; over it 429. */
  writeRateLimit?: RateLimit | false;
  /** WebSocket heartbeat ping interval (default 30 s; 0 disables). */
  heartbeatIntervalMs?: number;
  /** Fastify `trustProxy`: whose X-Forwarded-For to believe for the client IP (default false). */
  trustProxy?: boolean | string | string[];
  /** `info.version` of the OpenAPI document (default: package.json's). */
  version?: string;
  /**
   * Longest wait for the exchange's asynchronous methods (default 10 s); past it the caller gets 503 `TIMEOUT` and
   * should query the order before retrying (the request may still take effect).
   */
  serviceTimeoutMs?: number;
  /**
   * Longest time a client may take to send one whole request, headers and body (default 30 s); past it the
   * connection gets 408 and is closed, so that slow senders cannot hold sockets open. WebSockets are not affected.
   */
  requestTimeoutMs?: number;
  /** Clock for the rate limits (ms; default Date.now). */
  now?: () => number;
}

/** Where a listening gateway can be reached. */
export interface GatewayAddress {
  /** `http://host:port`. */
  url: string;
  /** `ws://host:port/v1/ws`. */
  wsUrl: string;
  port: number;
}

/** A gateway built by {@link createGateway}. */
export interface Gateway {
  /** The Fastify instance (e.g. for `inject` or extra routes before {@link listen}). */
  readonly app: FastifyInstance;
  /** The WebSocket hub (connection and subscription counts for metrics). */
  readonly stream: StreamHub;
  /** Starts listening on the configured host and port. */
  listen(): Promise<GatewayAddress>;
  /** From now on the write routes answer 503 `STOPPING`; queries and feeds keep working. Idempotent. */
  stopIntake(): void;
  /** Whether {@link stopIntake} was called. */
  readonly intakeStopped: boolean;
  /** Stops intake, closes every WebSocket with 1001 and the server (after requests in flight). Idempotent. */
  close(): Promise<void>;
}

const KIB = 1024;
/** Longest path parameter routed (an address is 42 characters, a hash 66); longer: 414 `INVALID_REQUEST`. */
const MAX_PARAM_LENGTH = 100;

function positiveInteger(name: string, value: number, allowZero = false): number {
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(
      `gateway option ${name} must be a ${allowZero ? "non-negative" : "positive"} integer, got ${value}`,
    );
  }
  return value;
}

/**
 * Builds the gateway over `api`; nothing listens until {@link Gateway.listen}.
 *
 * @throws RangeError for an option out of range (named in the message).
 */
export function createGateway(api: ExchangeApi, options: GatewayOptions): Gateway {
  const now = options.now ?? Date.now;
  const bodyLimitBytes = positiveInteger("bodyLimitBytes", options.bodyLimitBytes ?? 64 * KIB);
  const maxWsPayloadBytes = positiveInteger("maxWsPayloadBytes", options.maxWsPayloadBytes ?? 64 * KIB);
  const wsMessageRate = options.wsMessageRate ?? { perSecond: 20, burst: 40 };
  assertRateLimit("wsMessageRate", wsMessageRate);
  const writeRateLimit = options.writeRateLimit ?? { perSecond: 100, burst: 200 };
  if (writeRateLimit !== false) assertRateLimit("writeRateLimit", writeRateLimit);
  const serviceTimeoutMs = positiveInteger("serviceTimeoutMs", options.serviceTimeoutMs ?? 10_000);
  const requestTimeoutMs = positiveInteger("requestTimeoutMs", options.requestTimeoutMs ?? 30_000);
  const errorLimits = { bodyLimitBytes, maxParamLength: MAX_PARAM_LENGTH };

  const logger = options.logger ?? pino({ level: "info" });
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    bodyLimit: bodyLimitBytes,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    trustProxy: options.trustProxy ?? false,
    schemaErrorFormatter,
    frameworkErrors: frameworkErrorHandler(errorLimits),
    clientErrorHandler: clientErrorHandler(logger),
    requestTimeout: requestTimeoutMs,
    // Node checks request timeouts every `connectionsCheckingInterval` (30 s by default): check often enough.
    http: {
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(requestTimeoutMs, 1_000),
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler(errorLimits));
  app.setNotFoundHandler(notFoundHandler);
  app.removeContentTypeParser("text/plain");
  registerStrictJsonParser(app);

  const stream = new StreamHub(
    api,
    {
      maxSubscriptionsPerSocket: positiveInteger("maxSubscriptionsPerSocket", options.maxSubscriptionsPerSocket ?? 64),
      maxConnections: positiveInteger("maxWsConnections", options.maxWsConnections ?? 10_000),
      maxBufferedBytes: positiveInteger("maxWsBufferedBytes", options.maxWsBufferedBytes ?? 4 * KIB * KIB),
      messageRate: wsMessageRate,
      heartbeatIntervalMs: positiveInteger("heartbeatIntervalMs", options.heartbeatIntervalMs ?? 30_000, true),
      now,
    },
    app.log,
  );
  stream.start();
  app.addHook("onClose", async () => stream.stop());

  let intakeStopped = false;
  const limiter = writeRateLimit === false ? undefined : new KeyedRateLimiter(writeRateLimit, now);
  const guardWrite: onRequestHookHandler = (request, reply, done) => {
    if (intakeStopped) {
      done(new ApiError(ApiErrorCode.Stopping, 503, "the exchange is shutting down and takes no orders or cancels"));
    } else if (limiter && !limiter.take(request.ip)) {
      void reply.header("retry-after", String(Math.max(1, Math.ceil(limiter.msUntilToken(request.ip) / 1000))));
      done(
        new ApiError(
          ApiErrorCode.RateLimited,
          429,
          `more than ${limiter.perSecond} orders and cancels per second; slow down`,
        ),
      );
    } else {
      done();
    }
  };

  registerOpenApi(app, options.version ?? packageVersion);
  void app.register(websocket, {
    options: { maxPayload: maxWsPayloadBytes, perMessageDeflate: false },
    errorHandler: (error, socket, request) => {
      // ws has already closed the socket with the matching code (1002, 1007, 1009) for a client's protocol error.
      const code = (error as { code?: unknown }).code;
      if (typeof code === "string" && code.startsWith("WS_ERR_")) {
        request.log.debug({ code, message: error.message }, "websocket closed: client protocol error");
      } else {
        request.log.warn({ err: error }, "websocket error");
      }
      if (socket.readyState === WebSocket.OPEN) socket.close(CloseCode.InternalError, "internal error");
    },
  });
  void app.register(async (instance) => {
    registerRoutes(instance, {
      api,
      guardWrite,
      within: (call) =>
        withTimeout(call, serviceTimeoutMs, (error) =>
          app.log.error({ err: error }, "exchange call failed after timeout"),
        ),
    });
    registerOpenApiRoute(instance);
    instance.route({
      method: "GET",
      url: "/v1/ws",
      schema: {
        tags: ["stream"],
        operationId: "stream",
        summary: "WebSocket feeds (upgrade)",
        description: STREAM_DESCRIPTION,
        response: errorResponses(426),
      },
      handler: async (_request, reply) => {
        void reply.code(426).header("upgrade", "websocket");
        return {
          error: {
            code: ApiErrorCode.UpgradeRequired,
            message: "GET /v1/ws is a WebSocket endpoint; connect with a WebSocket client",
          },
        };
      },
      wsHandler: (socket, request) => stream.accept(socket, request.log),
    });
  });

  let closing: Promise<void> | undefined;
  return {
    app,
    stream,
    async listen() {
      await app.listen({ host: options.host, port: options.port });
      const address = app.server.address();
      if (address === null || typeof address === "string") throw new Error(`unexpected server address ${address}`);
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return { url: `http://${host}:${address.port}`, wsUrl: `ws://${host}:${address.port}/v1/ws`, port: address.port };
    },
    stopIntake() {
      intakeStopped = true;
    },
    get intakeStopped() {
      return intakeStopped;
    },
    close() {
      intakeStopped = true;
      closing ??= (async () => {
        stream.stop();
        await app.close();
      })();
      return closing;
    },
  };
}

const STREAM_DESCRIPTION = [
  "Upgrade to a WebSocket. Client messages (JSON text frames, at most maxWsPayloadBytes):",
  '`{"op":"subscribe","channel":"book"|"trades"|"orders"|"mark"|"funding","marketId"?:n,"account"?:"0x…","depth"?:n,"id"?:…}`,',
  '`{"op":"unsubscribe",...same fields}`, `{"op":"ping"}`. book needs marketId; orders needs account; other',
  "channels without marketId cover every market. Replies: `subscribed`, `unsubscribed`, `pong`, or",
  '`{"type":"error","code","message"}` (the socket stays open). Pushes: `{"type":"snapshot","channel":"book",',
  '"marketId","data":<book>}` right after subscribing, then `{"type":"update","channel","marketId","account"?,"data"}`',
  "(book deltas carry sequence numbers above the snapshot's). Close codes: 1008 message rate exceeded, 1009 frame",
  "too big, 1013 too many connections, 1001 server shutting down. Plain HTTP GET: 426.",
].join("\n");
