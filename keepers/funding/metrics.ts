/**
 * Prometheus metrics of the funding keeper (prefix `keel_funding_`, label `market` = market id). Rates are reported as
 * plain fractions (0.0001 = 0.01%), converted from wad for display only.
 */
import { Counter, Gauge, type Registry } from "prom-client";

/** The funding keeper's counters and gauges. */
export interface FundingMetrics {
  /** Premium samples recorded. */
  samples: Counter<"market">;
  /** Ticks without a sample, by reason: `missing_side` (book too thin), `no_index`, `gateway` (request failed). */
  samplesSkipped: Counter<"market" | "reason">;
  /** The last applied hourly funding rate (fraction per hour; > 0 longs pay). */
  lastHourlyRate: Gauge<"market">;
  /** The last applied funding per unit of base (USD). */
  lastFundingPerUnit: Gauge<"market">;
  /** The last premium sample (fraction). */
  lastPremium: Gauge<"market">;
  /** The market's funding epoch after the last application. */
  appliedEpoch: Gauge<"market">;
  /** `applyFunding` transactions that landed. */
  applications: Counter<"market">;
  /** Failed `applyFunding` attempts, by reason (the custom error name, or `send`). */
  failures: Counter<"market" | "reason">;
}

/** Registers the funding metrics on `registry`. */
export function createFundingMetrics(registry: Registry): FundingMetrics {
  const registers = [registry];
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ["market"], registers });
  return {
    samples: new Counter({
      name: "keel_funding_premium_samples_total",
      help: "premium samples recorded",
      labelNames: ["market"],
      registers,
    }),
    samplesSkipped: new Counter({
      name: "keel_funding_samples_skipped_total",
      help: "sampling ticks without a premium, by reason (missing_side, no_index, gateway)",
      labelNames: ["market", "reason"],
      registers,
    }),
    lastHourlyRate: gauge(
      "keel_funding_last_hourly_rate",
      "last applied hourly funding rate (fraction; > 0 longs pay)",
    ),
    lastFundingPerUnit: gauge("keel_funding_last_per_unit_usd", "last applied funding per unit of base (USD)"),
    lastPremium: gauge("keel_funding_last_premium", "last premium sample (fraction of the index)"),
    appliedEpoch: gauge("keel_funding_applied_epoch", "funding epoch of the market after the last application"),
    applications: new Counter({
      name: "keel_funding_applications_total",
      help: "applyFunding transactions that landed",
      labelNames: ["market"],
      registers,
    }),
    failures: new Counter({
      name: "keel_funding_failures_total",
      help: "failed applyFunding attempts, by reason",
      labelNames: ["market", "reason"],
      registers,
    }),
  };
}
