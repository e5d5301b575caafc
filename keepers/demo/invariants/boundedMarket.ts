/**
 * Invariant 5 (DESIGN §9): the bounded market ended Settled with nothing stuck. Checked:
 *
 * 1. The market is Settled (registry status, and the resolution's `settled` flag: the haircut was fixed).
 * 2. No account holds a position in it and its stored open interest is 0.
 * 3. Every settlement claim was paid: no account has an unpaid `settlementClaim`, the claims paid
 *    (`SettlementClaimed` events) add up to the `totalClaimsWad` recorded, and what they gave up is the haircut
 *    (each claim's cut rounds up, so by at most 1 wei per claim more).
 * 4. No vault balance is stuck in the clearing account (the PositionManager's own vault account, through which
 *    realized PnL, funding, settlement losses and claims flow). Every flow through it is mirrored by a position's
 *    cost basis or funding, or by a claim, so `R = clearing balance + Σ (openNotional + pending funding) over every
 *    open position − Σ unpaid claims` is only the rounding the contracts keep (every rounding goes against the
 *    user): it must be ≥ 0 and below one token unit (1e-6 USD for USDC), an amount nobody could withdraw anyway.
 *    Money left behind by settlement (an unpaid claim, a haircut remainder, a deposit to the clearing account) makes
 *    R larger; a loss nobody paid makes it negative.
 */
import { MarketStatus } from "../../sdk/markets";
import type { InvariantResult } from "../report";
import { count, listSome, shortAddress, usd, usdExact, units } from "./format";
import type { ChainSnapshot } from "./snapshot";

/** The name of invariant 5 in the demo report. */
export const BOUNDED_MARKET_INVARIANT = "the bounded market settled with nothing stuck";

/** The clearing account's residual R (USD wad, see the module comment): its balance beyond what it mirrors. */
export function clearingResidualWad(s: ChainSnapshot): bigint {
  let residualWad = s.accounts.get(s.clearingAccount)?.balanceWad ?? 0n;
  for (const a of s.accounts.values()) {
    for (const p of a.positions.values()) residualWad += p.openNotionalWad + p.pendingFundingWad;
    for (const claimWad of a.claims.values()) residualWad -= claimWad;
  }
  return residualWad;
}

/** Checks invariant 5 for `marketId` on a snapshot (see the module comment). Pure. */
export function checkBoundedMarket(s: ChainSnapshot, marketId: number): InvariantResult {
  const market = s.markets.get(marketId);
  if (!market) {
    return { name: BOUNDED_MARKET_INVARIANT, pass: false, detail: `market ${marketId} is not listed` };
  }
  const problems: string[] = [];
  const facts: string[] = [];
  const resolution = s.resolutions.get(marketId);
  const status = MarketStatus[market.status] ?? String(market.status);
  if (market.status !== MarketStatus.Settled || !resolution?.settled) {
    problems.push(`${market.symbol} is ${status}, not Settled`);
  } else {
    facts.push(`${market.symbol} Settled at final price ${units(resolution.finalPriceWad)}`);
  }

  const open = [...s.accounts.values()].filter((a) => (a.positions.get(marketId)?.sizeWad ?? 0n) !== 0n);
  for (const a of open) {
    problems.push(`${shortAddress(a.account)} still holds ${units(a.positions.get(marketId)?.sizeWad ?? 0n)}`);
  }
  if (market.openInterestWad !== 0n) problems.push(`stored open interest is ${units(market.openInterestWad)}`);
  const settledCount = s.events.filter((e) => e.name === "PositionSettled" && marketOf(e.args) === marketId).length;
  facts.push(`${count(settledCount, "position")} settled, none open`);

  checkClaims(s, marketId, problems, facts);

  const residualWad = clearingResidualWad(s);
  const dustLimitWad = s.vault.tokenUnitWad;
  if (residualWad < 0n) {
    problems.push(`the clearing account is short by ${usdExact(-residualWad)}: a loss nobody paid`);
  } else if (residualWad >= dustLimitWad) {
    problems.push(
      `the clearing account holds ${usdExact(residualWad)} beyond what positions and claims account for: stuck`,
    );
  } else {
    facts.push(`the clearing account holds only rounding dust (${residualWad} wei, below one token unit)`);
  }

  if (problems.length > 0) return { name: BOUNDED_MARKET_INVARIANT, pass: false, detail: listSome(problems) };
  return { name: BOUNDED_MARKET_INVARIANT, pass: true, detail: facts.join("; ") };
}

/** Every recorded claim of the market paid, giving up the haircut and no more than 1 wei per claim beyond it. */
function checkClaims(s: ChainSnapshot, marketId: number, problems: string[], facts: string[]): void {
  const unpaid = [...s.accounts.values()].filter((a) => (a.claims.get(marketId) ?? 0n) !== 0n);
  for (const a of unpaid) {
    problems.push(`${shortAddress(a.account)} has an unpaid claim of ${usdExact(a.claims.get(marketId) ?? 0n)}`);
  }
  const resolution = s.resolutions.get(marketId);
  if (!resolution) return;
  let claimedWad = 0n;
  let paidWad = 0n;
  let claims = 0;
  for (const e of s.events) {
    if (e.name !== "SettlementClaimed" || marketOf(e.args) !== marketId) continue;
    claimedWad += e.args.getValue("claimWad") as bigint;
    paidWad += e.args.getValue("paidWad") as bigint;
    claims += 1;
  }
  const unpaidWad = unpaid.reduce((sum, a) => sum + (a.claims.get(marketId) ?? 0n), 0n);
  if (claimedWad + unpaidWad !== resolution.totalClaimsWad) {
    problems.push(
      `claims recorded ${usdExact(resolution.totalClaimsWad)} ≠ claims paid ${usdExact(claimedWad)} + unpaid ` +
        `${usdExact(unpaidWad)} (a claim was lost, or events before the checked range paid it)`,
    );
    return;
  }
  const cutWad = claimedWad - paidWad;
  if (unpaid.length === 0 && (cutWad < resolution.haircutWad || cutWad > resolution.haircutWad + BigInt(claims))) {
    problems.push(
      `claims gave up ${usdExact(cutWad)} against a haircut of ${usdExact(resolution.haircutWad)} ` +
        `(at most ${claims} wei of rounding allowed)`,
    );
  }
  const cover = s.events.find((e) => e.name === "MarketSettled" && marketOf(e.args) === marketId);
  const coverWad = cover ? (cover.args.getValue("insuranceCoverWad") as bigint) : 0n;
  facts.push(
    `${count(claims, "claim")} paid ${usd(paidWad)} of ${usd(resolution.totalClaimsWad)} recorded (haircut ` +
      `${usd(resolution.haircutWad)}; uncollected losses ${usd(resolution.uncollectedWad)}, insurance covered ` +
      `${usd(coverWad)})`,
  );
}

function marketOf(args: { getValue(name: string): unknown }): number {
  return Number(args.getValue("marketId"));
}
