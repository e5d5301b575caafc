/**
 * Market-wide steps: oracle moves up to ±20% (walked within the push clamp), time warps (prices go stale), funding
 * (§13.4 is checked after every step), pause and unpause (a pause runs the exit probe of §13.20), the event market's
 * resolution one phase at a time, and privileged calls by an outsider (§13.16).
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { MarketKind, MarketStatus } from "../../../../keepers/sdk/markets";
import { WAD } from "../../../../keepers/sdk/math";
import { SENATE22_R } from "../../../fixtures/keel";
import type { Action } from "../actions";
import { factsOf, markOf, pricedMarkets, pushPrices } from "../market";
import { attempt } from "../revert";
import { require13 } from "../violation";
import { actorAddresses, MARKETS } from "../world";
import { exitProbe } from "./exitProbe";
import { note, type StepContext } from "./context";

type Of<K extends Action["kind"]> = Extract<Action, { kind: K }>;

/** Moves a priced market's mark (and index) by `percent`% of itself, within its price bounds. */
export async function movePrice(ctx: StepContext, a: Of<"movePrice">): Promise<void> {
  const priced = await pricedMarkets(ctx.world);
  if (priced.length === 0) return note(ctx, "no priced market");
  const marketId = priced[a.market % priced.length];
  const facts = await factsOf(ctx.world, marketId);
  const mark = await markOf(ctx.world, marketId);
  let target = mark + (mark * BigInt(a.percent)) / 100n;
  if (target < facts.minPriceWad) target = facts.minPriceWad;
  if (target > facts.maxPriceWad) target = facts.maxPriceWad;
  const pushes = await pushPrices(ctx.world, new Map([[marketId, target]]));
  note(ctx, `market ${marketId} mark ${mark} → ${target} in ${pushes} pushes`);
}

const WARPS = [5, 30, 61, 301, 3_601, 86_401];

/** Lets chain time pass (prices go stale past 60 s on BTC-USD, 300 s on the event market). */
export async function warp(ctx: StepContext, a: Of<"warp">): Promise<void> {
  await time.increase(WARPS[a.choice % WARPS.length]);
  note(ctx, `warped ${WARPS[a.choice % WARPS.length]} s`);
}

/** Applies funding of `percentOfCap`% of the cap (beyond ±100% it must revert FundingAboveCap). */
export async function funding(ctx: StepContext, a: Of<"funding">): Promise<void> {
  const { f } = ctx.world;
  const marketId = MARKETS[a.market % MARKETS.length];
  const facts = await factsOf(ctx.world, marketId);
  if (a.waitInterval) {
    const state = await f.pm.marketState(marketId);
    const due = Number(state.lastFundingAt) + facts.fundingIntervalSec;
    if (due > (await time.latest())) await time.increaseTo(due);
  }
  await pushPrices(ctx.world);
  // The cap per interval in USD per unit (PositionManager.applyFunding): cap · interval/1h · reference price, where
  // the reference is the index (1 for a bounded market).
  const referenceWad = facts.kind === MarketKind.Bounded ? WAD : (await f.oracle.snapshot(marketId)).indexWad;
  const maxAbsWad = (facts.fundingCapWad * BigInt(facts.fundingIntervalSec) * referenceWad) / (3600n * WAD);
  const rate = (maxAbsWad * BigInt(a.percentOfCap)) / 100n;
  const r = await attempt("applyFunding", async () =>
    (await f.pm.connect(f.deployer).applyFunding(marketId, rate)).wait(),
  );
  require13(
    15,
    !r.ok || Math.abs(a.percentOfCap) <= 100,
    () => `funding of ${rate} beyond the cap ${maxAbsWad} was applied`,
  );
  require13(
    15,
    r.ok || Math.abs(a.percentOfCap) > 100 || r.error !== "FundingAboveCap",
    () => `funding of ${rate} within the cap ${maxAbsWad} refused`,
  );
  note(ctx, r.ok ? `funding ${rate} applied to market ${marketId}` : `funding reverted ${r.error}`);
}

/** Pauses (then every account must still be able to exit: §13.20) or unpauses the PositionManager. */
export async function pause(ctx: StepContext): Promise<void> {
  const { f, model } = ctx.world;
  if (model.paused) {
    await (await f.pm.connect(f.deployer).unpause()).wait();
    model.paused = false;
    return note(ctx, "unpaused");
  }
  await (await f.pm.connect(f.deployer).pause()).wait();
  model.paused = true;
  note(ctx, `paused; exit probe: ${await exitProbe(ctx.world, 20)}`);
}

/** Takes the event market `phases` phases further: Resolving, a proposal (or a dispute), finalization, settlement, claims. */
export async function resolve(ctx: StepContext, a: Of<"resolve">): Promise<void> {
  for (let i = 0; i < a.phases; i++) await resolvePhase(ctx, a, i === 0 && a.dispute);
}

async function resolvePhase(ctx: StepContext, a: Of<"resolve">, dispute: boolean): Promise<void> {
  const { f } = ctx.world;
  const marketId = SENATE22_R;
  const status = Number(await f.registry.marketStatus(marketId)) as MarketStatus;
  const send = async (what: string, tx: () => Promise<ContractTransactionResponse>) => {
    const r = await attempt(what, async () => (await tx()).wait());
    note(ctx, r.ok ? what : `${what} reverted ${r.error}`);
    return r.ok;
  };
  if (status === MarketStatus.Active) {
    await send("beginResolving", () => f.registry.connect(f.deployer).beginResolving(marketId));
  } else if (status === MarketStatus.Resolving) {
    const r = await f.pm.resolution(marketId);
    if (r.finalAt === 0n) {
      const price = [0n, WAD, await markOf(ctx.world, marketId)][a.outcome % 3];
      await send(`proposeFinalPrice ${price}`, () => f.pm.connect(f.deployer).proposeFinalPrice(marketId, price));
    } else if (dispute) {
      await send("disputeFinalPrice", () => f.pm.connect(f.deployer).disputeFinalPrice(marketId));
    } else {
      if (Number(r.finalAt) > (await time.latest())) await time.increaseTo(Number(r.finalAt));
      await send("finalizeResolution", () => f.pm.connect(ctx.world.keeper).finalizeResolution(marketId));
    }
    await pushPrices(ctx.world);
  } else if (status === MarketStatus.Resolved) {
    for (const account of actorAddresses(ctx.world)) {
      if ((await f.pm.position(account, marketId)).sizeWad === 0n) continue;
      await send("settlePosition", () => f.pm.connect(ctx.world.keeper).settlePosition(account, marketId));
    }
  } else if (status === MarketStatus.Settled) {
    for (const account of actorAddresses(ctx.world)) {
      if ((await f.pm.settlementClaim(account, marketId)) === 0n) continue;
      await send("claimSettlement", () => f.pm.connect(ctx.world.keeper).claimSettlement(account, marketId));
    }
  }
}

/**
 * An outsider calls a privileged function (static call): every one must revert for a caller without its role
 * (§13.16) with OpenZeppelin's `AccessControlUnauthorizedAccount` (or the fund-only error of the circuit breaker).
 */
export async function privileged(ctx: StepContext, a: Of<"privileged">): Promise<void> {
  const { f, outsider, traders } = ctx.world;
  const pm = f.pm.connect(outsider);
  const zero = "0x" + "00".repeat(20);
  const calls: [string, () => Promise<unknown>][] = [
    ["pause", () => pm.pause.staticCall()],
    ["unpause", () => pm.unpause.staticCall()],
    ["settleBatch", () => pm.settleBatch.staticCall(0n, [], [], [])],
    ["applyFunding", () => pm.applyFunding.staticCall(1, 0n)],
    ["liquidateOnBook", () => pm.liquidateOnBook.staticCall(traders[0].address, 1, [], [], [])],
    ["autoDeleverage", () => pm.autoDeleverage.staticCall(traders[0].address, 1, [])],
    ["proposeFinalPrice", () => pm.proposeFinalPrice.staticCall(2, 0n)],
    ["disputeFinalPrice", () => pm.disputeFinalPrice.staticCall(2)],
    ["setMarketReduceOnly", () => pm.setMarketReduceOnly.staticCall(1, true)],
    ["setFeeRecipient", () => pm.setFeeRecipient.staticCall(outsider.address)],
    ["setInsuranceFund", () => pm.setInsuranceFund.staticCall(outsider.address)],
    ["pushPrices", () => f.oracle.connect(outsider).pushPrices.staticCall([1], [WAD], [WAD], 1n)],
    ["setHyperCoreSource", () => f.oracle.connect(outsider).setHyperCoreSource.staticCall(zero)],
    ["beginResolving", () => f.registry.connect(outsider).beginResolving.staticCall(2)],
    ["activateMarket", () => f.registry.connect(outsider).activateMarket.staticCall(2)],
    ["advanceLifecycle", () => f.registry.connect(outsider).advanceLifecycle.staticCall(2, 2, 3)],
    [
      "setFeeParams",
      () =>
        f.registry
          .connect(outsider)
          .setFeeParams.staticCall(1, { makerFeeWad: 0n, takerFeeWad: 0n, insuranceShareWad: 0n }),
    ],
    ["settleBalances", () => f.vault.connect(outsider).settleBalances.staticCall([], [])],
    ["releaseWithdrawal", () => f.vault.connect(outsider).releaseWithdrawal.staticCall(traders[0].address)],
    ["setWithdrawalDelay", () => f.vault.connect(outsider).setWithdrawalDelay.staticCall(0)],
    ["setMarginEngine", () => f.vault.connect(outsider).setMarginEngine.staticCall(outsider.address)],
    ["coverBadDebt", () => f.fund.connect(outsider).coverBadDebt.staticCall(1, 1n)],
    ["setMaxDrawPerBlock", () => f.fund.connect(outsider).setMaxDrawPerBlock.staticCall(0n)],
    ["setBackstopExposureCap", () => f.fund.connect(outsider).setBackstopExposureCap.staticCall(1, 0n)],
    ["resetCircuitBreaker", () => f.fund.connect(outsider).resetCircuitBreaker.staticCall(1)],
    ["fund.cancelUpTo", () => f.fund.connect(outsider).cancelUpTo.staticCall(1n)],
  ];
  const [name, call] = calls[a.which % calls.length];
  const r = await attempt(`privileged ${name}`, call);
  require13(
    16,
    !r.ok && ["AccessControlUnauthorizedAccount", "CircuitBreakerCallerNotFund"].includes(r.error),
    () => `${name} by an outsider ${r.ok ? "succeeded" : `reverted ${r.error}, not AccessControlUnauthorizedAccount`}`,
  );
  note(ctx, `outsider ${name}: ${r.ok ? "" : r.error}`);
}
