// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {MarginParams, MarginTier, MarketKind} from "../interfaces/MarketTypes.sol";

/// @title PositionMath
/// @notice The one place for Keel's position, PnL, fee, funding and margin formulas (DESIGN §6, §7). The SDK's bigint
///         mirrors (keepers/sdk/math.ts) follow this file line by line.
/// @dev Every rounding goes against the user (DESIGN §2): amounts an account pays or a cost basis it carries round
///      toward +∞, amounts it receives round toward −∞. Sizes are signed base units, prices unsigned, both wad.
library PositionMath {
    uint256 internal constant WAD = 1e18;

    /* ROUNDING PRIMITIVES */

    /// @dev `a · b / 1e18` for signed `a`, rounded toward +∞ (a debit or a cost basis: against the user).
    function mulWadUp(int256 a, uint256 b) internal pure returns (int256) {
        uint256 m = Math.mulDiv(SignedMath.abs(a), b, WAD, a >= 0 ? Math.Rounding.Ceil : Math.Rounding.Floor);
        return a >= 0 ? int256(m) : -int256(m);
    }

    /// @dev `a · b / 1e18` for signed `a`, rounded toward −∞ (a credit or a value: against the user).
    function mulWadDown(int256 a, uint256 b) internal pure returns (int256) {
        uint256 m = Math.mulDiv(SignedMath.abs(a), b, WAD, a >= 0 ? Math.Rounding.Floor : Math.Rounding.Ceil);
        return a >= 0 ? int256(m) : -int256(m);
    }

    /* FILLS */

    /// @notice Applies a fill of signed `deltaWad` at `priceWad` to a position (size, openNotional).
    /// @dev Opening or adding: the basis grows by `delta · price`, rounded up. Reducing: the closed fraction of the
    ///      basis, `openNotional · |delta| / |size|` rounded up, leaves it, and the account realizes the trade's cash
    ///      (`−delta · price`, rounded down) minus that basis. A flip closes the whole position, then opens the rest.
    /// @return newSizeWad The size after the fill.
    /// @return newOpenNotionalWad The cost basis after the fill.
    /// @return realizedPnlWad USD credited (> 0) or debited (< 0) to the account's balance.
    function applyFill(
        int256 sizeWad,
        int256 openNotionalWad,
        int256 deltaWad,
        uint256 priceWad
    ) internal pure returns (int256 newSizeWad, int256 newOpenNotionalWad, int256 realizedPnlWad) {
        newSizeWad = sizeWad + deltaWad;
        if (sizeWad == 0 || (sizeWad > 0) == (deltaWad > 0)) {
            return (newSizeWad, openNotionalWad + mulWadUp(deltaWad, priceWad), 0);
        }
        uint256 absSize = SignedMath.abs(sizeWad);
        uint256 absDelta = SignedMath.abs(deltaWad);
        if (absDelta <= absSize) {
            int256 closedBasis = _fractionUp(openNotionalWad, absDelta, absSize);
            realizedPnlWad = -mulWadUp(deltaWad, priceWad) - closedBasis;
            newOpenNotionalWad = openNotionalWad - closedBasis;
        } else {
            // Flip: close `-sizeWad` against the whole basis, then open the remainder.
            realizedPnlWad = -mulWadUp(-sizeWad, priceWad) - openNotionalWad;
            newOpenNotionalWad = mulWadUp(newSizeWad, priceWad);
        }
    }

    /// @dev `x · num / den` for signed `x`, rounded toward +∞ (`num ≤ den`, so no overflow).
    function _fractionUp(int256 x, uint256 num, uint256 den) private pure returns (int256) {
        uint256 m = Math.mulDiv(SignedMath.abs(x), num, den, x >= 0 ? Math.Rounding.Ceil : Math.Rounding.Floor);
        return x >= 0 ? int256(m) : -int256(m);
    }

    /// @notice A trading fee on `sizeWad · priceWad` at the signed rate `feeWad`: a charge (> 0) rounded up, a rebate
    ///         (< 0) rounded toward zero.
    function tradingFee(uint256 sizeWad, uint256 priceWad, int256 feeWad) internal pure returns (int256) {
        uint256 rate = SignedMath.abs(feeWad);
        if (feeWad >= 0) return int256(Math.mulDiv(sizeWad * priceWad, rate, WAD * WAD, Math.Rounding.Ceil));
        return -int256(Math.mulDiv(sizeWad * priceWad, rate, WAD * WAD));
    }

    /* FUNDING */

    /// @notice Funding a position owes between two readings of the cumulative index (> 0 pays, < 0 receives).
    /// @dev `size · (cumulativeNow − cumulativeLast)`, rounded toward +∞: payers pay up, receivers receive down, so
    ///      funding paid ≥ funding received (DESIGN §13.4).
    function fundingOwed(
        int256 sizeWad,
        int256 cumulativeLastWad,
        int256 cumulativeNowWad
    ) internal pure returns (int256) {
        int256 diff = cumulativeNowWad - cumulativeLastWad;
        if (sizeWad == 0 || diff == 0) return 0;
        // size · diff = (−size) · |diff| when diff < 0, so one signed-by-unsigned product rounds the right way.
        return mulWadUp(diff > 0 ? sizeWad : -sizeWad, SignedMath.abs(diff));
    }

    /* MARGIN */

    /// @notice Unrealized PnL `size · mark − openNotional`, the value term rounded down.
    function unrealizedPnl(int256 sizeWad, int256 openNotionalWad, uint256 markWad) internal pure returns (int256) {
        return mulWadDown(sizeWad, markWad) - openNotionalWad;
    }

    /// @notice |size| · mark, rounded up (requirements are debits).
    function notional(int256 sizeWad, uint256 markWad) internal pure returns (uint256) {
        return Math.mulDiv(SignedMath.abs(sizeWad), markWad, WAD, Math.Rounding.Ceil);
    }

    /// @notice The tier that applies to a position of `notionalWad`: the first whose cap covers it, else the last.
    function tierFor(MarginTier[] memory tiers, uint256 notionalWad) internal pure returns (MarginTier memory) {
        uint256 last = tiers.length - 1;
        for (uint256 i; i < last; ++i) {
            if (notionalWad <= tiers[i].maxNotionalWad) return tiers[i];
        }
        return tiers[last];
    }

    /// @notice imf = max(tierImf, imfLow + (imfHigh − imfLow) · min(1, OI / oiSaturation)), the scaled term rounded up.
    function initialMarginFraction(
        MarginTier memory tier,
        MarginParams memory params,
        uint256 openInterestWad
    ) internal pure returns (uint256) {
        uint256 scaled = params.imfLowWad;
        if (openInterestWad >= params.oiSaturationWad) {
            scaled = params.imfHighWad;
        } else {
            scaled += Math.mulDiv(
                params.imfHighWad - params.imfLowWad,
                openInterestWad,
                params.oiSaturationWad,
                Math.Rounding.Ceil
            );
        }
        return Math.max(tier.imfWad, scaled);
    }

    /// @notice The initial and maintenance requirements of one position at `markWad` (DESIGN §6).
    /// @dev `notional · fraction`, rounded up; for BOUNDED markets each is capped by the worst-case loss from the mark
    ///      (long: size · mark, short: |size| · (1 − mark)), so fully collateralised positions are always allowed.
    function requirements(
        MarketKind kind,
        MarginTier[] memory tiers,
        MarginParams memory params,
        uint256 openInterestWad,
        int256 sizeWad,
        uint256 markWad
    ) internal pure returns (uint256 initialWad, uint256 maintenanceWad) {
        if (sizeWad == 0) return (0, 0);
        uint256 notionalWad = notional(sizeWad, markWad);
        MarginTier memory tier = tierFor(tiers, notionalWad);
        initialWad = Math.mulDiv(
            notionalWad,
            initialMarginFraction(tier, params, openInterestWad),
            WAD,
            Math.Rounding.Ceil
        );
        maintenanceWad = Math.mulDiv(notionalWad, tier.mmfWad, WAD, Math.Rounding.Ceil);
        if (kind == MarketKind.Bounded) {
            uint256 worstWad = sizeWad > 0 ? notionalWad : notional(sizeWad, WAD - Math.min(markWad, WAD));
            initialWad = Math.min(initialWad, worstWad);
            maintenanceWad = Math.min(maintenanceWad, worstWad);
        }
    }

    /// @notice The mark of one market at which an account reaches maintenance, other marks held still (DESIGN §8).
    /// @dev Solves `equity + size · (p − mark) = mmOther + |size| · p · mmf` for p, with the position's current
    ///      maintenance fraction (its tier at the current notional) and without the BOUNDED worst-case cap. A long is
    ///      liquidatable below the result, a short above it (at the result equity ≥ maintenance); 0 when no positive
    ///      price qualifies. Rounded toward the current mark (the warning comes early).
    /// @param sizeWad The position's size (nonzero).
    /// @param markWad The market's current mark.
    /// @param equityWad The account's equity including any pending withdrawal (the maintenance basis).
    /// @param otherMaintenanceWad Maintenance margin of the account's other positions.
    /// @param mmfWad The position's maintenance fraction.
    function liquidationPrice(
        int256 sizeWad,
        uint256 markWad,
        int256 equityWad,
        uint256 otherMaintenanceWad,
        uint256 mmfWad
    ) internal pure returns (uint256) {
        uint256 absSize = SignedMath.abs(sizeWad);
        // Cash the account could lose before maintenance, were this position's own requirement zero.
        int256 numerator = int256(otherMaintenanceWad) - equityWad + mulWadDown(sizeWad, markWad);
        if (sizeWad > 0) {
            if (numerator <= 0) return 0;
            return Math.mulDiv(uint256(numerator), WAD, Math.mulDiv(absSize, WAD - mmfWad, WAD), Math.Rounding.Ceil);
        }
        if (numerator >= 0) return 0;
        return Math.mulDiv(uint256(-numerator), WAD, Math.mulDiv(absSize, WAD + mmfWad, WAD, Math.Rounding.Ceil));
    }

    /// @notice Whether a price is within `maxDeviationWad` of `markWad`: relative for ASSET, absolute for BOUNDED.
    /// @return within Whether it is.
    /// @return maxDeltaWad The largest distance allowed (rounded down).
    function withinBand(
        MarketKind kind,
        uint256 priceWad,
        uint256 markWad,
        uint256 maxDeviationWad
    ) internal pure returns (bool within, uint256 maxDeltaWad) {
        maxDeltaWad = kind == MarketKind.Bounded ? maxDeviationWad : Math.mulDiv(markWad, maxDeviationWad, WAD);
        uint256 delta = priceWad > markWad ? priceWad - markWad : markWad - priceWad;
        within = delta <= maxDeltaWad;
    }

    /* LIQUIDATION WATERFALL */

    /// @notice The price at which closing the whole `sizeWad` brings an account with `deficitWad` of negative equity to
    ///         zero, other marks held (DESIGN §8): `mark + deficit / size` — a long is sold above the mark, a short
    ///         bought below it.
    /// @dev The offset `deficit / |size|` is rounded down (toward the mark), so counterparties never give up more than
    ///      the deficit. Clamped to [0, 1e18] for BOUNDED markets and to ≥ 0 for ASSET. `sizeWad` must not be 0.
    function bankruptcyPrice(
        MarketKind kind,
        int256 sizeWad,
        uint256 markWad,
        uint256 deficitWad
    ) internal pure returns (uint256) {
        uint256 offsetWad = Math.mulDiv(deficitWad, WAD, SignedMath.abs(sizeWad));
        if (sizeWad < 0) return offsetWad >= markWad ? 0 : markWad - offsetWad;
        uint256 priceWad = markWad + offsetWad;
        return kind == MarketKind.Bounded ? Math.min(priceWad, WAD) : priceWad;
    }

    /// @notice The auto-deleveraging rank score of a position (DESIGN §8): `profit ratio · notional / equity`, the
    ///         profit ratio being `mark / entry` for a long and `entry / mark` for a short (entry = |openNotional| /
    ///         |size|, so the ratio is `notional / |openNotional|` or its inverse). Wad, each step rounded down.
    /// @param pnlWad The position's unrealized PnL minus pending funding.
    /// @param equityWad The account's equity (maintenance basis).
    /// @return 0 for a flat or unprofitable position; `type(uint256).max` for a profitable one with equity ≤ 0.
    function adlScore(
        int256 sizeWad,
        int256 openNotionalWad,
        uint256 markWad,
        int256 pnlWad,
        int256 equityWad
    ) internal pure returns (uint256) {
        if (sizeWad == 0 || pnlWad <= 0) return 0;
        if (equityWad <= 0) return type(uint256).max;
        uint256 entryNotionalWad = Math.max(SignedMath.abs(openNotionalWad), 1);
        uint256 notionalWad = notional(sizeWad, markWad);
        uint256 ratioWad =
            sizeWad > 0
                ? Math.mulDiv(notionalWad, WAD, entryNotionalWad)
                : Math.mulDiv(entryNotionalWad, WAD, Math.max(notionalWad, 1));
        return Math.mulDiv(ratioWad, notionalWad, uint256(equityWad));
    }
}
