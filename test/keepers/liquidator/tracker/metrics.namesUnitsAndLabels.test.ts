/**
 * createLiquidatorMetrics registers every liquidator metric under its documented name (units in the name), with its
 * type and label names, so dashboards and alerts can rely on them; registering twice on one registry fails loudly.
 */
import { expect } from "chai";
import { Registry } from "prom-client";
import { createLiquidatorMetrics } from "../../../../keepers/liquidator/metrics";

describe("createLiquidatorMetrics", function () {
  it("registers each metric with its name, type and labels", async function () {
    const registry = new Registry();
    const m = createLiquidatorMetrics(registry);
    m.liquidations.inc({ stage: "book" });
    m.liquidatedNotional.inc({ stage: "backstop" }, 1234.5);
    m.actionFailures.inc({ action: "book", reason: "LiquidationAccountHealthy" });
    m.insuranceBalance.set(1_000_000);
    m.adlEvents.inc();
    m.scanSeconds.observe(0.002);
    m.accountsAtRisk.set(3);
    m.accountsLiquidatable.set(1);

    const byName = new Map((await registry.getMetricsAsJSON()).map((metric) => [metric.name, metric]));
    const expected: [name: string, type: string, labels: string[]][] = [
      ["keel_liquidator_accounts_at_risk", "gauge", []],
      ["keel_liquidator_accounts_liquidatable", "gauge", []],
      ["keel_liquidator_liquidations_total", "counter", ["stage"]],
      ["keel_liquidator_liquidated_notional_usd_total", "counter", ["stage"]],
      ["keel_insurance_fund_balance_usd", "gauge", []],
      ["keel_adl_events_total", "counter", []],
      ["keel_liquidator_scan_seconds", "histogram", []],
      ["keel_liquidator_action_failures_total", "counter", ["action", "reason"]],
    ];
    expect([...byName.keys()].sort()).to.deep.equal(expected.map(([name]) => name).sort());
    for (const [name, type, labels] of expected) {
      const metric = byName.get(name)!;
      expect(metric.type, name).to.equal(type);
      expect(metric.help, name).to.have.length.greaterThan(10);
      for (const value of metric.values) {
        const own = Object.keys(value.labels).filter((l) => l !== "le");
        expect(own.sort(), name).to.deep.equal([...labels].sort());
      }
    }
    const text = await registry.metrics();
    expect(text).to.contain('keel_liquidator_liquidated_notional_usd_total{stage="backstop"} 1234.5');
    expect(text).to.contain(
      'keel_liquidator_action_failures_total{action="book",reason="LiquidationAccountHealthy"} 1',
    );
  });

  it("throws when the metrics are already registered on the registry", function () {
    const registry = new Registry();
    createLiquidatorMetrics(registry);
    expect(() => createLiquidatorMetrics(registry)).to.throw(/already been registered/);
  });
});
