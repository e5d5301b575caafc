/**
 * Prometheus metrics of the oracle keeper (prefix `keel_oracle_`): the health of every price source, the pushes and
 * their latency, and how old the prices on chain are.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The oracle keeper's counters, gauges and histograms. */
export interface OracleMetrics {
  /** 1 when the venue's last fetch for the market succeeded with at least one quote, else 0. */
  sourceUp: Gauge<"market" | "venue">;
  /** Failed fetches per venue (network, HTTP, malformed response). */
  sourceFailures: Counter<"market" | "venue">;
  /** Quotes the index left out, by venue and reason (stale, outlier, …). */
  quotesDropped: Counter<"market" | "venue" | "reason">;
  /** `pushPrices` transactions that landed, by trigger (`cadence` or `deviation`). */
  pushes: Counter<"trigger">;
  /** Failed pushes, by reason (the custom error's name, or `send`). */
  pushFailures: Counter<"reason">;
  /** Seconds from sending `pushPrices` to its receipt. */
  pushLatency: Histogram;
  /** Seconds between now (wall clock) and the timestamp of the market's last pushed price. */
  priceAge: Gauge<"market">;
  /** Prices moved less than computed because of the on-chain per-push deviation limit, by price (`index`, `mark`). */
  clamped: Counter<"market" | "price">;
  /** Rounds in which a market had no index (every source down or dropped): its price was not pushed. */
  noIndex: Counter<"market">;
}

/** Registers the oracle metrics on `registry`. */
export function createOracleMetrics(registry: Registry): OracleMetrics {
  const registers = [registry];
  return {
    sourceUp: new Gauge({
      name: "keel_oracle_source_up",
      help: "1 when the venue's last fetch for the market returned quotes, else 0",
      labelNames: ["market", "venue"],
      registers,
    }),
    sourceFailures: new Counter({
      name: "keel_oracle_source_failures_total",
      help: "failed price source fetches",
      labelNames: ["market", "venue"],
      registers,
    }),
    quotesDropped: new Counter({
      name: "keel_oracle_quotes_dropped_total",
      help: "quotes left out of the index, by reason",
      labelNames: ["market", "venue", "reason"],
      registers,
    }),
    pushes: new Counter({
      name: "keel_oracle_pushes_total",
      help: "pushPrices transactions that landed, by trigger (cadence, deviation)",
      labelNames: ["trigger"],
      registers,
    }),
    pushFailures: new Counter({
      name: "keel_oracle_push_failures_total",
      help: "failed pushPrices attempts, by reason",
      labelNames: ["reason"],
      registers,
    }),
    pushLatency: new Histogram({
      name: "keel_oracle_push_latency_seconds",
      help: "seconds from sending pushPrices to its receipt",
      buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 20],
      registers,
    }),
    priceAge: new Gauge({
      name: "keel_oracle_price_age_seconds",
      help: "age of the market's last pushed price (wall clock minus its timestamp)",
      labelNames: ["market"],
      registers,
    }),
    clamped: new Counter({
      name: "keel_oracle_clamped_total",
      help: "prices held back by the per-push deviation limit, by price (index, mark)",
      labelNames: ["market", "price"],
      registers,
    }),
    noIndex: new Counter({
      name: "keel_oracle_no_index_total",
      help: "rounds in which a market had no index and was left out of the push",
      labelNames: ["market"],
      registers,
    }),
  };
}
