/**
 * Invariant 2 (DESIGN §13.3): in every market, Σ positive sizes (long open interest) = Σ |negative sizes| (short open
 * interest) over every account (the insurance fund's backstop account included) = the open interest the
 * PositionManager stores (one side: Σ positive sizes).
 *
 * One exception is the contract's own: while a market is Resolved, `settlePosition` closes one side at a time, so
 * there open shorts = open longs + Σ of the signed sizes settled so far (`PositionSettled` events). A Settled market
 * has both sides at 0.
 */
import { MarketStatus } from "../../sdk/markets";
import type { InvariantResult } from "../report";
import { listSome, units } from "./format";
import type { ChainSnapshot } from "./snapshot";

/** The name of invariant 2 in the demo report. */
export const OPEN_INTEREST_INVARIANT = "long open interest equals short open interest";

/** Checks invariant 2 on a snapshot (see the module comment). Pure. */
export function checkOpenInterest(s: ChainSnapshot): InvariantResult {
  const settledSizeWad = new Map<number, bigint>();
  for (const e of s.events) {
    if (e.name !== "PositionSettled") continue;
    const marketId = Number(e.args.getValue("marketId"));
    settledSizeWad.set(marketId, (settledSizeWad.get(marketId) ?? 0n) + (e.args.getValue("sizeWad") as bigint));
  }

  const lines: string[] = [];
  const problems: string[] = [];
  for (const market of s.markets.values()) {
    let longWad = 0n;
    let shortWad = 0n;
    for (const a of s.accounts.values()) {
      const size = a.positions.get(market.marketId)?.sizeWad ?? 0n;
      if (size > 0n) longWad += size;
      else shortWad -= size;
    }
    const resolved = market.status === MarketStatus.Resolved;
    const settled = resolved ? (settledSizeWad.get(market.marketId) ?? 0n) : 0n;
    const line =
      `${market.symbol}: long ${units(longWad)}, short ${units(shortWad)}, stored ${units(market.openInterestWad)}` +
      (resolved ? ` (Resolved, ${units(settled)} settled so far)` : "");
    lines.push(line);
    if (longWad !== market.openInterestWad) {
      problems.push(
        `${market.symbol}: stored open interest ${units(market.openInterestWad)} ≠ Σ long sizes ${units(longWad)}`,
      );
    }
    if (shortWad !== longWad + settled) {
      problems.push(
        resolved
          ? `${market.symbol}: open shorts ${units(shortWad)} ≠ open longs ${units(longWad)} + settled ${units(settled)}`
          : `${market.symbol}: long ${units(longWad)} ≠ short ${units(shortWad)}`,
      );
    }
  }
  const scope = `over ${s.accounts.size} accounts`;
  if (problems.length > 0) {
    return { name: OPEN_INTEREST_INVARIANT, pass: false, detail: `${listSome(problems)} (${scope})` };
  }
  return { name: OPEN_INTEREST_INVARIANT, pass: true, detail: `${lines.join("; ")} (${scope})` };
}
