/**
 * Every stage of the liquidation waterfall (DESIGN §8): on the book against the market maker's signed order, the
 * backstop takeover by the liquidator, the permissionless path (flag, wait, take over) and ADL against the most
 * profitable opposite positions. Checks §13.10 (a liquidation succeeds exactly when equity < maintenance at a fresh
 * mark, and never grows |size|) and §13.13 (ADL only when insurance cannot cover, against opposite positions in
 * profit); §13.11 and ADL ≤ shortfall are checked after the step from the events.
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { abs, liquidationCloseSize } from "../../../../keepers/sdk/math";
import type { Action } from "../actions";
import { factsOf, markOf, onTick, pushPrices } from "../market";
import { signTracked } from "../orders";
import { attempt, type Attempt } from "../revert";
import { require13 } from "../violation";
import { actorAddresses, MARKETS, type World } from "../world";
import { note, type StepContext } from "./context";

type Of<K extends Action["kind"]> = Extract<Action, { kind: K }>;

/** The traders with a position, weakest (lowest equity / maintenance) first. */
async function candidates(world: World): Promise<{ account: string; equityWad: bigint; maintenanceWad: bigint }[]> {
  const out = [];
  for (const t of world.traders) {
    const h = await attempt("canLiquidate", () => world.f.pm.canLiquidate(t.address));
    if (!h.ok || h.value.maintenanceMarginWad === 0n) continue;
    out.push({ account: t.address, equityWad: h.value.equityWad, maintenanceWad: h.value.maintenanceMarginWad });
  }
  // equity/MM ascending, cross-multiplied.
  return out.sort((x, y) => (x.equityWad * y.maintenanceWad < y.equityWad * x.maintenanceWad ? -1 : 1));
}

async function openMarket(world: World, account: string): Promise<{ marketId: number; sizeWad: bigint } | undefined> {
  for (const marketId of MARKETS) {
    const sizeWad = (await world.f.pm.position(account, marketId)).sizeWad;
    if (sizeWad !== 0n) return { marketId, sizeWad };
  }
  return undefined;
}

/** Runs one waterfall stage against the pick-th weakest trader. */
export async function liquidate(ctx: StepContext, a: Of<"liquidate">): Promise<void> {
  const { world } = ctx;
  await pushPrices(world);
  if (a.adverse > 0) await adverseMove(ctx, a.adverse);
  const list = await candidates(world);
  if (list.length === 0) return note(ctx, "nobody holds a position");
  const target =
    a.mode === "adl" ? (list.find((c) => c.equityWad < 0n) ?? list[0]) : list[Math.min(a.pick, list.length - 1)];
  const pos = await openMarket(world, target.account);
  if (!pos) return note(ctx, "target holds no position");
  const below = target.equityWad < BigInt(target.maintenanceWad);

  let r: Attempt<unknown>;
  // The maker pays its fee on a book liquidation: its own fill, not a bystander's loss (§13.12).
  ctx.actors.add(world.maker.address);
  if (a.mode === "book") r = await onBook(world, target.account, pos.marketId, pos.sizeWad);
  else if (a.mode === "backstop")
    r = await send(() => world.f.pm.connect(world.f.deployer).backstopLiquidate(target.account, pos.marketId));
  else if (a.mode === "permissionless") r = await permissionless(ctx, target.account, pos.marketId);
  else r = await adl(ctx, target.account, pos.marketId, pos.sizeWad);

  if (r.ok) {
    require13(
      10,
      a.mode === "permissionless" || below || a.mode === "adl",
      () =>
        `${a.mode} liquidation of ${target.account} succeeded at equity ${target.equityWad} ≥ maintenance ${target.maintenanceWad}`,
    );
    const after = (await world.f.pm.position(target.account, pos.marketId)).sizeWad;
    require13(
      10,
      abs(after) <= abs(pos.sizeWad) && after * pos.sizeWad >= 0n,
      () => `liquidation moved ${target.account}'s size ${pos.sizeWad} → ${after}`,
    );
  } else if (r.error === "LiquidationAccountHealthy" && a.mode !== "permissionless") {
    require13(
      10,
      !below,
      () => `${a.mode}: LiquidationAccountHealthy at equity ${target.equityWad} < MM ${target.maintenanceWad}`,
    );
  }
  note(ctx, `${a.mode} on ${below ? "an unhealthy" : "a healthy"} account: ${r.ok ? "done" : `reverted ${r.error}`}`);
}

/**
 * Walks the mark of the weakest position's market past its liquidation price (by 0.5%, or by 8% for `adverse` 2, deep
 * enough to make it bankrupt at high leverage), when that is within 25% of the mark: the waterfall needs victims.
 */
async function adverseMove(ctx: StepContext, adverse: number): Promise<void> {
  const { world } = ctx;
  const weakest = (await candidates(world))[0];
  if (!weakest) return;
  const pos = await openMarket(world, weakest.account);
  if (!pos) return;
  const liqPrice = await world.f.pm.liquidationPrice(weakest.account, pos.marketId);
  const mark = await markOf(world, pos.marketId);
  if (liqPrice === 0n) return;
  const pastBps = adverse === 1 ? 50n : 800n;
  const target =
    pos.sizeWad > 0n ? (liqPrice * (10_000n - pastBps)) / 10_000n : (liqPrice * (10_000n + pastBps)) / 10_000n;
  const facts = await factsOf(world, pos.marketId);
  const distance = target > mark ? target - mark : mark - target;
  if (distance * 4n > mark || target < facts.minPriceWad || target > facts.maxPriceWad) return;
  const pushes = await pushPrices(world, new Map([[pos.marketId, target]]));
  note(ctx, `mark of market ${pos.marketId} walked ${mark} → ${target} (${pushes} pushes) against ${weakest.account}`);
}

async function send(tx: () => Promise<{ wait(): Promise<unknown> }>): Promise<Attempt<unknown>> {
  return attempt("waterfall", async () => (await tx()).wait());
}

/** Stage 1: the market maker's order absorbs what the partial rule allows, at the mark. */
async function onBook(world: World, account: string, marketId: number, sizeWad: bigint): Promise<Attempt<unknown>> {
  const facts = await factsOf(world, marketId);
  const [params, mark] = await Promise.all([world.f.registry.liquidationParams(marketId), markOf(world, marketId)]);
  const closeWad = liquidationCloseSize(
    sizeWad,
    mark,
    facts.lotWad,
    params.partialFractionWad,
    params.partialThresholdWad,
  );
  const priceWad = onTick(facts, mark);
  const maker = await signTracked(world, world.maker.address, world.maker, {
    marketId,
    side: sizeWad > 0n ? "buy" : "sell",
    sizeWad: closeWad,
    priceWad,
  });
  return send(() =>
    world.f.pm
      .connect(world.f.deployer)
      .liquidateOnBook(
        account,
        marketId,
        [maker.signed.order],
        [maker.signed.signature],
        [{ makerIndex: 0, sizeWad: closeWad, priceWad }],
      ),
  );
}

/** Anyone flags the account, waits `permissionlessAfterSec`, re-prices, then takes it over for the fund. */
async function permissionless(ctx: StepContext, account: string, marketId: number): Promise<Attempt<unknown>> {
  const { world } = ctx;
  const flag = await send(() => world.f.pm.connect(world.keeper).flagLiquidatable(account));
  if (!flag.ok) return flag;
  const since = (await world.f.pm.canLiquidate(account)).liquidatableSince;
  if (since === 0n) {
    note(ctx, "flagLiquidatable cleared the flag of a healthy account");
    return flag;
  }
  const params = await world.f.registry.liquidationParams(marketId);
  await time.increaseTo(Number(since) + Number(params.permissionlessAfterSec));
  await pushPrices(world);
  const health = await world.f.pm.canLiquidate(account);
  const r = await send(() => world.f.pm.connect(world.keeper).backstopLiquidate(account, marketId));
  if (r.ok) {
    require13(
      10,
      health.equityWad < BigInt(health.maintenanceMarginWad),
      () => `permissionless takeover of ${account} at equity ${health.equityWad} ≥ MM ${health.maintenanceMarginWad}`,
    );
  }
  return r;
}

/** Stage 3: the bankrupt account's position closes against opposite positions in profit, best ADL score first. */
async function adl(ctx: StepContext, account: string, marketId: number, sizeWad: bigint): Promise<Attempt<unknown>> {
  const { world } = ctx;
  const ranked: { account: string; score: bigint }[] = [];
  for (const other of actorAddresses(world)) {
    if (other === account || other === world.fundAddress) continue;
    const size = (await world.f.pm.position(other, marketId)).sizeWad;
    if (size === 0n || size * sizeWad > 0n) continue;
    ranked.push({ account: other, score: await world.f.pm.adlScore(other, marketId) });
  }
  ranked.sort((x, y) => (x.score > y.score ? -1 : x.score < y.score ? 1 : 0));
  const health = await world.f.pm.canLiquidate(account);
  // "Insurance cannot cover" as the waterfall means it: the backstop takeover would be refused right now.
  const backstop = await attempt("backstop probe", () =>
    world.f.pm.connect(world.f.deployer).backstopLiquidate.staticCall(account, marketId),
  );
  const r = await send(() =>
    world.f.pm.connect(world.f.deployer).autoDeleverage(
      account,
      marketId,
      ranked.map((c) => c.account),
    ),
  );
  if (r.ok) {
    require13(13, health.equityWad < 0n, () => `ADL ran on ${account} with equity ${health.equityWad} ≥ 0`);
    require13(
      13,
      !backstop.ok,
      () => `ADL of a ${-health.equityWad} deficit while the backstop could take the account over`,
    );
  } else if (!backstop.ok && ["BackstopCannotCover", "BackstopExposureCap"].includes(backstop.error)) {
    require13(
      13,
      r.error !== "AdlInsuranceCanCover",
      () => `AdlInsuranceCanCover although the backstop refuses: ${backstop.error}`,
    );
  }
  return r;
}
