/**
 * Matcher throughput (DESIGN §11): orders per second on one core through the matching engine alone
 * (`matcher.book`) and through the order intake with EIP-712 signature recovery (`matcher.intake`), plus the rate of
 * bare signature recovery (`matcher.intake.recoverOnly`) that bounds the intake. No chain: the engine is pure and the
 * intake reads an in-memory indexer state (bench/matcher/intakeWorkload.ts).
 */
import { JsonRpcProvider, recoverAddress } from "ethers";
import { orderDigest, type OrderDomain } from "../keepers/sdk/orders";
import type { BenchFigure, SuiteOptions } from "./figures";
import { runBookWorkload } from "./matcher/bookBench";
import { bookWorkload } from "./matcher/bookWorkload";
import { benchIntake, benchWallets, signedOrders } from "./matcher/intakeWorkload";
import { elapsedMs, medianOf, perSecond } from "./matcher/timing";

/** The EIP-712 domain of the orders (any fixed domain: recovery costs the same). */
const DOMAIN: OrderDomain = {
  name: "Keel",
  version: "1",
  chainId: 31337n,
  verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
};

/** Runs the matcher suite; see the module comment. */
export async function run(options: SuiteOptions): Promise<BenchFigure[]> {
  const sizes = options.smoke
    ? { prefill: 50, mix: 500, runs: 1, warmups: 1, wallets: 4, orders: 10 }
    : { prefill: 5_000, mix: 200_000, runs: 5, warmups: 2, wallets: 50, orders: 500 };
  return [await bookFigure(sizes, options), ...(await intakeFigures(sizes, options))];
}

async function bookFigure(
  sizes: { prefill: number; mix: number; runs: number; warmups: number },
  options: SuiteOptions,
): Promise<BenchFigure> {
  const workload = bookWorkload(sizes.prefill, sizes.mix);
  let counts = runBookWorkload(workload).counts;
  const ms = await medianOf(sizes.runs, sizes.warmups, () => {
    const result = runBookWorkload(workload);
    counts = result.counts;
    return result.ms;
  });
  options.log(`matcher.book: ${sizes.mix} operations in ${ms.toFixed(1)} ms (median of ${sizes.runs})`);
  return {
    id: "matcher.book",
    label: "matcher throughput, book only (one core)",
    value: perSecond(sizes.mix, ms),
    unit: "orders/s",
    target: { op: ">=", bound: 500_000 },
    note:
      `MatchingEngine.place/cancel, ${sizes.mix} ops (45% resting limits, 15% IOC, 5% crossing limits, 35% cancels; ` +
      `${counts.fills} fills, ${counts.cancels} cancels, ${counts.restingAtEnd} resting at end) on a ${sizes.prefill}-order book; ` +
      "dominated by per-order bookkeeping in engine.ts (newRecord: hash lower-casing and the orders Map; setStatus: " +
      "per-account live Sets), order snapshots and GC, not by price-level matching",
  };
}

async function intakeFigures(
  sizes: { runs: number; warmups: number; wallets: number; orders: number },
  options: SuiteOptions,
): Promise<BenchFigure[]> {
  const wallets = benchWallets(sizes.wallets);
  options.log(`matcher.intake: signing ${sizes.orders} orders (not timed)`);
  const orders = await signedOrders(wallets, DOMAIN, sizes.orders);
  // Never contacted: no account is a contract, so the ERC-1271 path is not taken.
  const provider = new JsonRpcProvider("http://127.0.0.1:1", undefined, { staticNetwork: true });
  const intake = benchIntake(wallets, DOMAIN, provider);
  const intakeMs = await medianOf(sizes.runs, sizes.warmups, async () => {
    const startedAt = performance.now();
    for (const { order, signature } of orders) await intake.check(order, signature);
    return performance.now() - startedAt;
  });
  const digests = orders.map(({ order }) => orderDigest(DOMAIN, order));
  const recoverMs = await medianOf(sizes.runs, sizes.warmups, () =>
    elapsedMs(() => {
      for (let i = 0; i < orders.length; i += 1) recoverAddress(digests[i], orders[i].signature);
    }),
  );
  provider.destroy();
  const intakeRate = perSecond(orders.length, intakeMs);
  const recoverRate = perSecond(orders.length, recoverMs);
  options.log(`matcher.intake: ${intakeRate.toFixed(0)} orders/s; recovery alone ${recoverRate.toFixed(0)}/s`);
  return [
    {
      id: "matcher.intake",
      label: "matcher throughput, intake with signature verification (one core)",
      value: intakeRate,
      unit: "orders/s",
      target: { op: ">=", bound: 10_000 },
      note:
        `OrderIntake.check on ${orders.length} pre-signed BTC-USD orders by ${wallets.length} accounts, in-memory indexer ` +
        `state, every check passing; bound by ECDSA recovery (ethers/noble secp256k1, ${recoverRate.toFixed(0)}/s alone) ` +
        "plus the EIP-712 digest (TypedDataEncoder) and the margin check",
    },
    {
      id: "matcher.intake.recoverOnly",
      label: "secp256k1 signature recovery alone (ethers recoverAddress)",
      value: recoverRate,
      unit: "orders/s",
      note: "the ceiling of the intake on one core: recoverAddress of each order's digest and signature",
    },
  ];
}
