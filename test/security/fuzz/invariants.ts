/**
 * The invariants of DESIGN §13 that are properties of the state (or of the events of one step), checked after every
 * step of the stateful fuzzer. The ones that are properties of an action (§13.8–10, 13, 16, 17, 20 and the attack
 * half of 5 and 7) are checked by the action itself; §13.6 when an order is signed; §13.19 by `attempt`.
 *
 * The chain is read once per step with the demo's `readChainSnapshot` (every account the sequence's events name plus
 * the actors, at one block) and the demo's pure checks are reused for §13.1–3 and §13.13.
 */
import { getAddress } from "ethers";
import { ethers } from "hardhat";
import { connectKeel, type KeelContracts } from "../../../keepers/core/deployment";
import { readChainSnapshot, type ChainSnapshot } from "../../../keepers/demo/invariants/snapshot";
import { checkVaultClaims } from "../../../keepers/demo/invariants/vaultClaims";
import { checkOpenInterest } from "../../../keepers/demo/invariants/openInterest";
import { measureAdlRounds } from "../../../keepers/demo/invariants/adl";
import { OrderFlag, OrderState } from "../../../keepers/sdk/orders";
import { WAD, withinBand } from "../../../keepers/sdk/math";
import { keelAddresses } from "../../fixtures/keel";
import { checkJournalEqualsChain } from "../../keepers/settlement/helpers";
import { marketFacts } from "./market";
import { require13 } from "./violation";
import { actorAddresses, type World } from "./world";

/** What a step leaves for the next one's checks. */
export interface StepState {
  snapshot: ChainSnapshot;
}

/** Accounts whose own action may move their balance this step (deposits, withdrawals): exempt from §13.12. */
export type StepActors = ReadonlySet<string>;

const contractsCache = new WeakMap<World, KeelContracts>();

function contractsOf(world: World): KeelContracts {
  let c = contractsCache.get(world);
  if (!c) {
    c = connectKeel(keelAddresses(world.f), ethers.provider);
    contractsCache.set(world, c);
  }
  return c;
}

/** Reads the state the checks compare against (at the sequence's start, then after each step). */
export async function readState(world: World): Promise<StepState> {
  return { snapshot: await readChainSnapshot(contractsOf(world), actorAddresses(world), world.startBlock) };
}

/**
 * Checks every state invariant after a step that began at block `stepFromBlock`, given the state before it.
 * @throws InvariantViolation naming the first broken invariant.
 */
export async function checkStep(
  world: World,
  before: StepState,
  stepFromBlock: number,
  actors: StepActors,
): Promise<StepState> {
  const after = await readState(world);
  const s = after.snapshot;
  const stepEvents = s.events.filter((e) => e.blockNumber >= stepFromBlock);

  // §13.1–2: tokens held = every claim, to the wei; aggregates = Σ parts; and the vault holds exactly what was
  // deposited minus what was withdrawn (value is moved, never created or destroyed).
  const claims = checkVaultClaims(s);
  require13(1, claims.pass, () => claims.detail);
  const expectedHeld = world.model.netTokensUsdc * s.vault.tokenUnitWad;
  require13(
    1,
    s.vault.heldWad === expectedHeld,
    () => `vault holds ${s.vault.heldWad}, deposits − withdrawals = ${expectedHeld}`,
  );

  // §13.2–3: per market Σ sizes = 0, long OI = short OI = the stored OI.
  const oi = checkOpenInterest(s);
  require13(3, oi.pass, () => oi.detail);

  await checkFundingRounding(world, s);

  await checkOrders(world, stepEvents);
  await checkFills(world, stepEvents);

  // §13.11–13: ADL gave up no more than the shortfall of the bankrupt account.
  const rounds = await measureAdlRounds(contractsOf(world), stepEvents);
  for (const r of rounds) {
    require13(
      13,
      r.withinShortfall,
      () => `ADL against ${r.account} gave up ${r.givenUpWad} > deficit ${r.deficitWad}`,
    );
  }

  // §13.11: a shortfall left once an account is flat was covered by the fund or recorded as bad debt: a flat account's
  // negative balance is at most the last `BadDebtRecorded` of it (deposits since then only shrink the debt).
  const recorded = new Map<string, bigint>();
  for (const e of s.events) {
    if (e.name === "BadDebtRecorded")
      recorded.set(getAddress(e.args.getValue("account") as string), e.args.getValue("amountWad") as bigint);
  }
  // A pending withdrawal is the account's own money and backs its debt first (executeWithdrawal refuses while the
  // balance is negative; cancelling it repays the debt), so the shortfall is −(balance + pending).
  for (const [account, a] of s.accounts) {
    const shortfall = -(a.balanceWad + a.pendingWithdrawalWad);
    if (shortfall <= 0n || account === s.clearingAccount) continue;
    if ([...a.positions.values()].some((p) => p.sizeWad !== 0n)) continue;
    require13(
      11,
      shortfall <= (recorded.get(account) ?? 0n),
      () =>
        `${account} is flat with a shortfall of ${shortfall} wei that was neither covered nor recorded as bad debt ` +
        `(last recorded: ${recorded.get(account) ?? "none"})`,
    );
  }

  // §13.12: an account with no open position never loses balance (to ADL, a haircut or anything) but by its own hand.
  // The clearing account and the insurance fund are the protocol's: paying shortfalls is the fund's purpose.
  const protocol = new Set([s.clearingAccount, s.insuranceFund]);
  for (const [account, prior] of before.snapshot.accounts) {
    if (actors.has(account) || protocol.has(account)) continue;
    if ([...prior.positions.values()].some((p) => p.sizeWad !== 0n)) continue;
    if ([...prior.claims.values()].some((c) => c > 0n)) continue;
    const now = s.accounts.get(account);
    require13(
      12,
      (now?.balanceWad ?? 0n) >= prior.balanceWad,
      () => `${account} had no position and lost ${prior.balanceWad - (now?.balanceWad ?? 0n)} wei of balance`,
    );
  }

  // §13.14: the insurance fund is never negative and never draws beyond its per-block cap.
  const fundBalance = s.accounts.get(getAddress(world.fundAddress))?.balanceWad ?? 0n;
  require13(14, fundBalance >= 0n, () => `insurance fund balance ${fundBalance} < 0`);
  const [drawn, cap] = await Promise.all([world.f.fund.drawnThisBlockWad(), world.f.fund.maxDrawPerBlockWad()]);
  require13(14, drawn <= cap, () => `insurance drew ${drawn} in one block, cap ${cap}`);

  await checkFreshPrices(world, stepEvents);

  // §13.18: the journal equals the chain — no fill lost, none doubled, no batch left open.
  const dropped = new Map(world.journal.fills({ status: "dropped" }).map((f) => [f.id, f.culprit ?? "none"] as const));
  const journal = await checkJournalEqualsChain(world.f.pm, world.journal, world.startBatchId, dropped);
  require13(
    18,
    journal.lost === 0 && journal.doubled === 0 && journal.openBatches === 0,
    () => `journal ≠ chain: ${journal.details.join("; ")}`,
  );
  return after;
}

/**
 * §13.4: funding rounds against every account — a payer owes at least its exact share, a receiver is owed at most its
 * exact share: `pending · 1e18 ≥ size · (cumulative − lastCumulative)` exactly (integers, no rounding), so that over a
 * market (Σ sizes = 0) payers pay at least what receivers receive.
 */
async function checkFundingRounding(world: World, s: ChainSnapshot): Promise<void> {
  for (const marketId of s.markets.keys()) {
    const cumulative = (await world.f.pm.marketState(marketId, { blockTag: s.blockNumber })).cumulativeFundingWad;
    for (const [account, a] of s.accounts) {
      if ((a.positions.get(marketId)?.sizeWad ?? 0n) === 0n) continue;
      const p = await world.f.pm.position(account, marketId, { blockTag: s.blockNumber });
      const exact = p.sizeWad * (cumulative - p.lastCumulativeFundingWad);
      require13(
        4,
        p.pendingFundingWad * WAD >= exact,
        () =>
          `${account} in market ${marketId}: pending funding ${p.pendingFundingWad} rounds in its favour ` +
          `(exact ${exact} / 1e18)`,
      );
    }
  }
}

/**
 * §13.5: Σ of an order's fills (from `Filled` and `LiquidationFilled` events: the chain forgets a dead order's amount)
 * never exceeds its size; a cancelled or floored order never fills again and never comes back to life.
 */
async function checkOrders(world: World, stepEvents: ChainSnapshot["events"]): Promise<void> {
  const filled = world.model.filledWad;
  const add = (hash: string, size: bigint) =>
    filled.set(hash.toLowerCase(), (filled.get(hash.toLowerCase()) ?? 0n) + size);
  const touched = new Set<string>();
  for (const e of stepEvents) {
    if (e.name === "Filled" || e.name === "LiquidationFilled") {
      const size = e.args.getValue("sizeWad") as bigint;
      for (const arg of e.name === "Filled" ? ["makerOrderHash", "takerOrderHash"] : ["makerOrderHash"]) {
        const hash = (e.args.getValue(arg) as string).toLowerCase();
        add(hash, size);
        touched.add(hash);
      }
    }
  }
  for (const [hash, tracked] of world.model.orders) {
    if (!touched.has(hash) && tracked.frozenFilledWad === undefined) continue;
    const total = filled.get(hash) ?? 0n;
    require13(
      5,
      total <= tracked.signed.order.size,
      () => `order ${hash} filled ${total} > size ${tracked.signed.order.size}`,
    );
    if (tracked.frozenFilledWad === undefined) continue;
    require13(
      5,
      total === tracked.frozenFilledWad,
      () => `dead order ${hash} filled ${total}, ${tracked.frozenFilledWad} when it died`,
    );
    const state = Number((await world.f.pm.orderStatus(tracked.signed.order)).state) as OrderState;
    require13(
      5,
      state !== OrderState.Open && state !== OrderState.PartiallyFilled,
      () => `cancelled order ${hash} is ${OrderState[state]} again`,
    );
  }
}

/** §13.7: every fill of the step is within both limits and the band at its block, and no post-only order took. */
async function checkFills(world: World, stepEvents: ChainSnapshot["events"]): Promise<void> {
  const facts = await marketFacts(world);
  for (const e of stepEvents) {
    if (e.name !== "Filled") continue;
    const maker = world.model.orders.get((e.args.getValue("makerOrderHash") as string).toLowerCase());
    const taker = world.model.orders.get((e.args.getValue("takerOrderHash") as string).toLowerCase());
    require13(7, maker !== undefined && taker !== undefined, () => `a fill of orders the fuzzer never signed`);
    const price = e.args.getValue("priceWad") as bigint;
    for (const o of [maker!, taker!]) {
      const buy = (o.signed.order.flags & OrderFlag.Buy) !== 0;
      require13(
        7,
        buy ? price <= o.signed.order.price : price >= o.signed.order.price,
        () => `fill at ${price} beyond the ${buy ? "buy" : "sell"} limit ${o.signed.order.price}`,
      );
    }
    require13(7, (taker!.signed.order.flags & OrderFlag.PostOnly) === 0, () => `a post-only order took liquidity`);
    const market = facts.get(maker!.signed.order.marketId)!;
    const mark = (await world.f.oracle.snapshot(market.marketId, { blockTag: e.blockNumber })).markWad;
    require13(
      7,
      withinBand(market.kind, price, mark, market.bandWad).within,
      () => `fill at ${price} outside the band around the mark ${mark}`,
    );
  }
}

/** Events that move value in a market, and where their market id is. */
const VALUE_EVENTS: Record<string, string> = {
  LiquidatedOnBook: "marketId",
  PositionTakenOver: "marketId",
  AutoDeleveraged: "marketId",
  FundingApplied: "marketId",
};

/** §13.15: every value-moving event of the step happened at a fresh, in-bounds price. */
async function checkFreshPrices(world: World, stepEvents: ChainSnapshot["events"]): Promise<void> {
  for (const e of stepEvents) {
    let marketId: number | undefined;
    if (e.name === "Filled") {
      marketId = world.model.orders.get((e.args.getValue("makerOrderHash") as string).toLowerCase())?.signed.order
        .marketId;
    } else if (VALUE_EVENTS[e.name]) {
      marketId = Number(e.args.getValue(VALUE_EVENTS[e.name]));
    }
    if (marketId === undefined) continue;
    const fresh = await world.f.oracle.isFresh(marketId, { blockTag: e.blockNumber });
    require13(15, fresh, () => `${e.name} in market ${marketId} at block ${e.blockNumber} used a stale price`);
  }
}
