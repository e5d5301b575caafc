/**
 * The matcher's pre-trade margin check (DESIGN §6: "orders are checked twice: by the matcher when accepted, against
 * chain state plus unsettled fills, and on chain at settlement"). Pure functions over the indexer's state: the same
 * formulas as the chain through the SDK mirrors (`applyFill`, `tradingFee`, `fundingOwed`, `accountMargin`).
 */
import { abs, accountMargin, applyFill, fundingOwed, tradingFee, type AccountMarginResult } from "../sdk/math";
import type { IndexedAccount, IndexedMarket, IndexedPosition } from "../indexer/state";

/** A fill (or a hypothetical one) from one account's point of view. */
export interface AccountFill {
  marketId: number;
  /** Signed size: > 0 the account buys, < 0 it sells (wad). */
  deltaWad: bigint;
  priceWad: bigint;
  /** The fee rate the account pays on it (wad; the maker rate may be negative). */
  feeRateWad: bigint;
}

/** An account with fills applied that the chain has not seen yet. */
export interface ProjectedAccount {
  balanceWad: bigint;
  pendingWithdrawalWad: bigint;
  positions: Map<number, IndexedPosition>;
}

/**
 * Applies `fills` to the account's chain state as settlement would: funding of a position is settled when a fill
 * first touches it, then `applyFill` realizes PnL into the balance and the fee is charged (rounded up, DESIGN §2).
 */
export function projectAccount(
  account: IndexedAccount,
  markets: ReadonlyMap<number, IndexedMarket>,
  fills: readonly AccountFill[],
): ProjectedAccount {
  const positions = new Map<number, IndexedPosition>();
  for (const [id, p] of account.positions) positions.set(id, { ...p });
  let balanceWad = account.balanceWad;
  const touched = new Set<number>();
  for (const fill of fills) {
    const market = markets.get(fill.marketId);
    const cumulative = market?.cumulativeFundingWad ?? 0n;
    const p = positions.get(fill.marketId) ?? {
      marketId: fill.marketId,
      sizeWad: 0n,
      openNotionalWad: 0n,
      lastCumulativeFundingWad: cumulative,
    };
    if (!touched.has(fill.marketId)) {
      balanceWad -= fundingOwed(p.sizeWad, p.lastCumulativeFundingWad, cumulative);
      p.lastCumulativeFundingWad = cumulative;
      touched.add(fill.marketId);
    }
    const result = applyFill(p.sizeWad, p.openNotionalWad, fill.deltaWad, fill.priceWad);
    balanceWad += result.realizedPnlWad;
    balanceWad -= tradingFee(abs(fill.deltaWad), fill.priceWad, fill.feeRateWad);
    p.sizeWad = result.newSizeWad;
    p.openNotionalWad = result.newOpenNotionalWad;
    positions.set(fill.marketId, p);
  }
  return { balanceWad, pendingWithdrawalWad: account.pendingWithdrawalWad, positions };
}

/** The margin of a projected account at the indexer's marks (`accountMargin` of the SDK; USD wad). */
export function projectedMargin(
  projected: ProjectedAccount,
  markets: ReadonlyMap<number, IndexedMarket>,
): AccountMarginResult {
  const inputs = [];
  for (const p of projected.positions.values()) {
    if (p.sizeWad === 0n) continue;
    const market = markets.get(p.marketId);
    if (!market?.markWad) throw new Error(`Market ${p.marketId} has no mark price yet; margin cannot be computed`);
    inputs.push({
      kind: market.kind,
      tiers: market.tiers,
      margin: market.margin,
      openInterestWad: market.openInterestWad,
      sizeWad: p.sizeWad,
      openNotionalWad: p.openNotionalWad,
      markWad: market.markWad,
      pendingFundingWad: fundingOwed(p.sizeWad, p.lastCumulativeFundingWad, market.cumulativeFundingWad),
    });
  }
  return accountMargin(projected.balanceWad, projected.pendingWithdrawalWad, inputs);
}

/** The outcome of {@link checkOrderMargin}. */
export interface OrderMarginCheck {
  ok: boolean;
  /** Whether the order (with the account's other resting orders on its side) grows the position's exposure. */
  increasesExposure: boolean;
  /** Equity after the worst case (wad). */
  equityWad: bigint;
  /** Initial margin after the worst case (wad). */
  initialMarginWad: bigint;
}

/**
 * Whether the account can afford an order: the worst case is that it and every resting order of the account on the
 * same side of the same market fill completely at their limit prices, paying the taker fee. An order that does not
 * grow the exposure always passes (the chain lets reductions through when the margin ratio does not worsen);
 * otherwise equity must cover initial margin, as `settleBatch` will require.
 * @param unsettled The account's fills the chain has not seen, in order.
 * @param worstCase The new order and the account's resting orders on its side, as fills at their limits.
 */
export function checkOrderMargin(
  account: IndexedAccount,
  markets: ReadonlyMap<number, IndexedMarket>,
  unsettled: readonly AccountFill[],
  worstCase: readonly AccountFill[],
): OrderMarginCheck {
  const now = projectAccount(account, markets, unsettled);
  const after = projectAccount(account, markets, [...unsettled, ...worstCase]);
  const marketId = worstCase[0]?.marketId;
  const before = marketId === undefined ? 0n : (now.positions.get(marketId)?.sizeWad ?? 0n);
  const sizeAfter = marketId === undefined ? 0n : (after.positions.get(marketId)?.sizeWad ?? 0n);
  const increasesExposure =
    abs(sizeAfter) > abs(before) || (before !== 0n && sizeAfter !== 0n && before > 0n !== sizeAfter > 0n);
  const margin = projectedMargin(after, markets);
  return {
    ok: !increasesExposure || margin.equityWad >= BigInt(margin.initialMarginWad),
    increasesExposure,
    equityWad: margin.equityWad,
    initialMarginWad: margin.initialMarginWad,
  };
}
