/**
 * The exit probe (DESIGN §13.17 and §13.20), run inside an EVM snapshot that is reverted afterwards: at a constant
 * price every account above maintenance margin closes everything (long against short at the mark, reduce-only; a remainder against the
 * market maker when that may grow its position: not while paused, in a Resolving market or in a market the circuit
 * breaker made reduce-only), resolved positions are
 * settled and claimed, and every trader left flat withdraws its whole balance (a trader still holding a position
 * withdraws half its free collateral instead). While paused, cancelling must work too. Any refusal is a violation.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { BatchBuilder } from "../../../../keepers/sdk/batch";
import { MarketStatus } from "../../../../keepers/sdk/markets";
import { OrderFlag } from "../../../../keepers/sdk/orders";
import { abs, min } from "../../../../keepers/sdk/math";
import { factsOf, markOf, onTick, pushPrices } from "../market";
import { signTracked, signerFor } from "../orders";
import { attempt } from "../revert";
import { require13 } from "../violation";
import { actorAddresses, MARKETS, type TrackedOrder, type World } from "../world";

interface Holder {
  account: string;
  sizeWad: bigint;
  order?: TrackedOrder;
}

/** Closes every solvent account's position in `marketId` in one batch; returns how many positions closed. */
async function closeMarket(world: World, marketId: number, makerMayGrow: boolean, invariant: number): Promise<number> {
  const facts = await factsOf(world, marketId);
  const priceWad = onTick(facts, await markOf(world, marketId));
  const holders: Holder[] = [];
  for (const account of actorAddresses(world)) {
    if (account === world.maker.address && makerMayGrow) continue;
    const sizeWad = (await world.f.pm.position(account, marketId)).sizeWad;
    if (sizeWad === 0n) continue;
    // Below maintenance the account is the waterfall's: its equity may not even pay the closing fee (the batch would
    // leave it flat in debt, which settlement refuses with BatchMarginInsufficient).
    const h = await world.f.pm.canLiquidate(account);
    if (h.equityWad < BigInt(h.maintenanceMarginWad)) continue;
    holders.push({ account, sizeWad });
  }
  const longs = holders.filter((h) => h.sizeWad > 0n);
  const shorts = holders.filter((h) => h.sizeWad < 0n);
  const longLeft = longs.reduce((s, h) => s + h.sizeWad, 0n);
  const shortLeft = shorts.reduce((s, h) => s - h.sizeWad, 0n);
  if (makerMayGrow && longLeft !== shortLeft) {
    holders.push({
      account: world.maker.address,
      sizeWad: longLeft > shortLeft ? -(longLeft - shortLeft) : shortLeft - longLeft,
    });
  }
  for (const h of holders) {
    const reduce = h.account !== world.maker.address || !makerMayGrow;
    h.order = await signTracked(world, h.account, signerFor(world, h.account), {
      marketId,
      // A long sells; the maker's balancing entry is signed like the side it stands in for.
      side: h.sizeWad > 0n ? "sell" : "buy",
      sizeWad: abs(h.sizeWad),
      priceWad,
      flags: reduce ? OrderFlag.ReduceOnly : 0,
    });
  }
  const sellers = holders.filter((h) => h.order!.book.side === "sell").map((h) => ({ h, left: abs(h.sizeWad) }));
  const buyers = holders.filter((h) => h.order!.book.side === "buy").map((h) => ({ h, left: abs(h.sizeWad) }));
  const builder = new BatchBuilder(await world.f.pm.nextBatchId());
  let fills = 0;
  for (let i = 0, j = 0; i < sellers.length && j < buyers.length;) {
    const size = min(sellers[i].left, buyers[j].left);
    builder.addFill(sellers[i].h.order!.signed, buyers[j].h.order!.signed, size, priceWad);
    fills++;
    sellers[i].left -= size;
    buyers[j].left -= size;
    if (sellers[i].left === 0n) i++;
    if (buyers[j].left === 0n) j++;
  }
  if (fills === 0) return 0;
  const { batchId, orders, signatures, fills: encoded } = builder.args();
  const r = await attempt("exit probe: close", async () =>
    (await world.f.pm.connect(world.matcher).settleBatch(batchId, orders, signatures, encoded)).wait(),
  );
  require13(
    invariant,
    r.ok,
    () => `closing every position above maintenance in market ${marketId} at the mark reverted ${r.ok ? "" : r.detail}`,
  );
  return holders.length;
}

/** Settles and claims every resolved position, so that nothing but cash is left in a resolved market. */
async function settleResolved(world: World, marketId: number, invariant: number): Promise<void> {
  const status = Number(await world.f.registry.marketStatus(marketId));
  for (const account of actorAddresses(world)) {
    if (status === MarketStatus.Resolved && (await world.f.pm.position(account, marketId)).sizeWad !== 0n) {
      const r = await attempt("exit probe: settlePosition", async () =>
        (await world.f.pm.connect(world.keeper).settlePosition(account, marketId)).wait(),
      );
      require13(invariant, r.ok, () => `settlePosition(${account}) reverted ${r.ok ? "" : r.error}`);
    }
  }
  if (Number(await world.f.registry.marketStatus(marketId)) !== MarketStatus.Settled) return;
  for (const account of actorAddresses(world)) {
    if ((await world.f.pm.settlementClaim(account, marketId)) === 0n) continue;
    const r = await attempt("exit probe: claimSettlement", async () =>
      (await world.f.pm.connect(world.keeper).claimSettlement(account, marketId)).wait(),
    );
    require13(invariant, r.ok, () => `claimSettlement(${account}) reverted ${r.ok ? "" : r.error}`);
  }
}

/** Every trader withdraws (all of its balance when flat, half its free collateral otherwise). */
async function withdrawAll(world: World, invariant: number): Promise<number> {
  const { f } = world;
  const requested = new Map<string, bigint>();
  for (const t of world.traders) {
    if ((await f.vault.pendingWithdrawal(t.address)).amount > 0n)
      await (await f.vault.connect(t).cancelWithdrawal()).wait();
    const m = await f.pm.accountMargin(t.address);
    const flat = m.maintenanceMarginWad === 0n;
    const free = m.equityWad - BigInt(m.initialMarginWad);
    const amountWad = flat ? m.balanceWad : free > 0n ? min(free / 2n, m.balanceWad) : 0n;
    const amount = amountWad > 0n ? amountWad / 10n ** 12n : 0n;
    if (amount === 0n) continue;
    const r = await attempt("exit probe: requestWithdrawal", async () =>
      (await f.vault.connect(t).requestWithdrawal(amount)).wait(),
    );
    require13(
      invariant,
      r.ok,
      () =>
        `${t.address} could not request ${amount} (${flat ? "all" : "half its free collateral"}): ${r.ok ? "" : r.error}`,
    );
    requested.set(t.address, amount);
  }
  await time.increase(Number(await f.vault.withdrawalDelay()));
  await pushPrices(world);
  for (const [account, amount] of requested) {
    const before = await f.usdc.balanceOf(account);
    const r = await attempt("exit probe: executeWithdrawal", async () =>
      (await f.vault.connect(world.keeper).executeWithdrawal(account)).wait(),
    );
    require13(invariant, r.ok, () => `${account}'s withdrawal of ${amount} could not execute: ${r.ok ? "" : r.error}`);
    const got = (await f.usdc.balanceOf(account)) - before;
    require13(invariant, got === amount, () => `${account} received ${got}, requested ${amount}`);
  }
  return requested.size;
}

/**
 * Runs the probe for invariant `invariant` (17 at a constant price, 20 while paused) in a snapshot that is reverted,
 * leaving the chain and the model as they were.
 * @returns A one-line summary.
 * @throws InvariantViolation when an account cannot exit.
 */
export async function exitProbe(world: World, invariant: 17 | 20): Promise<string> {
  const snapshotId = (await ethers.provider.send("evm_snapshot", [])) as string;
  const orders = new Map(world.model.orders);
  const nonces = new Map(world.model.nonces);
  try {
    await pushPrices(world);
    const paused = await world.f.pm.paused();
    let closed = 0;
    for (const marketId of MARKETS) {
      const status = Number(await world.f.registry.marketStatus(marketId));
      if (status === MarketStatus.Active || status === MarketStatus.Resolving) {
        // The maker may take the remainder only where positions may grow: not while paused, not in a Resolving
        // market, not in a market the insurance fund's circuit breaker made reduce-only.
        const mayGrow = !paused && status === MarketStatus.Active && !(await world.f.pm.marketReduceOnly(marketId));
        closed += await closeMarket(world, marketId, mayGrow, invariant);
      } else {
        await settleResolved(world, marketId, invariant);
      }
    }
    if (paused) {
      const t = world.traders[0];
      const r = await attempt("exit probe: cancelUpTo", async () =>
        (await world.f.pm.connect(t).cancelUpTo(t.address, (world.model.nonces.get(t.address) ?? 1n) + 1n)).wait(),
      );
      require13(20, r.ok, () => `cancelUpTo while paused reverted ${r.ok ? "" : r.error}`);
    }
    const withdrew = await withdrawAll(world, invariant);
    return `${closed} positions closed, ${withdrew} traders withdrew`;
  } finally {
    await ethers.provider.send("evm_revert", [snapshotId]);
    world.model.orders = orders;
    world.model.nonces = nonces;
  }
}
