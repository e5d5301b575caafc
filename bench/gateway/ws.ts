/**
 * The WebSocket workloads: ping → pong round trips on one socket, and book deltas delivered to N subscribers of the
 * BTC-USD book channel while resting orders are placed over HTTP.
 */
import WebSocket from "ws";
import type { BenchFigure } from "../figures";
import type { BenchExchange } from "./exchange";
import { runLoad } from "./load";
import { restingOrderRequests } from "./orders";
import { median, msSince, summarize } from "./stats";

/** A feed message did not come within the time allowed: the gateway or the workload is broken. */
export class FeedTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`${what} did not arrive within ${timeoutMs} ms`);
    this.name = "FeedTimeoutError";
  }
}

const TIMEOUT_MS = 30_000;

async function connect(wsUrl: string): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return socket;
}

/** Resolves with the first message of `socket` for which `accept` holds. */
function nextMessage(socket: WebSocket, what: string, accept: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off("message", onMessage);
      reject(new FeedTimeoutError(what, TIMEOUT_MS));
    }, TIMEOUT_MS);
    const onMessage = (data: WebSocket.RawData): void => {
      const text = data.toString();
      if (!accept(text)) return;
      clearTimeout(timer);
      socket.off("message", onMessage);
      resolve(text);
    };
    socket.on("message", onMessage);
  });
}

/** Sizes of the ping workload. */
export interface PingSizes {
  warmup: number;
  perRun: number;
  runs: number;
}

/** Sequential pings on one socket; p50 and p99 of the round trip (medians over runs). */
export async function measurePing(bench: BenchExchange, sizes: PingSizes): Promise<BenchFigure[]> {
  const socket = await connect(bench.address.wsUrl);
  try {
    let id = 0;
    const roundTrips = async (count: number): Promise<number[]> => {
      const latenciesMs: number[] = [];
      for (let i = 0; i < count; i++) {
        const pingId = ++id;
        const startNs = process.hrtime.bigint();
        const pong = nextMessage(
          socket,
          `pong ${pingId}`,
          (text) => text.includes(`"pong"`) && text.includes(`"id":${pingId}`),
        );
        socket.send(JSON.stringify({ op: "ping", id: pingId }));
        await pong;
        latenciesMs.push(msSince(startNs));
      }
      return latenciesMs;
    };
    await roundTrips(sizes.warmup);
    const runs = [];
    for (let i = 0; i < sizes.runs; i++) runs.push(summarize(await roundTrips(sizes.perRun)));
    const note = "one socket, one ping in flight; JSON parse + frame write on both ends in one process";
    return [
      {
        id: "gateway.ws.ping.p50",
        label: "WebSocket ping round trip p50",
        value: median(runs.map((r) => r.p50Ms)),
        unit: "ms",
        note,
      },
      {
        id: "gateway.ws.ping.p99",
        label: "WebSocket ping round trip p99",
        value: median(runs.map((r) => r.p99Ms)),
        unit: "ms",
        note,
      },
    ];
  } finally {
    socket.close();
  }
}

/** Sizes of the fan-out workload. */
export interface FanOutSizes {
  subscribers: number;
  /** Orders placed per run (each changes one book level: one delta per subscriber). */
  ordersPerRun: number;
  runs: number;
  concurrency: number;
}

/**
 * Book deltas delivered per second to `subscribers` sockets while orders are placed: from the first order sent until
 * every subscriber has received every delta the service emitted (counted at the service's event emitter).
 */
export async function measureBookFanOut(bench: BenchExchange, sizes: FanOutSizes): Promise<BenchFigure[]> {
  const sockets = await Promise.all(Array.from({ length: sizes.subscribers }, () => connect(bench.address.wsUrl)));
  const received = new Array<number>(sockets.length).fill(0);
  let emitted = 0;
  const onBook = (): void => void emitted++;
  try {
    await Promise.all(
      sockets.map(async (socket, i) => {
        const snapshot = nextMessage(socket, "book snapshot", (text) => text.includes(`"snapshot"`));
        socket.send(JSON.stringify({ op: "subscribe", channel: "book", marketId: 1, depth: 1 }));
        await snapshot;
        socket.on("message", () => void received[i]++);
      }),
    );
    bench.ex.matcher.service.events.on("book", onBook);
    const rates: number[] = [];
    // Run 0 warms up (not reported).
    for (let run = 0; run <= sizes.runs; run++) {
      const orders = await restingOrderRequests(bench.wallets, bench.ex.domain, sizes.ordersPerRun);
      received.fill(0);
      emitted = 0;
      const startNs = process.hrtime.bigint();
      await runLoad(bench.address.url, orders, sizes.concurrency, 201);
      await waitUntil(() => received.every((n) => n >= emitted), "every book delta at every subscriber");
      if (run > 0) rates.push((emitted * sockets.length * 1000) / msSince(startNs));
    }
    return [
      {
        id: "gateway.ws.book.fanout",
        label: `book deltas delivered to ${sizes.subscribers} WebSocket subscribers`,
        value: median(rates),
        unit: "messages/s",
        note: `bounded by the order rate (${sizes.concurrency} POSTs in flight) × subscribers; one JSON frame per delta per socket, clients in the same process`,
      },
    ];
  } finally {
    bench.ex.matcher.service.events.off("book", onBook);
    for (const socket of sockets) socket.close();
  }
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new FeedTimeoutError(what, TIMEOUT_MS);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
