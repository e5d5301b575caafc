/**
 * Comparing the journal's settled amounts with the chain's order records (DESIGN §13.18): for each order with
 * settled fills, `orderStatus(order)` must agree with Σ size of those fills.
 *
 * - Open, PartiallyFilled, Expired: the chain's `filledWad` (0 when never filled) equals the journal's Σ settled;
 * - Dead (completely filled or cancelled; the chain keeps no amount): Σ settled ≤ the order's size;
 * - BelowNonceFloor: the chain reports no amount; counted as unverifiable.
 *
 * Call it when no batch is in flight (after `reconcile()`): an open batch may have landed already.
 */
import { OrderState } from "../sdk/orders";
import type { PositionManager } from "../sdk/typechain";
import type { Journal } from "./journal";

/** An order whose journal and chain records disagree. */
export interface OrderMismatch {
  hash: string;
  account: string;
  state: OrderState;
  /** The chain's `filledWad` (meaningless for Dead: then the order's size bounds the journal's amount). */
  chainFilledWad: bigint;
  /** Σ size of the journal's settled fills of the order. */
  journalSettledWad: bigint;
  sizeWad: bigint;
  message: string;
}

/** What {@link verifyOrders} found. */
export interface VerifyReport {
  /** Orders compared. */
  checked: number;
  /** Orders whose chain state carries no amount to compare (BelowNonceFloor). */
  unverifiable: number;
  mismatches: OrderMismatch[];
}

/** How many `orderStatus` calls run at once. */
const CONCURRENCY = 16;

/**
 * Compares every order with a settled fill (or only `orderHashes`) with the chain; see the module doc.
 * Reads only; never throws for a mismatch (it reports it), only for a failed RPC call.
 */
export async function verifyOrders(
  pm: Pick<PositionManager, "orderStatus">,
  journal: Journal,
  orderHashes?: readonly string[],
): Promise<VerifyReport> {
  const orders = journal.settledAmounts(orderHashes);
  const report: VerifyReport = { checked: 0, unverifiable: 0, mismatches: [] };
  for (let i = 0; i < orders.length; i += CONCURRENCY) {
    const slice = orders.slice(i, i + CONCURRENCY);
    const statuses = await Promise.all(slice.map((o) => pm.orderStatus(o.signed.order)));
    slice.forEach((o, k) => {
      const state = Number(statuses[k][0]) as OrderState;
      const chainFilledWad = statuses[k][1];
      const sizeWad = o.signed.order.size;
      let problem: string | undefined;
      if (state === OrderState.BelowNonceFloor) {
        report.unverifiable++;
        return;
      } else if (state === OrderState.Dead) {
        if (o.settledWad > sizeWad) problem = `journal settled ${o.settledWad} of a dead order of size ${sizeWad}`;
      } else if (chainFilledWad !== o.settledWad) {
        problem = `chain filled ${chainFilledWad} (${OrderState[state]}), journal settled ${o.settledWad}`;
      }
      report.checked++;
      if (problem) {
        report.mismatches.push({
          hash: o.hash,
          account: o.signed.order.account,
          state,
          chainFilledWad,
          journalSettledWad: o.settledWad,
          sizeWad,
          message: `order ${o.hash}: ${problem}`,
        });
      }
    });
  }
  return report;
}
