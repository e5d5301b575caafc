/**
 * Trading through the settlement keeper: signed maker and taker orders journaled as the matcher would and settled in
 * batches by the real pipeline (which may crash at a failpoint and restart). Checks §13.8 (after a batch each touched
 * account is above initial margin, or its exposure did not grow and its margin ratio did not worsen) and reduce-only
 * (§13.7) around every keeper flush; cancels freeze an order's filled amount for §13.5.
 */
import { FAILPOINTS } from "../../../../keepers/settlement/failpoint";
import { OrderFlag } from "../../../../keepers/sdk/orders";
import { abs, mulWadDown, WAD } from "../../../../keepers/sdk/math";
import type { Action } from "../actions";
import { factsOf, markOf, onTick, pushPrices, tradingMarkets } from "../market";
import { journalFills, settleWithKeeper, signTracked, signerFor, type KeeperOutcome } from "../orders";
import { attempt } from "../revert";
import { require13 } from "../violation";
import { MARKETS, type TrackedOrder, type World } from "../world";
import { note, type StepContext } from "./context";

type Of<K extends Action["kind"]> = Extract<Action, { kind: K }>;

/** An account's margin and positions before a flush, to judge §13.8 after it. */
interface Exposure {
  equityWad: bigint;
  initialMarginWad: bigint;
  maintenanceMarginWad: bigint;
  sizes: Map<number, bigint>;
}

async function exposureOf(world: World, account: string): Promise<Exposure | undefined> {
  const m = await attempt("accountMargin", () => world.f.pm.accountMargin(account));
  if (!m.ok) return undefined;
  const sizes = new Map<number, bigint>();
  for (const id of MARKETS) sizes.set(id, (await world.f.pm.position(account, id)).sizeWad);
  return {
    equityWad: m.value.equityWad,
    initialMarginWad: BigInt(m.value.initialMarginWad),
    maintenanceMarginWad: BigInt(m.value.maintenanceMarginWad),
    sizes,
  };
}

/**
 * Flushes the journal with the keeper (crashing it when `crash` > 0) and checks §13.8 and reduce-only for `accounts`.
 */
async function settleAndCheck(
  ctx: StepContext,
  accounts: readonly string[],
  reduceOnly: ReadonlyMap<string, number>,
  crash: number,
): Promise<KeeperOutcome> {
  const { world } = ctx;
  // Their own fills move their balances (fees, realized PnL): not bystanders this step (§13.12).
  for (const a of accounts) ctx.actors.add(a);
  const before = new Map<string, Exposure | undefined>();
  for (const a of accounts) before.set(a, await exposureOf(world, a));
  const outcome = await settleWithKeeper(
    world,
    crash > 0 ? { point: FAILPOINTS[(crash - 1) % 3], nth: crash > 3 ? 2 : 1 } : undefined,
  );
  for (const a of accounts) {
    const prior = before.get(a);
    const now = await exposureOf(world, a);
    if (!prior || !now) continue;
    const grew = [...now.sizes].some(([id, size]) => abs(size) > abs(prior.sizes.get(id) ?? 0n));
    const flipped = [...now.sizes].some(([id, size]) => size !== 0n && (prior.sizes.get(id) ?? 0n) * size < 0n);
    const aboveIm = now.equityWad >= now.initialMarginWad;
    // Margin ratio = equity / maintenance; "did not worsen" compared cross-multiplied (no division).
    const ratioKept =
      now.maintenanceMarginWad === 0n ||
      now.equityWad * BigInt(prior.maintenanceMarginWad) >= prior.equityWad * now.maintenanceMarginWad;
    require13(
      8,
      aboveIm || (!grew && !flipped && ratioKept),
      () =>
        `${a} after a batch: equity ${now.equityWad} < IM ${now.initialMarginWad}, and exposure grew or the ratio ` +
        `worsened (equity ${prior.equityWad} → ${now.equityWad}, MM ${prior.maintenanceMarginWad} → ${now.maintenanceMarginWad})`,
    );
    const ro = reduceOnly.get(a);
    if (ro !== undefined) {
      const was = prior.sizes.get(ro) ?? 0n;
      const is = now.sizes.get(ro) ?? 0n;
      require13(7, abs(is) <= abs(was) && was * is >= 0n, () => `reduce-only order moved ${a}'s size ${was} → ${is}`);
    }
  }
  return outcome;
}

function describeOutcome(outcome: KeeperOutcome, world: World, fillIds: number[]): string {
  const statuses = world.journal.fills().filter((f) => fillIds.includes(f.id));
  const parts = statuses.map((f) => (f.status === "dropped" ? `dropped (${f.dropReason?.split("(")[0]})` : f.status));
  if (outcome.crashedAt) parts.push(`keeper crashed at ${outcome.crashedAt} and recovered`);
  if (outcome.blockedBy) parts.push(`blocked by ${outcome.blockedBy}`);
  return parts.join(", ");
}

/** A new maker order and a crossing taker order, matched at the maker's price and settled by the keeper. */
export async function trade(ctx: StepContext, a: Of<"trade">): Promise<void> {
  const { world } = ctx;
  const markets = await tradingMarkets(world);
  if (markets.length === 0) return note(ctx, "no market trades");
  const marketId = markets[a.market % markets.length];
  const facts = await factsOf(world, marketId);
  await pushPrices(world);
  const mark = await markOf(world, marketId);
  const taker = world.traders[a.taker];
  const makerSigner = a.maker === 3 ? world.maker : world.traders[(a.taker + 1 + a.maker) % 4];

  // Leverage is taken on the smaller equity of the two (a small maker cannot carry a whale's size).
  let equity: bigint | undefined;
  for (const account of [taker.address, makerSigner.address]) {
    const m = await attempt("accountMargin", () => world.f.pm.accountMargin(account));
    const e = m.ok && m.value.equityWad > 0n ? m.value.equityWad : WAD;
    if (equity === undefined || e < equity) equity = e;
  }
  let takerBuys = a.takerBuys;
  let takerKind = a.takerKind;
  if (takerKind === 1) {
    // Reduce-only closes the taker's position; without one it would only be refused, so it trades plainly instead.
    const size = (await world.f.pm.position(taker.address, marketId)).sizeWad;
    if (size !== 0n) takerBuys = size < 0n;
    else takerKind = 0;
  }
  const priceWad = onTick(facts, mark + (mark * BigInt(a.offsetBps)) / 10_000n);
  const notionalWad = (equity! * BigInt(a.leverageTenths)) / 10n;
  let sizeWad = ((notionalWad * WAD) / priceWad / facts.lotWad) * facts.lotWad;
  if (sizeWad === 0n) sizeWad = facts.lotWad;
  const makerSize = sizeWad + ((sizeWad * BigInt(a.makerExtraPercent)) / 100n / facts.lotWad) * facts.lotWad;
  // The taker's limit crosses the maker's price by up to 1% (within the band whatever the offset).
  const slip = facts.kind === 1 ? facts.tickWad * 5n : mulWadDown(priceWad, WAD / 200n);
  const takerLimit = onTick(facts, takerBuys ? priceWad + slip : priceWad - slip);

  const maker = await signTracked(world, makerSigner.address, makerSigner, {
    marketId,
    side: takerBuys ? "sell" : "buy",
    sizeWad: makerSize,
    priceWad,
    flags: a.makerPostOnly ? OrderFlag.PostOnly : 0,
  });
  const takerFlags = takerKind === 1 ? OrderFlag.ReduceOnly : takerKind === 2 ? OrderFlag.ImmediateOrCancel : 0;
  const takerOrder = await signTracked(world, taker.address, taker, {
    marketId,
    side: takerBuys ? "buy" : "sell",
    sizeWad,
    priceWad: takerLimit,
    flags: takerFlags,
  });
  const fills = journalFills(world, [maker, takerOrder], [{ maker, taker: takerOrder, sizeWad, priceWad }]);
  const reduceOnly = new Map<string, number>(takerKind === 1 ? [[taker.address, marketId]] : []);
  const outcome = await settleAndCheck(ctx, [makerSigner.address, taker.address], reduceOnly, a.crash);
  note(
    ctx,
    `trade ${sizeWad} @ ${priceWad} in market ${marketId}: ${describeOutcome(
      outcome,
      world,
      fills.map((f) => f.id),
    )}`,
  );
}

/** The fuzzer's orders with size left by the model's count (live or dead: dead ones must never fill). */
function restingOrders(world: World): TrackedOrder[] {
  return [...world.model.orders.values()].filter((o) => o.signed.order.account !== world.fundAddress);
}

/**
 * A trader takes an earlier order (partly filled, cancelled, below the nonce floor or fully filled): a dead or full
 * order must be refused by the chain (the keeper drops the fill; §13.5 checks its filled amount did not move).
 */
export async function takeResting(ctx: StepContext, a: Of<"takeResting">): Promise<void> {
  const { world } = ctx;
  const resting = restingOrders(world);
  if (resting.length === 0) return note(ctx, "no order to take");
  const target = resting[a.pick % resting.length];
  const order = target.signed.order;
  // The matcher never crosses an account with itself: the taker is the next trader that is not the order's account.
  const taker = [0, 1, 2, 3].map((i) => world.traders[(a.taker + i) % 4]).find((t) => t.address !== order.account)!;
  await pushPrices(world);
  const facts = await factsOf(world, order.marketId);
  const filled = world.model.filledWad.get(target.book.hash) ?? 0n;
  const left = order.size > filled ? order.size - filled : 0n;
  // A full order is taken for one more lot: the chain must refuse it (FillExceedsOrder or the order is dead).
  const sizeWad = left === 0n ? facts.lotWad : left;
  const makerBuys = (order.flags & OrderFlag.Buy) !== 0;
  const takerOrder = await signTracked(world, taker.address, taker, {
    marketId: order.marketId,
    side: makerBuys ? "sell" : "buy",
    sizeWad,
    priceWad: order.price,
    flags: OrderFlag.ImmediateOrCancel,
  });
  const fills = journalFills(
    world,
    [target, takerOrder],
    [{ maker: target, taker: takerOrder, sizeWad, priceWad: order.price }],
  );
  const outcome = await settleAndCheck(ctx, [order.account, taker.address], new Map(), a.crash);
  const dead = target.frozenFilledWad !== undefined || left === 0n;
  const landed = world.journal.fills().some((f) => fills.some((x) => x.id === f.id) && f.status === "settled");
  require13(5, !(dead && landed), () => `a fill of a dead or full order (${target.book.hash}) settled`);
  note(
    ctx,
    `take ${dead ? "dead/full" : "live"} order: ${describeOutcome(
      outcome,
      world,
      fills.map((f) => f.id),
    )}`,
  );
}

/** The order's account cancels it on chain; its filled amount is frozen from then on (§13.5). */
export async function cancelOrder(ctx: StepContext, a: Of<"cancelOrder">): Promise<void> {
  const { world } = ctx;
  const resting = restingOrders(world).filter((o) => o.frozenFilledWad === undefined);
  if (resting.length === 0) return note(ctx, "no order to cancel");
  const target = resting[a.pick % resting.length];
  const signer = signerFor(world, target.signed.order.account);
  const r = await attempt("cancelOrder", async () =>
    (await world.f.pm.connect(signer).cancelOrder(target.signed.order)).wait(),
  );
  if (r.ok) target.frozenFilledWad = world.model.filledWad.get(target.book.hash) ?? 0n;
  note(ctx, r.ok ? "order cancelled on chain" : `cancel reverted ${r.error}`);
}

/** A trader voids every order it signed so far (`cancelUpTo` its next nonce); all of them freeze (§13.5). */
export async function cancelUpTo(ctx: StepContext, a: Of<"cancelUpTo">): Promise<void> {
  const { world } = ctx;
  const trader = world.traders[a.trader];
  const floor = world.model.nonces.get(trader.address) ?? 1n;
  const r = await attempt("cancelUpTo", async () =>
    (await world.f.pm.connect(trader).cancelUpTo(trader.address, floor)).wait(),
  );
  if (!r.ok) return note(ctx, `cancelUpTo reverted ${r.error}`);
  for (const o of world.model.orders.values()) {
    if (o.signed.order.account === trader.address && o.signed.order.nonce < floor && o.frozenFilledWad === undefined) {
      o.frozenFilledWad = world.model.filledWad.get(o.book.hash) ?? 0n;
    }
  }
  note(ctx, `nonce floor raised to ${floor}`);
}
