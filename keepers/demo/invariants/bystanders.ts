/**
 * Invariant 3 (DESIGN §8, §13.12): an account that never held a position never loses money — not to ADL, not to a
 * haircut, not to anything. For each such account, what it can still withdraw (vault balance + pending withdrawal)
 * must be at least what it put in net (deposits − executed withdrawals, as the caller tracked them).
 */
import { getAddress } from "ethers";
import type { InvariantResult } from "../report";
import { count, listSome, shortAddress, usd, usdExact } from "./format";
import type { ChainSnapshot } from "./snapshot";

/** The name of invariant 3 in the demo report. */
export const BYSTANDERS_INVARIANT = "no account without positions lost money";

/**
 * Checks invariant 3 for `neverTraded` on a snapshot. An account that holds a position now, or whose net deposit is
 * not given, fails too (the input is then wrong, and the invariant cannot be vouched for). Pure.
 * @param netDepositsWad Net deposit per account (USD wad); keys in any address case.
 */
export function checkBystanders(
  s: ChainSnapshot,
  neverTraded: readonly string[],
  netDepositsWad: ReadonlyMap<string, bigint>,
): InvariantResult {
  const deposits = new Map<string, bigint>();
  for (const [account, amount] of netDepositsWad) deposits.set(getAddress(account), amount);

  const problems: string[] = [];
  let heldTotalWad = 0n;
  let depositTotalWad = 0n;
  let smallestGainWad: bigint | undefined;
  for (const raw of new Set(neverTraded.map((a) => getAddress(a)))) {
    const who = shortAddress(raw);
    const a = s.accounts.get(raw);
    const depositWad = deposits.get(raw);
    if (depositWad === undefined) {
      problems.push(`${who}: no net deposit given for it`);
      continue;
    }
    const heldWad = (a?.balanceWad ?? 0n) + (a?.pendingWithdrawalWad ?? 0n);
    heldTotalWad += heldWad;
    depositTotalWad += depositWad;
    const gainWad = heldWad - depositWad;
    if (smallestGainWad === undefined || gainWad < smallestGainWad) smallestGainWad = gainWad;
    if (gainWad < 0n) {
      problems.push(
        `${who} can withdraw ${usdExact(heldWad)} but put in ${usd(depositWad)}: lost ${usdExact(-gainWad)}`,
      );
    }
    const open = [...(a?.positions.entries() ?? [])].filter(([, p]) => p.sizeWad !== 0n).map(([id]) => id);
    if (open.length > 0) problems.push(`${who} holds a position in market ${open.join(", ")}: it did trade`);
  }

  const listed = new Set(neverTraded.map((a) => getAddress(a))).size;
  if (problems.length > 0) {
    return {
      name: BYSTANDERS_INVARIANT,
      pass: false,
      detail: `${listSome(problems)} (of ${count(listed, "account")})`,
    };
  }
  if (listed === 0) {
    return { name: BYSTANDERS_INVARIANT, pass: true, detail: "no account without positions to check (none listed)" };
  }
  return {
    name: BYSTANDERS_INVARIANT,
    pass: true,
    detail:
      `${count(listed, "account")} without positions can withdraw ${usd(heldTotalWad)} against ${usd(depositTotalWad)} put in; ` +
      `none lost anything (smallest change ${usdExact(smallestGainWad ?? 0n)})`,
  };
}
