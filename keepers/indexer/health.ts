/**
 * An account's place against maintenance margin from the indexer's state (DESIGN §6 and §8): the chain's
 * `Ledger.health` (equity with the pending withdrawal counted, against the maintenance requirement) through the SDK's
 * mirrors of the contracts' arithmetic. The liquidator, the ADL keeper and the matcher's liquidation path all read
 * health here, so an account is liquidatable for every keeper exactly when it is on chain at the same marks.
 */
import { fundingOwed, positionMargin, type PositionMarginResult } from "../sdk/math";
import type { IndexedAccount, IndexedMarket, IndexedPosition } from "./state";

/** Thrown when a position's market has no mark yet: its health cannot be computed (the chain would revert too). */
export class MarkUnavailableError extends Error {
  constructor(readonly marketId: number) {
    super(`Market ${marketId} has no mark price yet; account health cannot be computed until the oracle pushes one`);
    this.name = "MarkUnavailableError";
  }
}

/** An account's health (USD, wad). */
export interface AccountHealth {
  /** Balance + pending withdrawal + Σ (unrealized PnL − pending funding): the maintenance basis. */
  equityWad: bigint;
  /** Σ maintenance requirements, each rounded up. */
  maintenanceMarginWad: bigint;
}

/**
 * One position's contribution at its market's current mark, funding and open interest: `valueWad` (unrealized PnL −
 * pending funding) and its initial and maintenance requirements. Mirrors `Ledger.positionMargin`.
 * @throws {MarkUnavailableError} when the market has no mark yet (or is unknown).
 */
export function positionHealth(position: IndexedPosition, market: IndexedMarket | undefined): PositionMarginResult {
  if (market?.markWad === undefined) throw new MarkUnavailableError(position.marketId);
  return positionMargin({
    kind: market.kind,
    tiers: market.tiers,
    margin: market.margin,
    openInterestWad: market.openInterestWad,
    sizeWad: position.sizeWad,
    openNotionalWad: position.openNotionalWad,
    markWad: market.markWad,
    pendingFundingWad: fundingOwed(position.sizeWad, position.lastCumulativeFundingWad, market.cumulativeFundingWad),
  });
}

/**
 * The account's equity (pending withdrawal included) and maintenance margin at the indexer's marks, as
 * `Ledger.health` computes them on chain: the account is liquidatable when `equityWad < maintenanceMarginWad`.
 * @throws {MarkUnavailableError} when a market the account holds has no mark yet.
 */
export function accountHealth(account: IndexedAccount, markets: ReadonlyMap<number, IndexedMarket>): AccountHealth {
  let equityWad = account.balanceWad + account.pendingWithdrawalWad;
  let maintenanceMarginWad = 0n;
  for (const position of account.positions.values()) {
    const { valueWad, maintenanceWad } = positionHealth(position, markets.get(position.marketId));
    equityWad += valueWad;
    maintenanceMarginWad += maintenanceWad;
  }
  return { equityWad, maintenanceMarginWad };
}

/** Whether equity is below maintenance: stage 1 (book) and stage 2 (backstop) may act (DESIGN §8). */
export function isLiquidatable(health: AccountHealth): boolean {
  return health.equityWad < health.maintenanceMarginWad;
}

/** Whether equity is below ⅔ of maintenance: the liquidator hands the account to the backstop (DESIGN §8). */
export function isBelowBackstopThreshold(health: AccountHealth): boolean {
  return health.equityWad * 3n < health.maintenanceMarginWad * 2n;
}
