/**
 * Prometheus metrics of the settlement pipeline (prom-client). Created on a registry the caller serves (the keeper
 * core's `/metrics`); the pipeline runs without them when none are given.
 */
import { Counter, Gauge, type Registry } from "prom-client";

/** The pipeline's counters and gauges. */
export interface SettlementMetrics {
  /** Batches by outcome: `landed` or `released` (reverted on chain, or its nonce taken). */
  batches: Counter<"outcome">;
  /** Fills whose batch landed. */
  fillsSettled: Counter;
  /** Fills dropped, by the custom error that refused them (`undecodable` when bisected). */
  fillsDropped: Counter<"error">;
  /** Gas used per fill by the last landed batch. */
  gasPerFill: Gauge;
  /** Journaled fills waiting for a batch. */
  pendingFills: Gauge;
}

/** Registers the settlement metrics (prefix `keel_settlement_`) on `registry`. */
export function createSettlementMetrics(registry: Registry): SettlementMetrics {
  const registers = [registry];
  return {
    batches: new Counter({
      name: "keel_settlement_batches_total",
      help: "settleBatch transactions by outcome (landed or released)",
      labelNames: ["outcome"],
      registers,
    }),
    fillsSettled: new Counter({ name: "keel_settlement_fills_settled_total", help: "fills settled", registers }),
    fillsDropped: new Counter({
      name: "keel_settlement_fills_dropped_total",
      help: "fills the chain refused, by error name",
      labelNames: ["error"],
      registers,
    }),
    gasPerFill: new Gauge({ name: "keel_settlement_gas_per_fill", help: "gas per fill of the last batch", registers }),
    pendingFills: new Gauge({ name: "keel_settlement_pending_fills", help: "fills waiting for a batch", registers }),
  };
}
