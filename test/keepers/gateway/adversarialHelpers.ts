/**
 * Tools of the gateway's adversarial tests: HTTP requests from a chosen client address (two clients on one machine
 * are two IPs: 127.0.0.2 and 127.0.0.3) with bodies sent as is, in chunks or never finished; raw WebSocket frames
 * (unmasked, fragmented, reserved opcodes) written under a `ws` client; and the checks run after every attack: the
 * gateway still answers, and a well-behaved user's state is intact.
 */
import http from "node:http";
import { once } from "node:events";
import net from "node:net";
import { expect } from "chai";
import WebSocket from "ws";
import type { Signer } from "ethers";
import type { OrderView } from "../../../keepers/gateway/api";
import type { GatewayClient, GatewayStream } from "../../../keepers/gateway/client";
import type { Order } from "../../../keepers/sdk/orders";
import { BTC_USD, testTrade, type FakeExchange } from "./fakeExchange";
import { wad } from "../../fixtures/keel";
import { startExchange, traders, type Exchange } from "../e2e/helpers";
import { orderFor, place } from "../intake/helpers";

/** Two distinct client addresses on loopback (Linux routes all of 127.0.0.0/8 to lo). */
export const ATTACKER_IP = "127.0.0.2";
export const BYSTANDER_IP = "127.0.0.3";

/** An HTTP answer as the tests read it. */
export interface Answer {
  status: number;
  /** The parsed body (undefined when it is not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  headers: http.IncomingHttpHeaders;
}

/** What {@link send} sends. */
export interface SendOptions {
  method?: string;
  /** A string or bytes sent as is; an object JSON-encoded; a function writes the body itself (then must end it). */
  body?: string | Buffer | object | ((request: http.ClientRequest) => void);
  /** Content type (default application/json when there is a body; null for none). */
  contentType?: string | null;
  headers?: http.OutgoingHttpHeaders;
  /** The client's address (default the system's choice, 127.0.0.1). */
  localAddress?: string;
}

/** Sends one request on a fresh connection and reads the whole answer. */
export function send(url: string, options: SendOptions = {}): Promise<Answer> {
  const { body, localAddress } = options;
  const hasBody = body !== undefined;
  const contentType = options.contentType === undefined ? (hasBody ? "application/json" : null) : options.contentType;
  const headers: http.OutgoingHttpHeaders = {
    ...(contentType === null ? {} : { "content-type": contentType }),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: options.method ?? (hasBody ? "POST" : "GET"), headers, localAddress, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, json, text, headers: response.headers });
        });
      },
    );
    request.on("error", reject);
    if (typeof body === "function") {
      body(request);
    } else {
      if (hasBody) request.write(typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body));
      request.end();
    }
  });
}

/** Sends `text` over a raw TCP connection and resolves with everything the server wrote before it closed. */
export async function rawHttp(port: number, text: string | Buffer): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  await once(socket, "connect");
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.on("error", () => undefined); // the server may reset after answering
  socket.write(text);
  await once(socket, "close");
  return Buffer.concat(chunks).toString("utf8");
}

/** The JSON form of an order (bigints as decimal strings), to be tampered with. */
export function wireOrder(order: Order): Record<string, unknown> {
  return Object.fromEntries(Object.entries(order).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));
}

/** Options of {@link rawFrame}. */
export interface FrameOptions {
  fin?: boolean;
  /** Clients must mask; false breaks that rule. */
  mask?: boolean;
  /** Sets RSV1 (compression, which the gateway does not negotiate). */
  rsv1?: boolean;
  /** Declared payload length, when it should differ from the payload's (e.g. 2^62). */
  declaredLength?: bigint;
}

/** One WebSocket frame as a client would put it on the wire (RFC 6455 §5.2), rule-breaking if asked. */
export function rawFrame(opcode: number, payload: Buffer, options: FrameOptions = {}): Buffer {
  const { fin = true, mask = true, rsv1 = false } = options;
  const length = options.declaredLength ?? BigInt(payload.length);
  const head = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode];
  const maskBit = mask ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (length < 126n) {
    head.push(maskBit | Number(length));
  } else if (length < 65_536n) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length);
  }
  const key = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const body = Buffer.from(payload);
  if (mask) for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4];
  return Buffer.concat([Buffer.from(head), extended, mask ? key : Buffer.alloc(0), body]);
}

/** A bare `ws` client: frames can be written under it; `closed` gives the close code the server sent. */
export interface RawSocket {
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
  /** Writes bytes on the TCP socket, bypassing the client's framing. */
  write(bytes: Buffer): void;
}

/** Opens a `ws` client on `wsUrl` (errors of the client are expected and ignored: the server closes on them). */
export async function openRawSocket(wsUrl: string): Promise<RawSocket> {
  const ws = new WebSocket(wsUrl);
  ws.on("error", () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await once(ws, "open");
  const tcp = (ws as unknown as { _socket: net.Socket })._socket;
  return { ws, closed, write: (bytes) => tcp.write(bytes) };
}

/** The gateway still answers queries: the market list and a book read. */
export async function expectServing(url: string, marketId: number): Promise<void> {
  expect((await send(`${url}/v1/markets`)).status, "GET /v1/markets").to.equal(200);
  const book = await send(`${url}/v1/markets/${marketId}/book`);
  expect(book.status, "GET book").to.equal(200);
  expect(book.json.marketId).to.equal(marketId);
}

/** Each of `orders` is still known to the gateway with the same status, size and fill as in `orders`. */
export async function expectOrdersIntact(client: GatewayClient, orders: OrderView[]): Promise<void> {
  for (const before of orders) {
    const now = await client.order(before.hash);
    expect(now, `order ${before.hash}`).to.not.equal(undefined);
    expect(
      { status: now?.status, sizeWad: now?.sizeWad, filledWad: now?.filledWad },
      `order ${before.hash}`,
    ).to.deep.equal({
      status: before.status,
      sizeWad: before.sizeWad,
      filledWad: before.filledWad,
    });
  }
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs` naming `what` was awaited. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A bystander's trades feed still works: a trade recorded now reaches `stream` (subscribed to BTC-USD trades). */
export async function expectFeedAlive(exchange: FakeExchange, stream: GatewayStream, fillId: number): Promise<void> {
  exchange.recordTrade(testTrade(BTC_USD, fillId));
  const update = await stream.next((m) => m.type === "update");
  expect(update.type === "update" && update.channel === "trades" && update.data.fillId, "the feed").to.equal(fillId);
}

/** An exchange whose bystander rests a bid at 59,000 and an ask at 61,000 while an attacker tries its luck. */
export interface BystanderExchange {
  ex: Exchange;
  attacker: Signer;
  bystander: Signer;
  /** The bystander's two resting orders, as the gateway first reported them. */
  resting: OrderView[];
}

/** Starts the real exchange (e2e helpers) with an attacker and a bystander, and rests the bystander's two orders. */
export async function startBystanderExchange(): Promise<BystanderExchange> {
  const [attacker, bystander] = await traders(2);
  const ex = await startExchange([attacker, bystander]);
  const resting = [
    (await place(ex, bystander, await orderFor(bystander, "buy", { price: wad("59000") }))).order,
    (await place(ex, bystander, await orderFor(bystander, "sell", { price: wad("61000") }))).order,
  ];
  return { ex, attacker, bystander, resting };
}
