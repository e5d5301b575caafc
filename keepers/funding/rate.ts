/**
 * Funding rate arithmetic (DESIGN §7, Hyperliquid's scheme), pure and in wad bigints:
 *
 * 1. `rate8h = avgPremium + clamp(interest8h − avgPremium, −0.05%, +0.05%)`;
 * 2. `hourly = rate8h / 8`, capped at ±`fundingCapWad` (the market's cap per hour, at most 4%);
 * 3. `fundingPerUnit = hourly · intervalSec / 3600 · referencePrice` (USD per unit of base, wad; > 0 longs pay), the
 *    reference price being the index for ASSET markets and 1 USD for BOUNDED ones.
 *
 * Every division rounds toward zero: funding moves money from one side to the other, so rounding toward zero pays at
 * most 1 wei per unit less in either direction and keeps `|fundingPerUnit|` within the on-chain bound
 * `fundingCap · interval / 3600 · referencePrice` (PositionManager.applyFunding, which rounds that bound down).
 */
import { MarketKind } from "../sdk/markets";
import { WAD } from "../sdk/math";
import { divTowardZero } from "./premium";

/** The ±0.05% clamp of the interest term per 8 hours (wad). */
export const INTEREST_CLAMP_WAD = 5n * 10n ** 14n;

/** The hard cap on a market's hourly funding rate (4% per hour, wad), as in MarketRegistry. */
export const MAX_FUNDING_CAP_WAD = 4n * 10n ** 16n;

const HOUR_SEC = 3_600n;

function clamp(value: bigint, lo: bigint, hi: bigint): bigint {
  return value < lo ? lo : value > hi ? hi : value;
}

/**
 * The funding rate per 8 hours (wad, signed): `avgPremium + clamp(interest8h − avgPremium, −clamp, +clamp)`. With the
 * premium within ±0.05% of the interest rate the result is exactly the interest rate.
 * @param avgPremiumWad The interval's average premium (wad); pass 0 when the interval has no sample.
 * @param interest8hWad The interest rate per 8 hours (wad; 0.01% = 1e14 on Hyperliquid).
 * @param clampWad Half-width of the interest clamp (wad, default 0.05%).
 * @throws RangeError for a negative clamp.
 * @example fundingRate8hWad(0n, 10n ** 14n) // 1e14: no premium, interest only
 */
export function fundingRate8hWad(
  avgPremiumWad: bigint,
  interest8hWad: bigint,
  clampWad: bigint = INTEREST_CLAMP_WAD,
): bigint {
  if (clampWad < 0n) throw new RangeError(`interest clamp must be ≥ 0, got ${clampWad}`);
  return avgPremiumWad + clamp(interest8hWad - avgPremiumWad, -clampWad, clampWad);
}

/**
 * The hourly rate: `rate8h / 8` rounded toward zero, capped at ±`fundingCapWad`.
 * @throws RangeError when `fundingCapWad` is negative or above 4% per hour.
 */
export function hourlyFundingRateWad(rate8hWad: bigint, fundingCapWad: bigint): bigint {
  if (fundingCapWad < 0n || fundingCapWad > MAX_FUNDING_CAP_WAD) {
    throw new RangeError(`funding cap must be within [0, 4%] per hour, got ${fundingCapWad} wad`);
  }
  return clamp(divTowardZero(rate8hWad, 8n), -fundingCapWad, fundingCapWad);
}

/**
 * Funding per unit of base for one interval (USD wad, signed; > 0 longs pay):
 * `hourlyRate · intervalSec · referencePrice / (3600 · 1e18)`, rounded toward zero.
 * @throws RangeError for a non-positive interval or reference price.
 */
export function fundingPerUnitWad(hourlyRateWad: bigint, intervalSec: number, referencePriceWad: bigint): bigint {
  assertPositive(intervalSec, referencePriceWad);
  return divTowardZero(hourlyRateWad * BigInt(intervalSec) * referencePriceWad, HOUR_SEC * WAD);
}

/**
 * The on-chain bound on `|fundingPerUnit|` (PositionManager.applyFunding, `FundingAboveCap`):
 * `fundingCap · intervalSec · referencePrice / (3600 · 1e18)`, rounded down as `Math.mulDiv` does.
 * @throws RangeError for a non-positive interval or reference price.
 */
export function maxFundingPerUnitWad(fundingCapWad: bigint, intervalSec: number, referencePriceWad: bigint): bigint {
  assertPositive(intervalSec, referencePriceWad);
  return (fundingCapWad * BigInt(intervalSec) * referencePriceWad) / (HOUR_SEC * WAD);
}

/** The price funding is paid on (DESIGN §7): the index for ASSET markets, 1 USD (1e18) for BOUNDED ones. */
export function fundingReferencePriceWad(kind: MarketKind, indexWad: bigint): bigint {
  return kind === MarketKind.Bounded ? WAD : indexWad;
}

/** Inputs of {@link computeFunding}: a market's funding parameters and the interval's premium. */
export interface FundingInput {
  /** The interval's average premium (wad); `undefined` when it has no sample (interest only). */
  avgPremiumWad: bigint | undefined;
  /** Interest per 8 hours (wad), the registry's `interestRate8hWad`. */
  interestRate8hWad: bigint;
  /** Cap per hour (wad), the registry's `fundingCapWad`. */
  fundingCapWad: bigint;
  /** The registry's `fundingIntervalSec`. */
  fundingIntervalSec: number;
  /** The index for ASSET markets, 1e18 for BOUNDED ones ({@link fundingReferencePriceWad}). */
  referencePriceWad: bigint;
  /** Half-width of the interest clamp per 8 h (wad, default 0.05%). */
  interestClampWad?: bigint;
}

/** Every step of one funding computation, for logs and metrics. */
export interface FundingComputation {
  /** The premium used (0 when the interval had no sample). */
  premiumWad: bigint;
  /** Whether the interval had premium samples. */
  sampled: boolean;
  rate8hWad: bigint;
  hourlyRateWad: bigint;
  /** Whether the hourly rate hit the market's cap. */
  capped: boolean;
  fundingPerUnitWad: bigint;
  /** The on-chain bound the result stays within. */
  maxFundingPerUnitWad: bigint;
}

/**
 * The funding of one interval, from the average premium to the amount per unit `applyFunding` takes. An interval
 * without samples pays the interest term alone (`rate8h = clamp(interest, ±0.05%)`).
 * @throws RangeError for parameters out of range (see {@link hourlyFundingRateWad}, {@link fundingPerUnitWad}).
 */
export function computeFunding(input: FundingInput): FundingComputation {
  const premium = input.avgPremiumWad ?? 0n;
  const rate8hWad = fundingRate8hWad(premium, input.interestRate8hWad, input.interestClampWad);
  const hourlyRateWad = hourlyFundingRateWad(rate8hWad, input.fundingCapWad);
  const maxAbs = maxFundingPerUnitWad(input.fundingCapWad, input.fundingIntervalSec, input.referencePriceWad);
  // |hourly| ≤ cap, so the product rounded toward zero is already within the bound; the clamp is belt and braces.
  const perUnit = clamp(
    fundingPerUnitWad(hourlyRateWad, input.fundingIntervalSec, input.referencePriceWad),
    -maxAbs,
    maxAbs,
  );
  return {
    premiumWad: premium,
    sampled: input.avgPremiumWad !== undefined,
    rate8hWad,
    hourlyRateWad,
    capped: hourlyRateWad !== divTowardZero(rate8hWad, 8n),
    fundingPerUnitWad: perUnit,
    maxFundingPerUnitWad: maxAbs,
  };
}

function assertPositive(intervalSec: number, referencePriceWad: bigint): void {
  if (!Number.isSafeInteger(intervalSec) || intervalSec <= 0) {
    throw new RangeError(`funding interval must be a positive number of seconds, got ${intervalSec}`);
  }
  if (referencePriceWad <= 0n)
    throw new RangeError(`funding reference price must be positive, got ${referencePriceWad}`);
}
