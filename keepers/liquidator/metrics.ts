/**
 * Prometheus metrics of the liquidator (DESIGN §8 and §10): how many accounts are at risk and liquidatable, the
 * liquidations and the notional each stage of the waterfall closed, the insurance fund's balance, ADL events, the
 * health tracker's scan time and failed actions. Money is reported in USD as plain numbers (converted from wad for
 * display only); names carry their unit (`_usd`, `_seconds`, `_total`).
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The liquidator's counters, gauges and histograms. */
export interface LiquidatorMetrics {
  /** Accounts with positions whose margin ratio (equity / maintenance) is below the at-risk ratio; includes the liquidatable ones. */
  accountsAtRisk: Gauge;
  /** Accounts with positions whose equity is below maintenance margin. */
  accountsLiquidatable: Gauge;
  /** Liquidations that landed, by stage of the waterfall: `book`, `backstop` or `adl`. */
  liquidations: Counter<"stage">;
  /** Notional closed (USD, at the fill prices for `book`, at the mark for `backstop`, at the bankruptcy price for `adl`), by stage. */
  liquidatedNotional: Counter<"stage">;
  /** The insurance fund's vault balance (USD). */
  insuranceBalance: Gauge;
  /** Counterparty positions closed by auto-deleveraging (one per `AutoDeleveraged` event). */
  adlEvents: Counter;
  /** Seconds of each health-tracker update: incremental (one account or one market) and full scans. */
  scanSeconds: Histogram;
  /** Failed liquidator actions, by action (e.g. `book`, `backstop`, `adl`, `unwind`, `health`) and reason (custom error name, or `send`). */
  actionFailures: Counter<"action" | "reason">;
}

/**
 * Scan-time buckets (seconds): an incremental update touches one account or one market's holders (tens of µs to a few
 * ms); a full scan of 10,000 to 100,000 accounts takes tens of ms to seconds (DESIGN §11).
 */
const SCAN_SECONDS_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Registers the liquidator metrics on `registry` (prefixes `keel_liquidator_`, `keel_insurance_`, `keel_adl_`).
 * @throws when a metric of the same name is already registered on `registry` (prom-client's error).
 */
export function createLiquidatorMetrics(registry: Registry): LiquidatorMetrics {
  const registers = [registry];
  return {
    accountsAtRisk: new Gauge({
      name: "keel_liquidator_accounts_at_risk",
      help: "accounts with positions whose margin ratio (equity / maintenance margin) is below the at-risk ratio, liquidatable ones included",
      registers,
    }),
    accountsLiquidatable: new Gauge({
      name: "keel_liquidator_accounts_liquidatable",
      help: "accounts with positions whose equity (pending withdrawal included) is below maintenance margin",
      registers,
    }),
    liquidations: new Counter({
      name: "keel_liquidator_liquidations_total",
      help: "liquidations that landed, by waterfall stage (book, backstop, adl)",
      labelNames: ["stage"],
      registers,
    }),
    liquidatedNotional: new Counter({
      name: "keel_liquidator_liquidated_notional_usd_total",
      help: "notional closed by liquidations (USD; book at fill prices, backstop at the mark, adl at the bankruptcy price), by stage",
      labelNames: ["stage"],
      registers,
    }),
    insuranceBalance: new Gauge({
      name: "keel_insurance_fund_balance_usd",
      help: "the insurance fund's vault balance (USD)",
      registers,
    }),
    adlEvents: new Counter({
      name: "keel_adl_events_total",
      help: "counterparty positions closed by auto-deleveraging (AutoDeleveraged events)",
      registers,
    }),
    scanSeconds: new Histogram({
      name: "keel_liquidator_scan_seconds",
      help: "seconds of each health-tracker update (incremental per account or market, and full scans)",
      buckets: SCAN_SECONDS_BUCKETS,
      registers,
    }),
    actionFailures: new Counter({
      name: "keel_liquidator_action_failures_total",
      help: "failed liquidator actions, by action (book, backstop, adl, unwind, health) and reason (custom error name, or send)",
      labelNames: ["action", "reason"],
      registers,
    }),
  };
}
