/**
 * The demo's closing verdict: PASS or FAIL for each of the five invariants of issue 8, read from the chain at its
 * latest block (DESIGN §13). Each check lives in its own file under ./invariants/ with what exactly it verifies:
 *
 * 1. vaultClaims.ts — the vault's tokens equal every claim on them to the wei; its aggregates equal their parts.
 * 2. openInterest.ts — per market, long open interest = short open interest = the stored open interest.
 * 3. bystanders.ts — no account without positions lost money.
 * 4. adl.ts — auto-deleveraging took no more than each bankrupt account's shortfall.
 * 5. boundedMarket.ts — the bounded market is Settled, flat, every claim paid, nothing stuck in the clearing account.
 *
 * @example
 * const results = await checkInvariants({ contracts: connectKeel(addresses, provider), accounts, netDepositsWad,
 *   neverTraded, boundedMarketId: 2, fromBlock: deployBlock });
 * if (results.some((r) => !r.pass)) process.exitCode = 1;
 */
import type { KeelContracts } from "../core/deployment";
import { describeCallFailure } from "../core/chainSupport";
import type { InvariantResult } from "./report";
import { ADL_INVARIANT, checkAdl } from "./invariants/adl";
import { BOUNDED_MARKET_INVARIANT, checkBoundedMarket } from "./invariants/boundedMarket";
import { BYSTANDERS_INVARIANT, checkBystanders } from "./invariants/bystanders";
import { OPEN_INTEREST_INVARIANT, checkOpenInterest } from "./invariants/openInterest";
import { readChainSnapshot } from "./invariants/snapshot";
import { VAULT_CLAIMS_INVARIANT, checkVaultClaims } from "./invariants/vaultClaims";

export type { InvariantResult } from "./report";
export { measureAdlRounds, type AdlRound } from "./invariants/adl";
export { clearingResidualWad } from "./invariants/boundedMarket";
export { InvariantInputError, readChainSnapshot, type ChainSnapshot } from "./invariants/snapshot";
export {
  ADL_INVARIANT,
  BOUNDED_MARKET_INVARIANT,
  BYSTANDERS_INVARIANT,
  OPEN_INTEREST_INVARIANT,
  VAULT_CLAIMS_INVARIANT,
};

/** What the demo knows that the chain does not say directly. Amounts are USD wad. */
export interface InvariantInput {
  /** Keel's contracts, connected to a provider (or a signer with one): `connectKeel(addresses, provider)`. */
  contracts: KeelContracts;
  /**
   * Every account that ever touched the vault (traders, makers, the insurance fund, the fee recipient). Joined with
   * every account the vault's and PositionManager's events since `fromBlock` name, the clearing account, the insurance
   * fund and the fee recipient, so a missing one is found anyway when `fromBlock` is the deployment block.
   */
  accounts: readonly string[];
  /** Per account: what it deposited minus what it withdrew (USD wad), for "no account without positions lost money". */
  netDepositsWad: ReadonlyMap<string, bigint>;
  /** Accounts that never held a position during the run (the demo tracks them). */
  neverTraded: readonly string[];
  /** The bounded market that must end Settled (SENATE22-R = 2). */
  boundedMarketId: number;
  /** Events are read from this block (in chunks of at most 50 blocks); the deployment block sees everything. */
  fromBlock: number;
}

/**
 * Checks the five invariants at the chain's latest block, in the order of issue 8. A check whose chain reads fail
 * is a FAIL whose detail says why it could not be checked (with the decoded revert, e.g. `OracleStale(...)`).
 *
 * @returns One result per invariant: its report name, the verdict, and the figures behind it (decimal USD).
 * @throws InvariantInputError when the contracts have no provider; the provider's error when the common snapshot
 *   (accounts, markets, aggregates, events) cannot be read at all.
 */
export async function checkInvariants(input: InvariantInput): Promise<InvariantResult[]> {
  const { contracts } = input;
  const snapshot = await readChainSnapshot(contracts, input.accounts, input.fromBlock);
  const interfaces = [
    contracts.positionManager.interface,
    contracts.oracleRegistry.interface,
    contracts.collateralVault.interface,
  ];
  const guarded = async (name: string, check: () => InvariantResult | Promise<InvariantResult>) => {
    try {
      return await check();
    } catch (error) {
      return { name, pass: false, detail: `could not be checked: ${describeCallFailure(error, ...interfaces)}` };
    }
  };
  return [
    await guarded(VAULT_CLAIMS_INVARIANT, () => checkVaultClaims(snapshot)),
    await guarded(OPEN_INTEREST_INVARIANT, () => checkOpenInterest(snapshot)),
    await guarded(BYSTANDERS_INVARIANT, () => checkBystanders(snapshot, input.neverTraded, input.netDepositsWad)),
    await guarded(ADL_INVARIANT, () => checkAdl(contracts, snapshot)),
    await guarded(BOUNDED_MARKET_INVARIANT, () => checkBoundedMarket(snapshot, input.boundedMarketId)),
  ];
}
