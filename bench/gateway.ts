/**
 * Gateway suite (DESIGN §11): HTTP throughput and latency of the read path (GET /v1/markets/1/book) and the write
 * path (POST /v1/orders through the real intake, engine and journal), WebSocket ping round trips and book-delta
 * fan-out to N subscribers, and order-to-settlement latency on the in-process chain. Everything runs on loopback in
 * this process (load generator, clients, gateway, matcher, chain), so the figures are a single-core lower bound.
 * No targets: the issue sets none for these figures.
 */
import type { BenchFigure, SuiteOptions } from "./figures";
import { startBenchExchange } from "./gateway/exchange";
import { measureBookReads, measureOrderPlacement } from "./gateway/http";
import { measureOrderToSettlement } from "./gateway/settlement";
import { measureBookFanOut, measurePing } from "./gateway/ws";

const FULL = {
  orders: { warmup: 200, perRun: 1000, runs: 3, concurrency: 16 },
  book: { warmup: 2000, perRun: 10_000, runs: 3, concurrency: 32 },
  ping: { warmup: 200, perRun: 2000, runs: 3 },
  fanOut: { subscribers: 100, ordersPerRun: 200, runs: 3, concurrency: 8 },
  settlement: { warmup: 3, orders: 50 },
};

const SMOKE: typeof FULL = {
  orders: { warmup: 4, perRun: 10, runs: 2, concurrency: 4 },
  book: { warmup: 10, perRun: 40, runs: 2, concurrency: 4 },
  ping: { warmup: 5, perRun: 20, runs: 2 },
  fanOut: { subscribers: 3, ordersPerRun: 6, runs: 2, concurrency: 2 },
  settlement: { warmup: 1, orders: 4 },
};

/** Runs the gateway suite; ids under "gateway." and "latency.". */
export async function run(options: SuiteOptions): Promise<BenchFigure[]> {
  const sizes = options.smoke ? SMOKE : FULL;
  options.log("gateway: deploying Keel and starting the matcher, gateway and settlement");
  const bench = await startBenchExchange(4);
  try {
    const figures: BenchFigure[] = [];
    options.log("gateway: POST /v1/orders");
    figures.push(...(await measureOrderPlacement(bench, sizes.orders)));
    options.log("gateway: GET /v1/markets/1/book");
    figures.push(...(await measureBookReads(bench, sizes.book)));
    options.log("gateway: WebSocket ping");
    figures.push(...(await measurePing(bench, sizes.ping)));
    options.log(`gateway: WebSocket book fan-out to ${sizes.fanOut.subscribers} subscribers`);
    figures.push(...(await measureBookFanOut(bench, sizes.fanOut)));
    options.log("gateway: order to settlement");
    figures.push(...(await measureOrderToSettlement(bench, sizes.settlement)));
    return figures;
  } finally {
    await bench.stop();
  }
}
