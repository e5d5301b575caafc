/**
 * Order-to-settlement latency: from sending a crossing order to POST /v1/orders until its fill is `settled` in the
 * journal, i.e. matched, journaled, batched by the settlement pipeline, sent over JSON-RPC to the in-process chain,
 * mined (automine) and its receipt recorded.
 */
import { orderDigest } from "../../keepers/sdk/orders";
import type { BenchFigure } from "../figures";
import type { BenchExchange } from "./exchange";
import { UnexpectedAnswerError } from "./load";
import { ORDER_SIZE_WAD, orderBody, signedOrder } from "./orders";
import { msSince, summarize } from "./stats";

/** The fill of a measured order did not end settled: the figure would be meaningless. */
export class NotSettledError extends Error {
  constructor(takerHash: string, statuses: string[]) {
    super(`the fills of order ${takerHash} are [${statuses.join(", ")}] after the flush, expected one settled fill`);
    this.name = "NotSettledError";
  }
}

/** Fresh prices every this many orders: each settlement mines a block and moves chain time on by a second. */
const ORDERS_PER_PRICE_PUSH = 20;
const MID_WAD = 60_000n * 10n ** 18n;

async function postOrder(url: string, body: string): Promise<void> {
  const response = await fetch(`${url}/v1/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const text = await response.text();
  if (response.status !== 201)
    throw new UnexpectedAnswerError({ method: "POST", path: "/v1/orders", body }, response.status, text);
}

/**
 * p50 and p99 of the order-to-settlement latency of `sizes.orders` taker bids (after `sizes.warmup` unmeasured ones),
 * one at a time, each crossing one deep resting ask. The pipeline's `flush` is called as soon as the order is
 * answered, so the run loop's poll interval is not in the figure.
 * @throws NotSettledError when a fill did not settle.
 */
export async function measureOrderToSettlement(
  bench: BenchExchange,
  sizes: { warmup: number; orders: number },
): Promise<BenchFigure[]> {
  const [maker, taker] = bench.wallets;
  const { ex, address } = bench;
  const total = sizes.warmup + sizes.orders;
  await bench.refreshPrices();
  const ask = await signedOrder(maker, ex.domain, "sell", MID_WAD, 0, ORDER_SIZE_WAD * BigInt(total + 1));
  await postOrder(address.url, orderBody(ask.order, ask.signature));
  const bids = [];
  for (let i = 0; i < total; i++) bids.push(await signedOrder(taker, ex.domain, "buy", MID_WAD));
  const latenciesMs: number[] = [];
  for (const [i, bid] of bids.entries()) {
    if (i % ORDERS_PER_PRICE_PUSH === 0) await bench.refreshPrices();
    const startNs = process.hrtime.bigint();
    await postOrder(address.url, orderBody(bid.order, bid.signature));
    await ex.pipeline.flush();
    const elapsedMs = msSince(startNs);
    const takerHash = orderDigest(ex.domain, bid.order);
    const fills = ex.matcher.journal.fills({ orderHash: takerHash });
    if (fills.length !== 1 || fills[0].status !== "settled") {
      throw new NotSettledError(
        takerHash,
        fills.map((fill) => fill.status),
      );
    }
    if (i >= sizes.warmup) latenciesMs.push(elapsedMs);
  }
  const { p50Ms, p99Ms } = summarize(latenciesMs);
  const note = `${sizes.orders} crossing orders one at a time, flush right after the answer; dominated by the settleBatch simulation, send and receipt over JSON-RPC to Hardhat automine`;
  return [
    {
      id: "latency.orderToSettlement.p50",
      label: "order to settlement p50 (in-process chain)",
      value: p50Ms,
      unit: "ms",
      note,
    },
    {
      id: "latency.orderToSettlement.p99",
      label: "order to settlement p99 (in-process chain)",
      value: p99Ms,
      unit: "ms",
      note,
    },
  ];
}
