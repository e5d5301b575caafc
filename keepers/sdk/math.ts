/**
 * Bigint mirrors of contracts/libraries/PositionMath.sol and of `OrderLib.triggered` / `OrderLib.flagsValid`
 * (DESIGN §4, §6, §7), plus the margin aggregation of `PositionManager._accountMargin` / `Ledger.positionMargin`.
 *
 * Every function here follows its Solidity counterpart line by line, with the same rounding (OpenZeppelin
 * `Math.mulDiv` with `Rounding.Floor` / `Rounding.Ceil`, `SignedMath.abs`), so a keeper or a matcher computes exactly
 * what the chain will. Units follow DESIGN §2: sizes are signed base units and prices, notionals and fractions are
 * wad (1e18) bigints. Where the Solidity code would revert with a panic (checked-arithmetic overflow, division by
 * zero), the mirror throws a {@link MathPanicError} (a `RangeError`) carrying the same panic code; where Solidity
 * converts `uint256` to `int256` without a check (`int256(x)`), the mirror wraps the same way.
 *
 * Inputs are expected to lie within their Solidity types (e.g. `int256` sizes, `uint256` prices, `uint64` fractions
 * of {@link MarginTier}); the mirrors do not re-check that, the ABI decoder does on chain.
 */
import { MarketKind } from "./markets";

/** 1.0 in wad. */
export const WAD = 10n ** 18n;

const INT256_MIN = -(1n << 255n);
const INT256_MAX = (1n << 255n) - 1n;
const UINT256_MAX = (1n << 256n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** Solidity panic codes the mirrors reproduce. */
export const PanicCode = {
  /** Checked arithmetic under- or overflow (also OpenZeppelin `mulDiv` overflow). */
  ArithmeticOverflow: 0x11,
  /** Division or modulo by zero (also OpenZeppelin `mulDiv` with a zero denominator). */
  DivisionByZero: 0x12,
} as const;

/**
 * Thrown by a mirror where the Solidity code would revert with `Panic(code)`: the same condition, the same code
 * (see {@link PanicCode}).
 */
export class MathPanicError extends RangeError {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`${message} (Solidity panic 0x${code.toString(16)})`);
    this.name = "MathPanicError";
  }
}

/* SOLIDITY PRIMITIVES */

/** A checked `int256` result: throws {@link MathPanicError} 0x11 outside the type, as Solidity 0.8 does. */
function checkedInt(x: bigint, what: string): bigint {
  if (x < INT256_MIN || x > INT256_MAX) {
    throw new MathPanicError(PanicCode.ArithmeticOverflow, `${what} overflows int256`);
  }
  return x;
}

/** A checked `uint256` result: throws {@link MathPanicError} 0x11 outside the type, as Solidity 0.8 does. */
function checkedUint(x: bigint, what: string, max: bigint = UINT256_MAX, type = "uint256"): bigint {
  if (x < 0n || x > max) throw new MathPanicError(PanicCode.ArithmeticOverflow, `${what} overflows ${type}`);
  return x;
}

/** Solidity's explicit `int256(uint256 x)`: no check, the bits are reinterpreted (two's complement). */
function toInt256Wrapping(x: bigint): bigint {
  return BigInt.asIntN(256, x);
}

/** Solidity's explicit `uint256(int256 x)`: no check, the bits are reinterpreted (two's complement). */
function toUint256Wrapping(x: bigint): bigint {
  return BigInt.asUintN(256, x);
}

/** `SignedMath.abs`: |n| as uint256 (|type(int256).min| = 2^255, no panic). */
export function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/**
 * A wad amount as a JavaScript number, for gauges, logs and charts only — never for arithmetic. The integer and
 * fractional parts are converted separately, so amounts past 2^53 wei keep their leading digits exactly.
 */
export function wadToNumber(valueWad: bigint): number {
  return Number(valueWad / WAD) + Number(valueWad % WAD) / 1e18;
}

/**
 * OpenZeppelin `Math.mulDiv(x, y, denominator, rounding)`: `x · y / denominator` in full precision, rounded down, plus
 * one when `ceil` and the division has a remainder. Panics 0x12 on a zero denominator and 0x11 when the result (or
 * the rounded-up result) exceeds uint256.
 */
function mulDiv(x: bigint, y: bigint, denominator: bigint, ceil: boolean, what: string): bigint {
  if (denominator === 0n) throw new MathPanicError(PanicCode.DivisionByZero, `${what}: mulDiv by zero`);
  const product = x * y;
  const quotient = checkedUint(product / denominator, `${what}: mulDiv result`);
  if (ceil && product % denominator !== 0n) return checkedUint(quotient + 1n, `${what}: mulDiv rounded up`);
  return quotient;
}

/** Solidity's checked unary minus on int256: `-type(int256).min` panics 0x11. */
function neg(x: bigint, what: string): bigint {
  return checkedInt(-x, what);
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** The smaller of two bigints. */
export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/* ROUNDING PRIMITIVES */

/**
 * `a · b / 1e18` for signed `a`, rounded toward +∞ (a debit or a cost basis: against the user). Mirrors
 * `PositionMath.mulWadUp`.
 * @param a Signed wad amount (int256).
 * @param b Unsigned wad factor (uint256).
 * @returns The signed wad product, rounded up.
 */
export function mulWadUp(a: bigint, b: bigint): bigint {
  const m = mulDiv(abs(a), b, WAD, a >= 0n, "mulWadUp");
  return a >= 0n ? toInt256Wrapping(m) : neg(toInt256Wrapping(m), "mulWadUp");
}

/**
 * `a · b / 1e18` for signed `a`, rounded toward −∞ (a credit or a value: against the user). Mirrors
 * `PositionMath.mulWadDown`.
 * @param a Signed wad amount (int256).
 * @param b Unsigned wad factor (uint256).
 * @returns The signed wad product, rounded down.
 */
export function mulWadDown(a: bigint, b: bigint): bigint {
  const m = mulDiv(abs(a), b, WAD, a < 0n, "mulWadDown");
  return a >= 0n ? toInt256Wrapping(m) : neg(toInt256Wrapping(m), "mulWadDown");
}

/* FILLS */

/** The result of {@link applyFill}: the position after a fill and the cash it realizes (all signed wad). */
export interface FillResult {
  /** The size after the fill (base units, wad). */
  newSizeWad: bigint;
  /** The cost basis after the fill (USD, wad). */
  newOpenNotionalWad: bigint;
  /** USD credited (> 0) or debited (< 0) to the account's balance (wad). */
  realizedPnlWad: bigint;
}

/**
 * Applies a fill of signed `deltaWad` at `priceWad` to a position (size, openNotional). Mirrors
 * `PositionMath.applyFill`.
 *
 * Opening or adding: the basis grows by `delta · price`, rounded up. Reducing: the closed fraction of the basis,
 * `openNotional · |delta| / |size|` rounded up, leaves it, and the account realizes the trade's cash
 * (`−delta · price`, rounded down) minus that basis. A flip closes the whole position, then opens the rest.
 * @param sizeWad The signed size before the fill (base units, wad).
 * @param openNotionalWad The signed cost basis before the fill (USD, wad).
 * @param deltaWad The signed fill (> 0 buys, < 0 sells; base units, wad).
 * @param priceWad The fill price (USD per unit, wad).
 */
export function applyFill(sizeWad: bigint, openNotionalWad: bigint, deltaWad: bigint, priceWad: bigint): FillResult {
  const newSizeWad = checkedInt(sizeWad + deltaWad, "applyFill: size + delta");
  if (sizeWad === 0n || sizeWad > 0n === deltaWad > 0n) {
    return {
      newSizeWad,
      newOpenNotionalWad: checkedInt(openNotionalWad + mulWadUp(deltaWad, priceWad), "applyFill: basis + delta·price"),
      realizedPnlWad: 0n,
    };
  }
  const absSize = abs(sizeWad);
  const absDelta = abs(deltaWad);
  if (absDelta <= absSize) {
    const closedBasis = fractionUp(openNotionalWad, absDelta, absSize);
    return {
      newSizeWad,
      newOpenNotionalWad: checkedInt(openNotionalWad - closedBasis, "applyFill: basis − closed basis"),
      realizedPnlWad: checkedInt(
        neg(mulWadUp(deltaWad, priceWad), "applyFill: −delta·price") - closedBasis,
        "applyFill: realized PnL",
      ),
    };
  }
  // Flip: close `-sizeWad` against the whole basis, then open the remainder.
  const realizedPnlWad = checkedInt(
    neg(mulWadUp(neg(sizeWad, "applyFill: −size"), priceWad), "applyFill: −(−size)·price") - openNotionalWad,
    "applyFill: realized PnL",
  );
  return { newSizeWad, newOpenNotionalWad: mulWadUp(newSizeWad, priceWad), realizedPnlWad };
}

/** `x · num / den` for signed `x`, rounded toward +∞ (`PositionMath._fractionUp`). */
function fractionUp(x: bigint, num: bigint, den: bigint): bigint {
  const m = mulDiv(abs(x), num, den, x >= 0n, "fractionUp");
  return x >= 0n ? toInt256Wrapping(m) : neg(toInt256Wrapping(m), "fractionUp");
}

/**
 * A trading fee on `sizeWad · priceWad` at the signed rate `feeWad`: a charge (> 0) rounded up, a rebate (< 0)
 * rounded toward zero. Mirrors `PositionMath.tradingFee`.
 * @param sizeWad The filled size, unsigned (base units, wad).
 * @param priceWad The fill price (wad).
 * @param feeWad The fee rate (wad fraction of notional; negative = maker rebate).
 * @returns The fee the account pays (> 0) or receives (< 0), USD wad.
 */
export function tradingFee(sizeWad: bigint, priceWad: bigint, feeWad: bigint): bigint {
  const rate = abs(feeWad);
  const notionalWad2 = checkedUint(sizeWad * priceWad, "tradingFee: size·price");
  if (feeWad >= 0n) return toInt256Wrapping(mulDiv(notionalWad2, rate, WAD * WAD, true, "tradingFee"));
  return neg(toInt256Wrapping(mulDiv(notionalWad2, rate, WAD * WAD, false, "tradingFee")), "tradingFee: −rebate");
}

/* FUNDING */

/**
 * Funding a position owes between two readings of the cumulative index (> 0 pays, < 0 receives):
 * `size · (cumulativeNow − cumulativeLast)`, rounded toward +∞ (payers pay up, receivers receive down). Mirrors
 * `PositionMath.fundingOwed`.
 * @param sizeWad The signed size (base units, wad).
 * @param cumulativeLastWad The cumulative funding per unit at the position's last settlement (USD wad).
 * @param cumulativeNowWad The market's cumulative funding per unit now (USD wad).
 * @returns USD wad owed by the position (> 0) or owed to it (< 0).
 */
export function fundingOwed(sizeWad: bigint, cumulativeLastWad: bigint, cumulativeNowWad: bigint): bigint {
  const diff = checkedInt(cumulativeNowWad - cumulativeLastWad, "fundingOwed: now − last");
  if (sizeWad === 0n || diff === 0n) return 0n;
  // size · diff = (−size) · |diff| when diff < 0, so one signed-by-unsigned product rounds the right way.
  return mulWadUp(diff > 0n ? sizeWad : neg(sizeWad, "fundingOwed: −size"), abs(diff));
}

/* MARGIN */

/** One margin tier (MarketTypes.sol `MarginTier`): positions with notional up to `maxNotionalWad` use its fractions. */
export interface MarginTier {
  /** Upper bound of the tier's position notional (USD, wad; uint128). */
  maxNotionalWad: bigint;
  /** Initial margin fraction (wad; uint64). */
  imfWad: bigint;
  /** Maintenance margin fraction (wad; uint64). */
  mmfWad: bigint;
}

/** Open-interest scaled initial margin and the OI cap (MarketTypes.sol `MarginParams`). */
export interface MarginParams {
  /** OI-scaled initial margin fraction at zero open interest (wad; uint64). */
  imfLowWad: bigint;
  /** OI-scaled initial margin fraction at or past saturation (wad; uint64). */
  imfHighWad: bigint;
  /** Open interest (one side, base units, wad; uint128) at which the scaled fraction reaches `imfHighWad`. */
  oiSaturationWad: bigint;
  /** Cap on open interest per side (base units, wad; uint128). Not used by the formulas here. */
  maxOpenInterestWad: bigint;
}

/**
 * Unrealized PnL `size · mark − openNotional`, the value term rounded down. Mirrors `PositionMath.unrealizedPnl`.
 * @param sizeWad The signed size (base units, wad).
 * @param openNotionalWad The signed cost basis (USD, wad).
 * @param markWad The mark price (wad).
 * @returns Signed USD wad.
 */
export function unrealizedPnl(sizeWad: bigint, openNotionalWad: bigint, markWad: bigint): bigint {
  return checkedInt(mulWadDown(sizeWad, markWad) - openNotionalWad, "unrealizedPnl: value − basis");
}

/**
 * `|size| · mark`, rounded up (requirements are debits). Mirrors `PositionMath.notional`.
 * @param sizeWad The signed size (base units, wad).
 * @param markWad The mark price (wad).
 * @returns USD wad.
 */
export function notional(sizeWad: bigint, markWad: bigint): bigint {
  return mulDiv(abs(sizeWad), markWad, WAD, true, "notional");
}

/**
 * The tier that applies to a position of `notionalWad`: the first whose cap covers it, else the last. Mirrors
 * `PositionMath.tierFor`.
 * @param tiers The market's tiers, sorted by `maxNotionalWad`.
 * @param notionalWad The position's notional (USD, wad).
 * @throws {MathPanicError} 0x11 when `tiers` is empty (`tiers.length - 1` underflows on chain).
 */
export function tierFor(tiers: readonly MarginTier[], notionalWad: bigint): MarginTier {
  if (tiers.length === 0) {
    throw new MathPanicError(PanicCode.ArithmeticOverflow, "tierFor: the market has no margin tiers");
  }
  const last = tiers.length - 1;
  for (let i = 0; i < last; ++i) {
    if (notionalWad <= tiers[i].maxNotionalWad) return tiers[i];
  }
  return tiers[last];
}

/**
 * The initial margin fraction `max(tierImf, imfLow + (imfHigh − imfLow) · min(1, OI / oiSaturation))`, the scaled
 * term rounded up. Mirrors `PositionMath.initialMarginFraction`.
 * @param tier The position's tier (see {@link tierFor}).
 * @param params The market's margin parameters.
 * @param openInterestWad The market's open interest (one side, base units, wad).
 * @returns The fraction (wad).
 * @throws {MathPanicError} 0x11 when `imfHighWad < imfLowWad` and OI is below saturation (uint64 underflow).
 */
export function initialMarginFraction(tier: MarginTier, params: MarginParams, openInterestWad: bigint): bigint {
  let scaled = params.imfLowWad;
  if (openInterestWad >= params.oiSaturationWad) {
    scaled = params.imfHighWad;
  } else {
    const span = checkedUint(
      params.imfHighWad - params.imfLowWad,
      "initialMarginFraction: imfHigh − imfLow",
      UINT64_MAX,
      "uint64",
    );
    scaled = checkedUint(
      scaled + mulDiv(span, openInterestWad, params.oiSaturationWad, true, "initialMarginFraction"),
      "initialMarginFraction: imfLow + scaled",
    );
  }
  return max(tier.imfWad, scaled);
}

/** The result of {@link requirements}: one position's margin requirements (USD, wad). */
export interface Requirements {
  /** Initial margin. */
  initialWad: bigint;
  /** Maintenance margin. */
  maintenanceWad: bigint;
}

/**
 * The initial and maintenance requirements of one position at `markWad` (DESIGN §6): `notional · fraction`, rounded
 * up; for BOUNDED markets each is capped by the worst-case loss from the mark (long: size · mark, short:
 * |size| · (1 − mark)). Mirrors `PositionMath.requirements`.
 * @param kind The market's kind.
 * @param tiers The market's margin tiers (non-empty unless `sizeWad` is 0).
 * @param params The market's margin parameters.
 * @param openInterestWad The market's open interest (base units, wad).
 * @param sizeWad The signed size (base units, wad).
 * @param markWad The mark price (wad).
 */
export function requirements(
  kind: MarketKind,
  tiers: readonly MarginTier[],
  params: MarginParams,
  openInterestWad: bigint,
  sizeWad: bigint,
  markWad: bigint,
): Requirements {
  if (sizeWad === 0n) return { initialWad: 0n, maintenanceWad: 0n };
  const notionalWad = notional(sizeWad, markWad);
  const tier = tierFor(tiers, notionalWad);
  let initialWad = mulDiv(
    notionalWad,
    initialMarginFraction(tier, params, openInterestWad),
    WAD,
    true,
    "requirements: initial",
  );
  let maintenanceWad = mulDiv(notionalWad, tier.mmfWad, WAD, true, "requirements: maintenance");
  if (kind === MarketKind.Bounded) {
    const worstWad = sizeWad > 0n ? notionalWad : notional(sizeWad, WAD - min(markWad, WAD));
    initialWad = min(initialWad, worstWad);
    maintenanceWad = min(maintenanceWad, worstWad);
  }
  return { initialWad, maintenanceWad };
}

/**
 * The mark of one market at which an account reaches maintenance, other marks held still (DESIGN §8). Mirrors
 * `PositionMath.liquidationPrice`.
 *
 * Solves `equity + size · (p − mark) = mmOther + |size| · p · mmf` for p, with the position's current maintenance
 * fraction and without the BOUNDED worst-case cap. A long is liquidated at or below the result, a short at or above
 * it; 0 when no positive price qualifies. Rounded toward the current mark (the warning comes early).
 * @param sizeWad The position's size (nonzero; base units, wad).
 * @param markWad The market's current mark (wad).
 * @param equityWad The account's equity including any pending withdrawal (USD wad).
 * @param otherMaintenanceWad Maintenance margin of the account's other positions (USD wad).
 * @param mmfWad The position's maintenance fraction (wad).
 * @returns The liquidation price (wad), or 0.
 * @throws {MathPanicError} 0x12 when the denominator `|size| · (1 ∓ mmf)` rounds to 0 (e.g. `sizeWad` = 0 with a
 *   negative numerator), 0x11 when `mmfWad > 1e18` for a long.
 */
export function liquidationPrice(
  sizeWad: bigint,
  markWad: bigint,
  equityWad: bigint,
  otherMaintenanceWad: bigint,
  mmfWad: bigint,
): bigint {
  const absSize = abs(sizeWad);
  // Cash the account could lose before maintenance, were this position's own requirement zero.
  const numerator = checkedInt(
    checkedInt(toInt256Wrapping(otherMaintenanceWad) - equityWad, "liquidationPrice: mmOther − equity") +
      mulWadDown(sizeWad, markWad),
    "liquidationPrice: numerator",
  );
  if (sizeWad > 0n) {
    if (numerator <= 0n) return 0n;
    const oneMinusMmf = checkedUint(WAD - mmfWad, "liquidationPrice: 1 − mmf");
    return mulDiv(
      toUint256Wrapping(numerator),
      WAD,
      mulDiv(absSize, oneMinusMmf, WAD, false, "liquidationPrice: long denominator"),
      true,
      "liquidationPrice: long",
    );
  }
  if (numerator >= 0n) return 0n;
  const onePlusMmf = checkedUint(WAD + mmfWad, "liquidationPrice: 1 + mmf");
  return mulDiv(
    toUint256Wrapping(neg(numerator, "liquidationPrice: −numerator")),
    WAD,
    mulDiv(absSize, onePlusMmf, WAD, true, "liquidationPrice: short denominator"),
    false,
    "liquidationPrice: short",
  );
}

/**
 * The price at which closing the whole `sizeWad` brings an account with `deficitWad` of negative equity to zero,
 * other marks held (DESIGN §8): `mark + deficit / size`, the offset rounded down (toward the mark, so counterparties
 * never give up more than the deficit), clamped to [0, 1e18] for BOUNDED and to ≥ 0 for ASSET. Mirrors
 * `PositionMath.bankruptcyPrice`.
 * @param kind The market's kind.
 * @param sizeWad The bankrupt position's size (nonzero, signed wad).
 * @param markWad The mark (wad).
 * @param deficitWad The account's negative equity, as a positive amount (USD wad).
 * @returns The bankruptcy price (wad).
 * @throws {MathPanicError} 0x12 when `sizeWad` is 0.
 */
export function bankruptcyPrice(kind: MarketKind, sizeWad: bigint, markWad: bigint, deficitWad: bigint): bigint {
  const offsetWad = mulDiv(deficitWad, WAD, abs(sizeWad), false, "bankruptcyPrice");
  if (sizeWad < 0n) return offsetWad >= markWad ? 0n : markWad - offsetWad;
  const priceWad = checkedUint(markWad + offsetWad, "bankruptcyPrice: mark + offset");
  return kind === MarketKind.Bounded ? min(priceWad, WAD) : priceWad;
}

/**
 * The auto-deleveraging rank score of a position (DESIGN §8): `profit ratio · notional / equity` (wad), the profit
 * ratio being `mark / entry` for a long and `entry / mark` for a short. Mirrors `PositionMath.adlScore`.
 * @param sizeWad The position's size (signed wad).
 * @param openNotionalWad Its cost basis (signed USD wad).
 * @param markWad The mark (wad).
 * @param pnlWad Its unrealized PnL minus pending funding (USD wad).
 * @param equityWad The account's equity, pending withdrawal included (USD wad).
 * @returns 0 for a flat or unprofitable position; `2^256 − 1` for a profitable one with equity ≤ 0.
 */
export function adlScore(
  sizeWad: bigint,
  openNotionalWad: bigint,
  markWad: bigint,
  pnlWad: bigint,
  equityWad: bigint,
): bigint {
  if (sizeWad === 0n || pnlWad <= 0n) return 0n;
  if (equityWad <= 0n) return UINT256_MAX;
  const entryNotionalWad = max(abs(openNotionalWad), 1n);
  const notionalWad = notional(sizeWad, markWad);
  const ratioWad =
    sizeWad > 0n
      ? mulDiv(notionalWad, WAD, entryNotionalWad, false, "adlScore: long ratio")
      : mulDiv(entryNotionalWad, WAD, max(notionalWad, 1n), false, "adlScore: short ratio");
  return mulDiv(ratioWad, notionalWad, equityWad, false, "adlScore");
}

/**
 * The most a book liquidation may close of a position in one call (base units, wad): the whole position, or when its
 * notional at the mark is above `partialThresholdWad`, `partialFractionWad` of its size rounded up to a whole lot and
 * never past the position. Mirrors `BookLiquidation._target` (DESIGN §8 partial liquidation).
 * @param sizeWad The position's signed size (wad).
 * @param markWad The mark (wad).
 * @param lotSizeWad The market's lot size (wad, > 0).
 * @param partialFractionWad The fraction closed per call (wad).
 * @param partialThresholdWad The notional above which liquidation is partial (USD wad).
 * @throws {MathPanicError} 0x12 when `lotSizeWad` is 0.
 */
export function liquidationCloseSize(
  sizeWad: bigint,
  markWad: bigint,
  lotSizeWad: bigint,
  partialFractionWad: bigint,
  partialThresholdWad: bigint,
): bigint {
  const absSize = abs(sizeWad);
  if (notional(sizeWad, markWad) <= partialThresholdWad) return absSize;
  const partialWad = mulDiv(absSize, partialFractionWad, WAD, true, "liquidationCloseSize: fraction");
  return min(mulDiv(partialWad, 1n, lotSizeWad, true, "liquidationCloseSize: lots") * lotSizeWad, absSize);
}

/** The result of {@link withinBand}. */
export interface BandCheck {
  /** Whether the price is within the band. */
  within: boolean;
  /** The largest distance from the mark allowed (wad, rounded down). */
  maxDeltaWad: bigint;
}

/**
 * Whether a price is within `maxDeviationWad` of `markWad`: relative for ASSET (`mark · maxDeviation`, rounded
 * down), absolute for BOUNDED. Mirrors `PositionMath.withinBand`.
 * @param kind The market's kind.
 * @param priceWad The price to check (wad).
 * @param markWad The mark (wad).
 * @param maxDeviationWad The band (wad: a fraction for ASSET, a price distance for BOUNDED).
 */
export function withinBand(kind: MarketKind, priceWad: bigint, markWad: bigint, maxDeviationWad: bigint): BandCheck {
  const maxDeltaWad =
    kind === MarketKind.Bounded ? maxDeviationWad : mulDiv(markWad, maxDeviationWad, WAD, false, "withinBand");
  const delta = priceWad > markWad ? priceWad - markWad : markWad - priceWad;
  return { within: delta <= maxDeltaWad, maxDeltaWad };
}

/* ORDERS */

const FLAG_BUY = 1 << 0;
const FLAG_POST_ONLY = 1 << 2;
const FLAG_IOC = 1 << 3;
const FLAG_STOP = 1 << 4;
const FLAG_TAKE_PROFIT = 1 << 5;
const FLAGS_RESERVED = 0xc0;

/**
 * Whether a combination of order flags (uint8) is valid: no reserved bit, not post-only with IOC, not stop with
 * take-profit. Mirrors `OrderLib.flagsValid` (bits above 7 are ignored, as the chain only sees a uint8).
 * @param flags The order's flag byte.
 */
export function flagsValid(flags: number): boolean {
  return (
    (flags & FLAGS_RESERVED) === 0 &&
    (flags & (FLAG_POST_ONLY | FLAG_IOC)) !== (FLAG_POST_ONLY | FLAG_IOC) &&
    (flags & (FLAG_STOP | FLAG_TAKE_PROFIT)) !== (FLAG_STOP | FLAG_TAKE_PROFIT)
  );
}

/**
 * Whether a conditional order may fill at `markWad`. A stop fills once the mark has crossed the trigger in the
 * adverse direction (a buy stop at mark ≥ trigger, a sell stop at mark ≤ trigger); a take-profit in the favourable
 * one (a buy at mark ≤ trigger, a sell at mark ≥ trigger). Plain orders always may. Mirrors `OrderLib.triggered`
 * (with both bits set, as `flagsValid` forbids, the stop rule applies).
 * @param flags The order's flag byte.
 * @param triggerPriceWad The order's trigger price (wad).
 * @param markWad The market's mark (wad).
 */
export function triggered(flags: number, triggerPriceWad: bigint, markWad: bigint): boolean {
  const stop = (flags & FLAG_STOP) !== 0;
  if (!stop && (flags & FLAG_TAKE_PROFIT) === 0) return true;
  // A buy stop and a sell take-profit both wait for the mark to rise to the trigger.
  const waitsForRise = stop === ((flags & FLAG_BUY) !== 0);
  return waitsForRise ? markWad >= triggerPriceWad : markWad <= triggerPriceWad;
}

/* ACCOUNT MARGIN */

/** One open position as {@link positionMargin} and {@link accountMargin} need it, with its market's state. */
export interface PositionMarginInput {
  /** The market's kind. */
  kind: MarketKind;
  /** The market's margin tiers (`registry.riskParams(id).tiers`). */
  tiers: readonly MarginTier[];
  /** The market's margin parameters (`registry.riskParams(id).margin`). */
  margin: MarginParams;
  /** The market's open interest (`pm.marketState(id).openInterestWad`; base units, wad). */
  openInterestWad: bigint;
  /** The position's signed size (base units, wad). */
  sizeWad: bigint;
  /** The position's signed cost basis (USD, wad). */
  openNotionalWad: bigint;
  /** The market's mark (wad). */
  markWad: bigint;
  /** Funding the position owes (> 0) or is owed (< 0) (`pm.position(account, id).pendingFundingWad`; USD wad). */
  pendingFundingWad: bigint;
}

/** The result of {@link positionMargin}: one position's contribution to equity and its requirements (USD, wad). */
export interface PositionMarginResult {
  /** Unrealized PnL minus pending funding. */
  valueWad: bigint;
  /** Initial margin. */
  initialWad: bigint;
  /** Maintenance margin. */
  maintenanceWad: bigint;
}

/**
 * One position's contribution to equity (unrealized PnL − pending funding) and its requirements; all zero for a zero
 * size. Mirrors `Ledger.positionMargin`.
 */
export function positionMargin(p: PositionMarginInput): PositionMarginResult {
  if (p.sizeWad === 0n) return { valueWad: 0n, initialWad: 0n, maintenanceWad: 0n };
  const valueWad = checkedInt(
    unrealizedPnl(p.sizeWad, p.openNotionalWad, p.markWad) - p.pendingFundingWad,
    "positionMargin: PnL − funding",
  );
  const { initialWad, maintenanceWad } = requirements(
    p.kind,
    p.tiers,
    p.margin,
    p.openInterestWad,
    p.sizeWad,
    p.markWad,
  );
  return { valueWad, initialWad, maintenanceWad };
}

/** An account's margin, shaped as the `AccountMargin` struct of IPositionManager.sol (USD, wad). */
export interface AccountMarginResult {
  /** Credited vault balance (pending withdrawals excluded). */
  balanceWad: bigint;
  /** Amount waiting in a withdrawal request (counts for maintenance, not for opening risk). */
  pendingWithdrawalWad: bigint;
  /** Σ (size · mark − openNotional), each term rounded down. */
  unrealizedPnlWad: bigint;
  /** Σ pending funding, each rounded up (owed > 0). */
  pendingFundingWad: bigint;
  /** balance + unrealized PnL − pending funding: the equity initial margin is checked against. */
  equityWad: bigint;
  /** Σ initial requirements, each rounded up (BOUNDED: capped by the worst-case loss). */
  initialMarginWad: bigint;
  /** Σ maintenance requirements, each rounded up (BOUNDED: capped by the worst-case loss). */
  maintenanceMarginWad: bigint;
}

/**
 * An account's margin from its balance and open positions, as `PositionManager.accountMargin` computes it at the
 * given marks. Mirrors `PositionManager._accountMargin` (with `Ledger.positionMargin` per position). As on chain
 * (`Ledger.pendingFunding`), a zero-size position owes no funding whatever `pendingFundingWad` says.
 *
 * For maintenance and the margin ratio, DESIGN §3 counts the pending withdrawal as equity:
 * `equityWad + pendingWithdrawalWad` (see `accountHealth`).
 * @param balanceWad The vault balance (`vault.balanceWad(account)`; signed USD wad).
 * @param pendingWithdrawalWad The pending withdrawal in wad (`vault.toWad(vault.pendingWithdrawal(account).amount)`).
 * @param positions The account's open positions with their markets' state, in any order.
 */
export function accountMargin(
  balanceWad: bigint,
  pendingWithdrawalWad: bigint,
  positions: readonly PositionMarginInput[],
): AccountMarginResult {
  let unrealizedPnlWad = 0n;
  let pendingFundingWad = 0n;
  let initialMarginWad = 0n;
  let maintenanceMarginWad = 0n;
  for (const p of positions) {
    const funding = p.sizeWad === 0n ? 0n : p.pendingFundingWad;
    const { valueWad, initialWad, maintenanceWad } = positionMargin({ ...p, pendingFundingWad: funding });
    unrealizedPnlWad = checkedInt(
      unrealizedPnlWad + checkedInt(valueWad + funding, "accountMargin: value + funding"),
      "accountMargin: Σ unrealized PnL",
    );
    pendingFundingWad = checkedInt(pendingFundingWad + funding, "accountMargin: Σ pending funding");
    initialMarginWad = checkedUint(initialMarginWad + initialWad, "accountMargin: Σ initial margin");
    maintenanceMarginWad = checkedUint(maintenanceMarginWad + maintenanceWad, "accountMargin: Σ maintenance margin");
  }
  const equityWad = checkedInt(
    checkedInt(balanceWad + unrealizedPnlWad, "accountMargin: balance + PnL") - pendingFundingWad,
    "accountMargin: equity",
  );
  return {
    balanceWad,
    pendingWithdrawalWad,
    unrealizedPnlWad,
    pendingFundingWad,
    equityWad,
    initialMarginWad,
    maintenanceMarginWad,
  };
}
