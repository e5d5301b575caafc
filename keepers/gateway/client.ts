/**
 * A small typed client of the gateway for SDK users, simulated traders and tests: {@link GatewayClient} over HTTP
 * (fetch) and {@link GatewayStream} over WebSocket (`ws`). Both speak the service's types (./api.ts): bigints go out
 * as decimal strings and come back as bigints, decoded with the same schemas the gateway validates with.
 *
 * @example
 * const client = new GatewayClient("http://127.0.0.1:8080");
 * const { order, fills } = await client.placeOrder({ order, signature: await signOrder(wallet, domain, order) });
 * const stream = await GatewayStream.connect("ws://127.0.0.1:8080/v1/ws");
 * await stream.subscribe({ channel: "book", marketId: 1 });
 * const snapshot = await stream.next((m) => m.type === "snapshot");
 */
import WebSocket from "ws";
import type { BookDelta, BookSnapshot, ImpactPrices } from "../matcher/types";
import type { SignedOrder } from "../sdk/batch";
import type { CancelAllRequest, CancelOrderRequest, ScheduleCancelRequest } from "../sdk/cancels";
import type { LiquidationRequest } from "../sdk/liquidations";
import type {
  AccountView,
  FundingUpdate,
  LiquidationTicket,
  MarketView,
  MarkUpdate,
  OrderView,
  OrdersFilter,
  PlaceOrderResult,
  ScheduledCancel,
  TradeView,
} from "./api";
import {
  accountViewSchema,
  arrayOf,
  bookSnapshotSchema,
  impactPricesSchema,
  channelDataSchemas,
  liquidationStatusSchema,
  liquidationTicketSchema,
  marketViewSchema,
  object,
  orderViewSchema,
  placeOrderResultSchema,
  scheduledCancelSchema,
  tradeViewSchema,
  type Channel,
  type JsonSchema,
} from "./schemas";
import { fromWire, toWire } from "./wire";

/** The gateway answered with an error status; `code`, `message` and `details` are its `{ error }` body. */
export class GatewayRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "GatewayRequestError";
  }
}

/** The request never got an answer (connection refused, reset, or the client's timeout); `cause` says why. */
export class GatewayTransportError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "GatewayTransportError";
  }
}

/** Options of {@link GatewayClient}. */
export interface GatewayClientOptions {
  /** Per-request timeout (ms, default 10,000). */
  timeoutMs?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

const ordersResponse = object({ orders: arrayOf(orderViewSchema) });
const confirmResponse = liquidationStatusSchema(["landed", "released"]);
const releaseResponse = liquidationStatusSchema(["released"]);

/** HTTP client of the gateway's /v1 routes. Every method throws {@link GatewayRequestError} for an error status. */
export class GatewayClient {
  private readonly baseUrl: string;

  /** @param baseUrl e.g. `http://127.0.0.1:8080` (no /v1). */
  constructor(
    baseUrl: string,
    private readonly options: GatewayClientOptions = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** POST /v1/orders: places a signed order. */
  async placeOrder(signed: SignedOrder): Promise<PlaceOrderResult> {
    const body = { order: signed.order, signature: signed.signature };
    return this.request("POST", "/v1/orders", placeOrderResultSchema, body);
  }

  /** POST /v1/cancel: cancels one order with a signed `CancelOrder`. */
  async cancelOrder(request: CancelOrderRequest, signature: string): Promise<OrderView> {
    const schema = object({ order: orderViewSchema });
    return (await this.request<{ order: OrderView }>("POST", "/v1/cancel", schema, { request, signature })).order;
  }

  /** POST /v1/cancel-all: cancels every resting order with a signed `CancelAll`; returns them. */
  async cancelAll(request: CancelAllRequest, signature: string): Promise<OrderView[]> {
    const schema = object({ cancelled: arrayOf(orderViewSchema) });
    const body = { request, signature };
    return (await this.request<{ cancelled: OrderView[] }>("POST", "/v1/cancel-all", schema, body)).cancelled;
  }

  /** POST /v1/schedule-cancel: sets, moves or clears the dead-man switch with a signed `ScheduleCancel`. */
  async scheduleCancel(request: ScheduleCancelRequest, signature: string): Promise<ScheduledCancel> {
    return this.request("POST", "/v1/schedule-cancel", scheduledCancelSchema, { request, signature });
  }

  /**
   * POST /v1/liquidations: reserves resting maker liquidity for a book liquidation with a `LiquidationRequest` signed
   * by a `LIQUIDATOR_ROLE` key (keepers/sdk/liquidations.ts). The ticket's orders, signatures and fills are
   * `liquidateOnBook`'s arguments (`liquidateOnBookArgs`); its fills are empty when the book cannot absorb anything.
   */
  async reserveLiquidation(request: LiquidationRequest, signature: string): Promise<LiquidationTicket> {
    return this.request("POST", "/v1/liquidations", liquidationTicketSchema, { request, signature });
  }

  /**
   * POST /v1/liquidations/:ticketId/landed: reports the ticket's `liquidateOnBook` transaction. Throws
   * GatewayRequestError 409 `CONFLICT` while it is not mined (retry).
   */
  async confirmLiquidation(ticketId: string, txHash: string): Promise<{ status: "landed" | "released" }> {
    return this.request("POST", `/v1/liquidations/${ticketId}/landed`, confirmResponse, { txHash });
  }

  /**
   * POST /v1/liquidations/:ticketId/release: gives the ticket's liquidity back; `culpritMakerHash` (the maker order
   * that made the chain refuse the liquidation) is cancelled instead.
   */
  async releaseLiquidation(ticketId: string, culpritMakerHash?: string): Promise<{ status: "released" }> {
    const body = culpritMakerHash === undefined ? {} : { culpritMakerHash };
    return this.request("POST", `/v1/liquidations/${ticketId}/release`, releaseResponse, body);
  }

  /** GET /v1/markets. */
  async markets(): Promise<MarketView[]> {
    const schema = object({ markets: arrayOf(marketViewSchema) });
    return (await this.request<{ markets: MarketView[] }>("GET", "/v1/markets", schema)).markets;
  }

  /** GET /v1/markets/:marketId/book (`depth` levels per side; the gateway's default when omitted). */
  async book(marketId: number, depth?: number): Promise<BookSnapshot> {
    return this.request("GET", `/v1/markets/${marketId}/book${query({ depth })}`, bookSnapshotSchema);
  }

  /** GET /v1/markets/:marketId/impact: impact bid and ask for a market order of `notionalWad` USD (wad). */
  async impactPrices(marketId: number, notionalWad: bigint): Promise<ImpactPrices> {
    const path = `/v1/markets/${marketId}/impact${query({ notionalWad: notionalWad.toString() })}`;
    return this.request("GET", path, impactPricesSchema);
  }

  /** GET /v1/markets/:marketId/trades, most recent first. */
  async trades(marketId: number, limit?: number): Promise<TradeView[]> {
    const schema = object({ trades: arrayOf(tradeViewSchema) });
    const path = `/v1/markets/${marketId}/trades${query({ limit })}`;
    return (await this.request<{ trades: TradeView[] }>("GET", path, schema)).trades;
  }

  /** GET /v1/accounts/:account. */
  async account(address: string): Promise<AccountView> {
    return this.request("GET", `/v1/accounts/${address}`, accountViewSchema);
  }

  /** GET /v1/accounts/:account/orders. */
  async orders(account: string, filter: OrdersFilter = {}): Promise<OrderView[]> {
    const path = `/v1/accounts/${account}/orders${query({ ...filter })}`;
    return (await this.request<{ orders: OrderView[] }>("GET", path, ordersResponse)).orders;
  }

  /** GET /v1/orders/:hash; undefined when the gateway answers 404. */
  async order(hash: string): Promise<OrderView | undefined> {
    try {
      return await this.request<OrderView>("GET", `/v1/orders/${hash}`, orderViewSchema);
    } catch (error) {
      if (error instanceof GatewayRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** GET /v1/openapi.json. */
  async openApi(): Promise<Record<string, unknown>> {
    return this.request("GET", "/v1/openapi.json", { type: "object" });
  }

  /**
   * One request: `body` (if any) encoded with bigints as strings, the answer decoded with `schema`.
   *
   * @throws GatewayRequestError for a status ≥ 400; GatewayTransportError when no answer came.
   */
  async request<T>(method: "GET" | "POST", path: string, schema: JsonSchema, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...this.options.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(toWire(body)) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new GatewayTransportError(`${method} ${path} got no answer: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    const json = parseJson(text);
    if (!response.ok) {
      const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
      throw new GatewayRequestError(
        response.status,
        typeof error?.code === "string" ? error.code : `HTTP_${response.status}`,
        typeof error?.message === "string"
          ? error.message
          : `${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`,
        error?.details as Record<string, unknown> | undefined,
      );
    }
    if (json === undefined)
      throw new GatewayRequestError(response.status, "MALFORMED_RESPONSE", `${method} ${path}: not JSON`);
    return fromWire<T>(schema, json);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  return entries.length === 0 ? "" : `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}`;
}

/* WEBSOCKET */

/** What to subscribe to (or unsubscribe from). */
export type Subscription =
  | { channel: "book"; marketId: number; depth?: number }
  | { channel: "trades" | "mark" | "funding"; marketId?: number }
  | { channel: "orders"; account: string; marketId?: number };

/** A message from the gateway, decoded (bigints, see ./api.ts). */
export type StreamMessage =
  | { type: "subscribed" | "unsubscribed"; id?: string | number; channel: Channel; marketId?: number; account?: string }
  | { type: "pong"; id?: string | number }
  | { type: "error"; id?: string | number; code: string; message: string }
  | { type: "snapshot"; channel: "book"; marketId: number; data: BookSnapshot }
  | { type: "update"; channel: "book"; marketId: number; data: BookDelta }
  | { type: "update"; channel: "trades"; marketId: number; data: TradeView }
  | { type: "update"; channel: "orders"; marketId: number; account: string; data: OrderView }
  | { type: "update"; channel: "mark"; marketId: number; data: MarkUpdate }
  | { type: "update"; channel: "funding"; marketId: number; data: FundingUpdate };

/** How a socket closed. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** The gateway refused a stream request (`error` reply), or the socket closed before it answered. */
export class GatewayStreamError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "GatewayStreamError";
  }
}

interface Waiter {
  filter: (message: StreamMessage) => boolean;
  resolve: (message: StreamMessage) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Messages kept for {@link GatewayStream.next} before the oldest are dropped. */
const MAX_QUEUED = 10_000;

/**
 * A WebSocket connection to GET /v1/ws. Requests (`subscribe`, `unsubscribe`, `ping`) carry an id and resolve on the
 * reply with that id; every other message is queued (at most 10,000, oldest dropped) for {@link next}.
 */
export class GatewayStream {
  /** Resolves when the socket has closed. */
  readonly closed: Promise<CloseInfo>;
  private readonly queue: StreamMessage[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly pending = new Map<number, Waiter>();
  private nextId = 1;
  private closeInfo?: CloseInfo;

  private constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        const error = new GatewayStreamError("CLOSED", `socket closed (${code} ${this.closeInfo.reason})`);
        for (const waiter of [...this.waiters, ...this.pending.values()]) this.settle(waiter, error);
        resolve(this.closeInfo);
      });
    });
    socket.on("message", (data) => this.receive(data.toString()));
  }

  /** Opens a socket to `url` (e.g. `ws://127.0.0.1:8080/v1/ws`). Rejects if the upgrade fails. */
  static connect(url: string): Promise<GatewayStream> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      const stream = new GatewayStream(socket);
      socket.once("open", () => resolve(stream));
      socket.on("error", (error) => {
        if (socket.readyState === WebSocket.CONNECTING) reject(error);
      });
    });
  }

  /** Whether the socket is open. */
  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Subscribes; resolves on `subscribed`. A book subscription's snapshot follows in the queue. */
  async subscribe(subscription: Subscription, timeoutMs = 5_000): Promise<void> {
    await this.call({ op: "subscribe", ...subscription }, timeoutMs);
  }

  /** Unsubscribes; resolves on `unsubscribed`. */
  async unsubscribe(subscription: Subscription, timeoutMs = 5_000): Promise<void> {
    await this.call({ op: "unsubscribe", ...subscription }, timeoutMs);
  }

  /** Round trip; resolves on `pong`. */
  async ping(timeoutMs = 5_000): Promise<void> {
    await this.call({ op: "ping" }, timeoutMs);
  }

  /** Sends a raw frame as is (text for a string, binary for a Buffer), e.g. to test the gateway's defences. */
  send(frame: string | Buffer): void {
    this.socket.send(frame, { binary: Buffer.isBuffer(frame) });
  }

  /**
   * The first queued or future message that passes `filter` (default: any), removed from the queue; other messages
   * stay queued.
   *
   * @throws GatewayStreamError `TIMEOUT` after `timeoutMs`, `CLOSED` if the socket closes first.
   */
  next<T extends StreamMessage = StreamMessage>(
    filter: (message: StreamMessage) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<T> {
    const index = this.queue.findIndex(filter);
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0] as T);
    if (this.closeInfo) return Promise.reject(this.closedError());
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        filter,
        resolve: (message) => resolve(message as T),
        reject,
        timer: setTimeout(() => {
          this.settle(waiter, new GatewayStreamError("TIMEOUT", `no matching message within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Every queued message, removed from the queue. */
  drain(): StreamMessage[] {
    return this.queue.splice(0, this.queue.length);
  }

  /** Closes the socket (code 1000 by default) and resolves with how it closed. */
  close(code = 1000, reason = ""): Promise<CloseInfo> {
    if (this.socket.readyState === WebSocket.CONNECTING || this.socket.readyState === WebSocket.OPEN) {
      this.socket.close(code, reason);
    }
    return this.closed;
  }

  private closedError(): GatewayStreamError {
    return new GatewayStreamError("CLOSED", `socket closed (${this.closeInfo?.code} ${this.closeInfo?.reason})`);
  }

  private call(message: Record<string, unknown>, timeoutMs: number): Promise<StreamMessage> {
    if (this.closeInfo) return Promise.reject(this.closedError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        filter: () => true,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.settle(
            waiter,
            new GatewayStreamError("TIMEOUT", `no reply to ${String(message.op)} within ${timeoutMs} ms`),
          );
        }, timeoutMs),
      };
      this.pending.set(id, waiter);
      this.socket.send(JSON.stringify({ ...message, id }));
    });
  }

  private settle(waiter: Waiter, outcome: StreamMessage | Error): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    for (const [id, pending] of this.pending) if (pending === waiter) this.pending.delete(id);
    if (outcome instanceof Error) waiter.reject(outcome);
    else waiter.resolve(outcome);
  }

  private receive(text: string): void {
    const message = decodeMessage(text);
    const id = "id" in message ? message.id : undefined;
    const pending = typeof id === "number" ? this.pending.get(id) : undefined;
    if (pending) {
      this.settle(pending, message.type === "error" ? new GatewayStreamError(message.code, message.message) : message);
      return;
    }
    for (const waiter of this.waiters) {
      if (waiter.filter(message)) {
        this.settle(waiter, message);
        return;
      }
    }
    this.queue.push(message);
    if (this.queue.length > MAX_QUEUED) this.queue.shift();
  }
}

/** Decodes one frame from the gateway; a frame it cannot read becomes an `error` message (`MALFORMED_FRAME`). */
export function decodeMessage(text: string): StreamMessage {
  try {
    const json = JSON.parse(text) as { type?: unknown; channel?: unknown; data?: unknown };
    if (json.type === "snapshot") return { ...json, data: fromWire(bookSnapshotSchema, json.data) } as StreamMessage;
    if (json.type === "update") {
      if (typeof json.channel !== "string" || !Object.hasOwn(channelDataSchemas, json.channel)) {
        throw new Error(`unknown channel ${String(json.channel)}`);
      }
      return { ...json, data: fromWire(channelDataSchemas[json.channel as Channel], json.data) } as StreamMessage;
    }
    if (typeof json.type !== "string") throw new Error("no type");
    return json as StreamMessage;
  } catch (error) {
    return { type: "error", code: "MALFORMED_FRAME", message: `unreadable frame: ${(error as Error).message}` };
  }
}
