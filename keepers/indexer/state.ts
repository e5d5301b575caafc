/**
 * What the indexer knows about markets and accounts (DESIGN §10): market parameters, marks and funding, and every
 * account's balance, positions, agents and nonce floor, read from the chain. Amounts are wad bigints.
 */
import type { MarginParams, MarginTier } from "../sdk/math";
import { MarketKind, MarketStatus } from "../sdk/markets";
import type { MarketRegistry, OracleRegistry, PositionManager } from "../sdk/typechain";

/** A market as the keepers see it: registry parameters, the last oracle push and the PositionManager's state. */
export interface IndexedMarket {
  marketId: number;
  symbol: string;
  kind: MarketKind;
  status: MarketStatus;
  /** Put reduce-only by the insurance fund's circuit breaker (`marketReduceOnly`): only reducing fills settle. */
  reduceOnly: boolean;
  /** Order entry: lot and tick size, price bounds, fill band around the mark (wad). */
  trading: {
    lotSizeWad: bigint;
    tickSizeWad: bigint;
    minPriceWad: bigint;
    maxPriceWad: bigint;
    maxFillDeviationWad: bigint;
  };
  /** Fee fractions (wad; a negative maker fee is a rebate). */
  fees: { makerFeeWad: bigint; takerFeeWad: bigint; insuranceShareWad: bigint };
  margin: MarginParams;
  tiers: MarginTier[];
  funding: { fundingIntervalSec: number; fundingCapWad: bigint; interestRate8hWad: bigint };
  liquidation: {
    liquidationFeeWad: bigint;
    partialFractionWad: bigint;
    liquidationBandWad: bigint;
    cooldownSec: number;
    permissionlessAfterSec: number;
    partialThresholdWad: bigint;
    maxLiquidationNotionalPerBlockWad: bigint;
  };
  /** The last pushed mark and index (wad) and their timestamp (unix s); undefined before the first push. */
  markWad?: bigint;
  indexWad?: bigint;
  priceTimestamp?: number;
  /** Open interest, one side (base units, wad). */
  openInterestWad: bigint;
  cumulativeFundingWad: bigint;
  fundingEpoch: number;
  lastFundingAt: number;
}

/** One position as stored on chain (wad). */
export interface IndexedPosition {
  marketId: number;
  sizeWad: bigint;
  openNotionalWad: bigint;
  lastCumulativeFundingWad: bigint;
}

/** An account's on-chain state. */
export interface IndexedAccount {
  /** Checksummed address. */
  account: string;
  /** Credited vault balance (USD wad, signed; pending withdrawal excluded). */
  balanceWad: bigint;
  /** Amount waiting in a withdrawal request (USD wad). */
  pendingWithdrawalWad: bigint;
  /** Open positions by market id (zero sizes are removed). */
  positions: Map<number, IndexedPosition>;
  /** Agents approved to sign for the account, with their expiry (unix s). */
  agents: Map<string, bigint>;
  /** Every order with a lower nonce is void (`cancelUpTo`). */
  nonceFloor: bigint;
}

/**
 * Reads one market's full state from the registry, the oracle and the PositionManager.
 * @param blockTag The block to read at (default the latest): the indexer reads at the block it processed, so that
 *   every part of its state describes the same block.
 */
export async function readMarket(
  registry: MarketRegistry,
  oracle: OracleRegistry,
  pm: PositionManager,
  marketId: number,
  blockTag?: number,
): Promise<IndexedMarket> {
  const at = { blockTag: blockTag ?? "latest" };
  const [info, risk, funding, liquidation, state, snapshot, reduceOnly] = await Promise.all([
    registry.marketInfo(marketId, at),
    registry.riskParams(marketId, at),
    registry.fundingParams(marketId, at),
    registry.liquidationParams(marketId, at),
    pm.marketState(marketId, at),
    oracle.snapshot(marketId, at),
    pm.marketReduceOnly(marketId, at),
  ]);
  const pushed = snapshot.timestamp > 0n;
  return {
    marketId,
    symbol: info.symbol,
    kind: Number(info.kind) as MarketKind,
    status: Number(info.status) as MarketStatus,
    reduceOnly,
    trading: {
      lotSizeWad: risk.trading.lotSizeWad,
      tickSizeWad: risk.trading.tickSizeWad,
      minPriceWad: risk.trading.minPriceWad,
      maxPriceWad: risk.trading.maxPriceWad,
      maxFillDeviationWad: risk.trading.maxFillDeviationWad,
    },
    fees: {
      makerFeeWad: risk.fees.makerFeeWad,
      takerFeeWad: risk.fees.takerFeeWad,
      insuranceShareWad: risk.fees.insuranceShareWad,
    },
    margin: {
      imfLowWad: risk.margin.imfLowWad,
      imfHighWad: risk.margin.imfHighWad,
      oiSaturationWad: risk.margin.oiSaturationWad,
      maxOpenInterestWad: risk.margin.maxOpenInterestWad,
    },
    tiers: risk.tiers.map((t) => ({ maxNotionalWad: t.maxNotionalWad, imfWad: t.imfWad, mmfWad: t.mmfWad })),
    funding: {
      fundingIntervalSec: Number(funding.fundingIntervalSec),
      fundingCapWad: funding.fundingCapWad,
      interestRate8hWad: funding.interestRate8hWad,
    },
    liquidation: {
      liquidationFeeWad: liquidation.liquidationFeeWad,
      partialFractionWad: liquidation.partialFractionWad,
      liquidationBandWad: liquidation.liquidationBandWad,
      cooldownSec: Number(liquidation.cooldownSec),
      permissionlessAfterSec: Number(liquidation.permissionlessAfterSec),
      partialThresholdWad: liquidation.partialThresholdWad,
      maxLiquidationNotionalPerBlockWad: liquidation.maxLiquidationNotionalPerBlockWad,
    },
    markWad: pushed ? snapshot.markWad : undefined,
    indexWad: pushed ? snapshot.indexWad : undefined,
    priceTimestamp: pushed ? Number(snapshot.timestamp) : undefined,
    openInterestWad: state.openInterestWad,
    cumulativeFundingWad: state.cumulativeFundingWad,
    fundingEpoch: Number(state.fundingEpoch),
    lastFundingAt: Number(state.lastFundingAt),
  };
}
