/**
 * The WebSocket side of the gateway (GET /v1/ws): channel subscriptions and the fan-out of the exchange's events.
 *
 * One listener per event type sits on {@link ExchangeApi.events}; it encodes each event once and sends the frame to
 * the sockets subscribed to its key. Per socket: at most `maxSubscriptions` subscriptions, a message-rate bucket that
 * the client's pings also draw on (a socket over it is closed with 1008), a cap on unsent bytes (a consumer that falls that far behind is
 * disconnected so that it cannot hold the gateway's memory), and a heartbeat ping (a socket that misses one is
 * dropped). Frames larger than the payload limit are refused by `ws` itself, which closes that socket with 1009.
 * Closing a socket removes all of its subscriptions; {@link StreamHub.stop} removes the event listeners.
 *
 * Protocol (see README.md): the client sends `{"op":"subscribe"|"unsubscribe","channel",...}` or `{"op":"ping"}`,
 * optionally with an `id` echoed in the reply; the server answers `subscribed`, `unsubscribed`, `pong` or `error`, and
 * pushes `snapshot` (book, on subscribe) and `update` messages.
 */
import type { FastifyBaseLogger } from "fastify";
import WebSocket, { type RawData } from "ws";
import type { BookDelta } from "../matcher/types";
import { ApiError, ApiErrorCode, type ExchangeApi, type ExchangeEvents } from "./api";
import { duplicateKeyMessage, findDuplicateKey } from "./jsonBody";
import { TokenBucket, type RateLimit } from "./rateLimit";
import { DEFAULT_BOOK_DEPTH, clientMessageSchema, type Channel } from "./schemas";
import { compileStrict, describeValidationError } from "./validation";
import { fromWire, toWire } from "./wire";

/** A message from a client, after validation and decoding (`account` checksummed). */
export interface ClientMessage {
  op: "subscribe" | "unsubscribe" | "ping";
  channel?: Channel;
  marketId?: number;
  account?: string;
  depth?: number;
  id?: string | number;
}

/** Limits of {@link StreamHub}. */
export interface StreamOptions {
  maxSubscriptionsPerSocket: number;
  maxConnections: number;
  /** A socket with more unsent bytes than this is disconnected (a slow consumer). */
  maxBufferedBytes: number;
  /** Messages a socket may send; over it the socket is closed with 1008. */
  messageRate: RateLimit;
  /** Interval of the ping that detects dead peers (ms); 0 disables it. */
  heartbeatIntervalMs: number;
  now: () => number;
}

/** WebSocket close codes the hub uses. */
export const CloseCode = {
  GoingAway: 1001,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  InternalError: 1011,
  TryAgainLater: 1013,
} as const;

/** How long {@link StreamHub.stop} waits for peers to answer the close handshake before cutting them off (ms). */
const CLOSE_GRACE_MS = 1_000;

class Connection {
  readonly keys = new Set<string>();
  alive = true;

  constructor(
    readonly socket: WebSocket,
    readonly bucket: TokenBucket,
    readonly log: FastifyBaseLogger,
  ) {}
}

/** The key of a subscription: channel, market (`*` for all) and account (orders channel). */
function subscriptionKey(channel: Channel, marketId: number | undefined, account?: string): string {
  return `${channel}|${marketId ?? "*"}|${account?.toLowerCase() ?? ""}`;
}

/** Thrown inside message handling for a request the hub refuses; answered as an `error` message. */
class StreamError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Subscriptions, fan-out and socket hygiene of the WebSocket endpoint. */
export class StreamHub {
  private readonly subscribers = new Map<string, Set<Connection>>();
  private readonly connections = new Set<Connection>();
  private readonly validate = compileStrict<ClientMessage>(clientMessageSchema);
  private heartbeat?: NodeJS.Timeout;
  private started = false;

  private readonly onBook = this.guard("book", (delta: BookDelta) => {
    this.publish([subscriptionKey("book", delta.marketId)], "book", delta.marketId, undefined, delta);
  });
  private readonly onTrade = this.guard("trade", (trade: ExchangeEvents["trade"][0]) => {
    this.publish(this.marketKeys("trades", trade.marketId), "trades", trade.marketId, undefined, trade);
  });
  private readonly onOrder = this.guard("order", (order: ExchangeEvents["order"][0]) => {
    const keys = [
      subscriptionKey("orders", order.marketId, order.account),
      subscriptionKey("orders", undefined, order.account),
    ];
    this.publish(keys, "orders", order.marketId, order.account, order);
  });
  private readonly onMark = this.guard("mark", (mark: ExchangeEvents["mark"][0]) => {
    this.publish(this.marketKeys("mark", mark.marketId), "mark", mark.marketId, undefined, mark);
  });
  private readonly onFunding = this.guard("funding", (funding: ExchangeEvents["funding"][0]) => {
    this.publish(this.marketKeys("funding", funding.marketId), "funding", funding.marketId, undefined, funding);
  });

  constructor(
    private readonly api: ExchangeApi,
    private readonly options: StreamOptions,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Number of open sockets. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Number of (socket, subscription) pairs in the fan-out index. */
  get subscriptionCount(): number {
    let count = 0;
    for (const sockets of this.subscribers.values()) count += sockets.size;
    return count;
  }

  /** Attaches the event listeners and starts the heartbeat. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const events = this.api.events;
    events.on("book", this.onBook);
    events.on("trade", this.onTrade);
    events.on("order", this.onOrder);
    events.on("mark", this.onMark);
    events.on("funding", this.onFunding);
    if (this.options.heartbeatIntervalMs > 0) {
      this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
      this.heartbeat.unref();
    }
  }

  /**
   * Removes the event listeners, stops the heartbeat and closes every socket with 1001 (going away); a socket still
   * open a second later is terminated.
   */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    const events = this.api.events;
    events.off("book", this.onBook);
    events.off("trade", this.onTrade);
    events.off("order", this.onOrder);
    events.off("mark", this.onMark);
    events.off("funding", this.onFunding);
    clearInterval(this.heartbeat);
    for (const connection of this.connections) connection.socket.close(CloseCode.GoingAway, "server shutting down");
    // A peer that does not answer the close handshake is cut off rather than waited for (ws would wait 30 s).
    const cutOff = setTimeout(() => {
      for (const connection of this.connections) connection.socket.terminate();
    }, CLOSE_GRACE_MS);
    cutOff.unref();
  }

  /** Takes over a freshly upgraded socket. */
  accept(socket: WebSocket, log: FastifyBaseLogger): void {
    if (!this.started) {
      socket.close(CloseCode.GoingAway, "server shutting down");
      return;
    }
    if (this.connections.size >= this.options.maxConnections) {
      log.warn({ connections: this.connections.size }, "websocket refused: too many connections");
      socket.close(CloseCode.TryAgainLater, "too many connections");
      return;
    }
    const connection = new Connection(socket, new TokenBucket(this.options.messageRate, this.options.now), log);
    this.connections.add(connection);
    socket.on("message", (data, isBinary) => this.onMessage(connection, data, isBinary));
    // A client's pings are answered by ws itself: they count against the message rate, or a client that never
    // reads could make the server queue pongs without end.
    socket.on("ping", () => this.takeMessageToken(connection));
    socket.on("pong", () => (connection.alive = true));
    socket.on("close", () => this.drop(connection));
  }

  private drop(connection: Connection): void {
    for (const key of connection.keys) this.removeSubscriber(key, connection);
    connection.keys.clear();
    this.connections.delete(connection);
  }

  private beat(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.log.info("websocket dropped: no pong to the last heartbeat");
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  /** Takes one token of the socket's message rate; over it, closes the socket with 1008 and answers false. */
  private takeMessageToken(connection: Connection): boolean {
    if (connection.bucket.take()) return true;
    if (connection.socket.readyState === WebSocket.OPEN) {
      connection.log.warn("websocket closed: message rate exceeded");
      connection.socket.close(CloseCode.PolicyViolation, "message rate exceeded");
    }
    return false;
  }

  private onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    if (!this.takeMessageToken(connection)) return;
    let parsed: unknown;
    try {
      if (isBinary) throw new StreamError(ApiErrorCode.InvalidRequest, "send JSON messages as text frames");
      const text = rawText(data);
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new StreamError("INVALID_JSON", "the message is not valid JSON");
      }
      const duplicate = findDuplicateKey(text);
      if (duplicate)
        throw new StreamError(ApiErrorCode.InvalidRequest, duplicateKeyMessage("message", duplicate).message);
      if (!this.validate(parsed)) {
        const [first] = this.validate.errors ?? [];
        const message = first ? describeValidationError(first, "message").message : "the message is invalid";
        throw new StreamError(ApiErrorCode.InvalidRequest, message);
      }
      this.handle(connection, fromWire<ClientMessage>(clientMessageSchema, parsed));
    } catch (error) {
      this.replyError(connection, error, echoableId(parsed));
    }
  }

  private handle(connection: Connection, message: ClientMessage): void {
    const id = message.id === undefined ? {} : { id: message.id };
    if (message.op === "ping") {
      this.send(connection, JSON.stringify({ type: "pong", ...id }));
      return;
    }
    const channel = message.channel;
    if (!channel) throw new StreamError(ApiErrorCode.InvalidRequest, `message.channel is required to ${message.op}`);
    if (channel === "book" && message.marketId === undefined) {
      throw new StreamError(ApiErrorCode.InvalidRequest, "message.marketId is required for the book channel");
    }
    if (channel === "orders" && message.account === undefined) {
      throw new StreamError(ApiErrorCode.InvalidRequest, "message.account is required for the orders channel");
    }
    if (channel !== "orders" && message.account !== undefined) {
      throw new StreamError(ApiErrorCode.InvalidRequest, "message.account applies to the orders channel only");
    }
    if (channel !== "book" && message.depth !== undefined) {
      throw new StreamError(ApiErrorCode.InvalidRequest, "message.depth applies to the book channel only");
    }
    const key = subscriptionKey(channel, message.marketId, message.account);
    const echo = {
      ...id,
      channel,
      ...(message.marketId === undefined ? {} : { marketId: message.marketId }),
      ...(message.account === undefined ? {} : { account: message.account }),
    };
    if (message.op === "unsubscribe") {
      if (!connection.keys.delete(key)) {
        throw new StreamError(ApiErrorCode.NotFound, `not subscribed to ${describeKey(echo)}`);
      }
      this.removeSubscriber(key, connection);
      this.send(connection, JSON.stringify({ type: "unsubscribed", ...echo }));
      return;
    }
    this.subscribe(connection, key, message, echo);
  }

  private subscribe(connection: Connection, key: string, message: ClientMessage, echo: object): void {
    if (!connection.keys.has(key) && connection.keys.size >= this.options.maxSubscriptionsPerSocket) {
      throw new StreamError(
        ApiErrorCode.RateLimited,
        `at most ${this.options.maxSubscriptionsPerSocket} subscriptions per connection; unsubscribe first`,
      );
    }
    // The book call doubles as the check that the market exists (ApiError 404 otherwise), and is synchronous: no
    // delta can be emitted between the snapshot and the subscription, so deltas continue the snapshot's sequence.
    const depth = message.channel === "book" ? (message.depth ?? DEFAULT_BOOK_DEPTH) : 1;
    const snapshot = message.marketId === undefined ? undefined : this.api.book(message.marketId, depth);
    connection.keys.add(key);
    let set = this.subscribers.get(key);
    if (!set) this.subscribers.set(key, (set = new Set()));
    set.add(connection);
    this.send(connection, JSON.stringify({ type: "subscribed", ...echo }));
    if (message.channel === "book" && snapshot) {
      const data = toWire(snapshot);
      this.send(connection, JSON.stringify({ type: "snapshot", channel: "book", marketId: snapshot.marketId, data }));
    }
  }

  private removeSubscriber(key: string, connection: Connection): void {
    const set = this.subscribers.get(key);
    if (!set) return;
    set.delete(connection);
    if (set.size === 0) this.subscribers.delete(key);
  }

  private replyError(connection: Connection, error: unknown, id: string | number | undefined): void {
    let code: string = ApiErrorCode.Internal;
    let message = "internal error";
    if (error instanceof StreamError || error instanceof ApiError) {
      ({ code, message } = error);
    } else {
      connection.log.error({ err: error }, "websocket message failed");
    }
    this.send(connection, JSON.stringify({ type: "error", ...(id === undefined ? {} : { id }), code, message }));
  }

  private marketKeys(channel: Channel, marketId: number): string[] {
    return [subscriptionKey(channel, marketId), subscriptionKey(channel, undefined)];
  }

  /** Sends one `update` frame to every socket subscribed to any of `keys` (once per socket). */
  private publish(keys: string[], channel: Channel, marketId: number, account: string | undefined, data: unknown) {
    const recipients = new Set<Connection>();
    for (const key of keys) for (const connection of this.subscribers.get(key) ?? []) recipients.add(connection);
    if (recipients.size === 0) return;
    const frame = Buffer.from(
      JSON.stringify({
        type: "update",
        channel,
        marketId,
        ...(account === undefined ? {} : { account }),
        data: toWire(data),
      }),
    );
    for (const connection of recipients) this.send(connection, frame);
  }

  private send(connection: Connection, frame: string | Buffer): void {
    const socket = connection.socket;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      connection.log.warn({ bufferedBytes: socket.bufferedAmount }, "websocket dropped: slow consumer");
      socket.terminate();
      return;
    }
    socket.send(frame, { binary: false });
  }

  /** Wraps an event listener so that nothing it throws reaches the emitter (the matching engine). */
  private guard<A extends unknown[]>(event: string, listener: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        listener(...args);
      } catch (error) {
        this.log.error({ err: error, event }, "websocket fan-out failed");
      }
    };
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  return Buffer.from(data).toString("utf8");
}

/** The `id` of a message, when it is one the protocol echoes (even if the rest of the message was invalid). */
function echoableId(parsed: unknown): string | number | undefined {
  if (parsed === null || typeof parsed !== "object" || !("id" in parsed)) return undefined;
  const id = (parsed as { id: unknown }).id;
  if (typeof id === "string" && id.length <= 64) return id;
  if (typeof id === "number" && Number.isSafeInteger(id) && id >= 0) return id;
  return undefined;
}

function describeKey(echo: { channel?: string; marketId?: number; account?: string }): string {
  return [
    echo.channel,
    echo.marketId === undefined ? "" : ` market ${echo.marketId}`,
    echo.account ? ` ${echo.account}` : "",
  ].join("");
}
