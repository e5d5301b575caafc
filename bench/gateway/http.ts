/**
 * The HTTP workloads: the read path (GET /v1/markets/1/book) and the write path (POST /v1/orders with pre-signed
 * resting orders through the real intake, engine and journal), each a warm-up then several runs; figures are medians
 * of the runs.
 */
import type { BenchFigure } from "../figures";
import type { BenchExchange } from "./exchange";
import { runLoad, type LoadRequest, type LoadResult } from "./load";
import { restingOrderRequests } from "./orders";
import { median, summarize } from "./stats";

/** Sizes of one HTTP workload. */
export interface HttpLoadSizes {
  /** Requests of the warm-up run (not measured). */
  warmup: number;
  /** Requests per measured run. */
  perRun: number;
  runs: number;
  concurrency: number;
}

/** Throughput, p50 and p99 figures (medians over runs) under `prefix`, e.g. "gateway.http.book". */
export function loadFigures(
  prefix: string,
  what: string,
  unit: string,
  results: LoadResult[],
  note: string,
): BenchFigure[] {
  const latencies = results.map((r) => summarize(r.latenciesMs));
  return [
    {
      id: `${prefix}.throughput`,
      label: `${what}: throughput`,
      value: median(results.map((r) => r.requestsPerSec)),
      unit,
      note,
    },
    {
      id: `${prefix}.p50`,
      label: `${what}: latency p50`,
      value: median(latencies.map((l) => l.p50Ms)),
      unit: "ms",
      note,
    },
    {
      id: `${prefix}.p99`,
      label: `${what}: latency p99`,
      value: median(latencies.map((l) => l.p99Ms)),
      unit: "ms",
      note,
    },
  ];
}

/** Runs `makeRun(n)`'s requests: one warm-up run, then `sizes.runs` measured ones. */
async function measure(
  url: string,
  sizes: HttpLoadSizes,
  expectedStatus: number,
  makeRun: (count: number) => Promise<LoadRequest[]>,
): Promise<LoadResult[]> {
  await runLoad(url, await makeRun(sizes.warmup), sizes.concurrency, expectedStatus);
  const results: LoadResult[] = [];
  for (let i = 0; i < sizes.runs; i++)
    results.push(await runLoad(url, await makeRun(sizes.perRun), sizes.concurrency, expectedStatus));
  return results;
}

/** POST /v1/orders of fresh pre-signed post-only orders (each rests at a new level: intake + engine + journal). */
export async function measureOrderPlacement(bench: BenchExchange, sizes: HttpLoadSizes): Promise<BenchFigure[]> {
  const domain = bench.ex.domain;
  // Sign every run's orders before the first one is sent: signing is the client's cost, never measured.
  const batches: LoadRequest[][] = [];
  for (const count of [sizes.warmup, ...Array<number>(sizes.runs).fill(sizes.perRun)]) {
    batches.push(await restingOrderRequests(bench.wallets, domain, count));
  }
  const results = await measure(bench.address.url, sizes, 201, async () => batches.shift()!);
  return loadFigures(
    "gateway.http.orders",
    `POST /v1/orders, ${sizes.concurrency} in flight`,
    "orders/s",
    results,
    "pre-signed post-only orders resting at new levels; dominated by intake's per-order isNonceUsed eth_call to the in-process Hardhat chain (serialized), then signature recovery and the SQLite journal write",
  );
}

/** GET /v1/markets/1/book (depth 50 of a book with hundreds of levels per side). */
export async function measureBookReads(bench: BenchExchange, sizes: HttpLoadSizes): Promise<BenchFigure[]> {
  const request: LoadRequest = { method: "GET", path: "/v1/markets/1/book" };
  const results = await measure(bench.address.url, sizes, 200, async (count) =>
    Array<LoadRequest>(count).fill(request),
  );
  return loadFigures(
    "gateway.http.book",
    `GET /v1/markets/1/book, ${sizes.concurrency} in flight`,
    "requests/s",
    results,
    "depth-50 snapshot, schema-driven serialization of bigints dominates; load generator shares the core",
  );
}
