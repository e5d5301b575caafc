/**
 * Invariant 1 (DESIGN §13.1–2): the vault's tokens equal every claim on them to the wei, and its aggregates equal the
 * sum of their parts.
 *
 * The vault's own accounting (ICollateralVault): it owes `totalCreditWad − totalDebtWad + totalPendingWad` — every
 * positive balance, net of the negative ones (recorded bad debt, or the clearing account's balance while it has paid
 * out more realized PnL than it took in), plus pending withdrawals — and `surplusWad()` is what it holds beyond that. Deposits, withdrawals and the margin engine's
 * zero-sum moves keep the surplus at exactly 0; only tokens sent without a deposit (credited to nobody) or a loss
 * of tokens move it. So the check is `surplus = 0` to the wei, plus each aggregate = the sum over every account.
 */
import type { InvariantResult } from "../report";
import { listSome, usd, usdExact } from "./format";
import type { ChainSnapshot } from "./snapshot";

/** The name of invariant 1 in the demo report. */
export const VAULT_CLAIMS_INVARIANT = "vault balance equals all claims to the wei";

/** Checks invariant 1 on a snapshot (see the module comment). Pure. */
export function checkVaultClaims(s: ChainSnapshot): InvariantResult {
  const v = s.vault;
  let creditWad = 0n;
  let debtWad = 0n;
  let pendingWad = 0n;
  for (const a of s.accounts.values()) {
    if (a.balanceWad > 0n) creditWad += a.balanceWad;
    else debtWad -= a.balanceWad;
    pendingWad += a.pendingWithdrawalWad;
  }
  const owedWad = v.totalCreditWad - v.totalDebtWad + v.totalPendingWad;
  const differenceWad = v.heldWad - owedWad;

  const problems: string[] = [];
  if (differenceWad > 0n) {
    problems.push(
      `the vault holds ${usd(differenceWad)} more than all claims (${differenceWad} wei): tokens sent without ` +
        "a deposit, credited to nobody",
    );
  } else if (differenceWad < 0n) {
    problems.push(`the vault holds ${usd(-differenceWad)} less than all claims (${-differenceWad} wei short)`);
  }
  if (differenceWad !== v.surplusWad) {
    problems.push(`the vault's surplusWad() is ${v.surplusWad} wei, not the ${differenceWad} wei recomputed here`);
  }
  const aggregates: [string, bigint, bigint][] = [
    ["totalCreditWad", v.totalCreditWad, creditWad],
    ["totalDebtWad", v.totalDebtWad, debtWad],
    ["totalPendingWad", v.totalPendingWad, pendingWad],
  ];
  for (const [name, stored, summed] of aggregates) {
    if (stored !== summed) {
      problems.push(
        `${name} ${usdExact(stored)} ≠ Σ over ${s.accounts.size} accounts ${usdExact(summed)} ` +
          `(off by ${stored - summed} wei: an account is missing from the list, or the aggregate drifted)`,
      );
    }
  }

  const equation =
    `vault holds ${usdExact(v.heldWad)}; claims = positive balances ${usd(v.totalCreditWad)} − negative balances ` +
    `${usdExact(v.totalDebtWad)} + pending withdrawals ${usd(v.totalPendingWad)} = ${usdExact(owedWad)}`;
  if (problems.length > 0)
    return { name: VAULT_CLAIMS_INVARIANT, pass: false, detail: `${equation}; ${listSome(problems)}` };
  const protocol =
    `insurance fund ${usd(balanceOf(s, s.insuranceFund))}, fee recipient ${usd(balanceOf(s, s.feeRecipient))}, ` +
    `clearing account ${usdExact(balanceOf(s, s.clearingAccount))}`;
  return {
    name: VAULT_CLAIMS_INVARIANT,
    pass: true,
    detail: `${equation}, difference 0 wei; each total equals the sum over ${s.accounts.size} accounts (${protocol})`,
  };
}

function balanceOf(s: ChainSnapshot, account: string): bigint {
  return s.accounts.get(account)?.balanceWad ?? 0n;
}
