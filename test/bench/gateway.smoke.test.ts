/**
 * The gateway benchmark suite runs end to end at smoke sizes and reports every figure under its prefixes with a
 * positive, finite value. No timing is asserted: benchmarks are not tests.
 */
import { expect } from "chai";
import { run } from "../../bench/gateway";

describe("bench: the gateway suite runs at smoke sizes", function () {
  this.timeout(120_000);

  it("reports HTTP, WebSocket and order-to-settlement figures, each positive and finite", async function () {
    const figures = await run({ smoke: true, log: () => undefined });
    const ids = figures.map((figure) => figure.id);
    expect(ids).to.include.members([
      "gateway.http.orders.throughput",
      "gateway.http.orders.p99",
      "gateway.http.book.throughput",
      "gateway.http.book.p50",
      "gateway.ws.ping.p50",
      "gateway.ws.book.fanout",
      "latency.orderToSettlement.p50",
      "latency.orderToSettlement.p99",
    ]);
    for (const figure of figures) {
      expect(figure.id, figure.id).to.match(/^(gateway|latency)\./);
      expect(Number.isFinite(figure.value) && figure.value > 0, `${figure.id} = ${figure.value}`).to.equal(true);
      expect(figure.target, figure.id).to.equal(undefined);
    }
    expect(new Set(ids).size).to.equal(ids.length);
  });
});
