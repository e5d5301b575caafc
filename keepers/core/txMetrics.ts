/** The prom-client metrics of `TxSender`, shared by every sender on a registry and labelled by address. */
import { Counter, Gauge, type Registry } from "prom-client";

/** The metrics one sender updates. */
export interface SenderMetrics {
  inFlight: Gauge<"sender">;
  queued: Gauge<"sender">;
  sent: Counter<"sender" | "kind">;
  failed: Counter<"sender" | "reason">;
}

/** The sender metrics of `registry`, created on first use (several senders share them, labelled by address). */
export function senderMetrics(registry: Registry): SenderMetrics {
  const gauge = (name: string, help: string) =>
    (registry.getSingleMetric(name) as Gauge<"sender"> | undefined) ??
    new Gauge({ name, help, labelNames: ["sender"], registers: [registry] });
  const counter = <L extends string>(name: string, help: string, label: L) =>
    (registry.getSingleMetric(name) as Counter<"sender" | L> | undefined) ??
    new Counter({ name, help, labelNames: ["sender", label], registers: [registry] });
  return {
    inFlight: gauge("keel_tx_in_flight", "Nonces assigned above the account's latest nonce"),
    queued: gauge("keel_tx_queued", "Sends waiting for a nonce"),
    sent: counter("keel_tx_sent_total", "Transactions broadcast, by kind (tx, rebroadcast, cancel)", "kind"),
    failed: counter(
      "keel_tx_failed_total",
      "Transactions that failed, by reason (broadcast, reverted, replaced, cancel)",
      "reason",
    ),
  };
}
