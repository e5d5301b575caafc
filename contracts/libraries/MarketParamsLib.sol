// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import "../interfaces/MarketTypes.sol";
import {IMarketRegistry} from "../interfaces/IMarketRegistry.sol";

/// @title MarketParamsLib
/// @notice The hard bounds of every market parameter, in one place. Not even the admin can set a value outside them.
/// @dev Each check reverts `IMarketRegistry.MarketParamOutOfBounds(param, value, min, max)`.
library MarketParamsLib {
    uint256 internal constant WAD = 1e18;

    // Trading
    uint256 internal constant MAX_LOT_SIZE_WAD = 1e24;
    uint256 internal constant MAX_TICK_SIZE_WAD = 1e24;
    uint256 internal constant MAX_ASSET_PRICE_WAD = 1e30; // 1e12 USD per unit of base
    /// @dev Positions are stored as int96 (PositionManager): no position can exceed the open-interest cap.
    uint256 internal constant MAX_OPEN_INTEREST_WAD = uint256(uint96(type(int96).max));
    uint256 internal constant MIN_BOUNDED_EPSILON_WAD = 1e12; // ε ≥ 1e-6
    uint256 internal constant MAX_BOUNDED_EPSILON_WAD = 0.1e18; // ε ≤ 10%
    uint256 internal constant MIN_DEVIATION_WAD = 1e14; // 0.01%
    uint256 internal constant MAX_DEVIATION_WAD = 0.5e18; // 50%
    // Fees
    int256 internal constant MIN_MAKER_FEE_WAD = -0.001e18; // 0.1% rebate
    int256 internal constant MAX_FEE_WAD = 0.01e18; // 1%
    // Margin
    uint256 internal constant MIN_IMF_WAD = 0.001e18; // 1000x
    uint256 internal constant MIN_MMF_WAD = 0.0005e18;
    uint256 internal constant MAX_TIERS = 8;
    // Funding
    uint256 internal constant MIN_FUNDING_INTERVAL_SEC = 300;
    uint256 internal constant MAX_FUNDING_INTERVAL_SEC = 8 hours;
    uint256 internal constant MIN_FUNDING_CAP_WAD = 0.0001e18; // 0.01% per hour
    uint256 internal constant MAX_FUNDING_CAP_WAD = 0.04e18; // 4% per hour (DESIGN §7)
    uint256 internal constant MAX_INTEREST_RATE_8H_WAD = 0.001e18; // 0.1% per 8 h
    // Liquidation
    uint256 internal constant MAX_LIQUIDATION_FEE_WAD = 0.05e18;
    uint256 internal constant MIN_PARTIAL_FRACTION_WAD = 0.01e18;
    uint256 internal constant MAX_COOLDOWN_SEC = 1 hours;
    uint256 internal constant MIN_PERMISSIONLESS_AFTER_SEC = 30;
    uint256 internal constant MAX_PERMISSIONLESS_AFTER_SEC = 1 days;
    // Oracle
    uint256 internal constant MAX_STALENESS_SEC = 1 hours;
    uint256 internal constant MAX_HYPERCORE_SZ_DECIMALS = 6;
    // Lifecycle
    uint256 internal constant MIN_FREEZE_AFTER_SEC = 1 minutes;
    uint256 internal constant MAX_FREEZE_AFTER_SEC = 7 days;
    uint256 internal constant MIN_RESOLVING_TIME_SEC = 1 hours;
    uint256 internal constant MAX_RESOLVING_TIME_SEC = 30 days;
    uint256 internal constant MIN_DISPUTE_WINDOW_SEC = 10 minutes;
    uint256 internal constant MAX_DISPUTE_WINDOW_SEC = 7 days;

    /// @dev Checks min ≤ value ≤ max for unsigned values.
    function check(string memory param, uint256 value, uint256 min, uint256 max) internal pure {
        if (value < min || value > max) {
            revert IMarketRegistry.MarketParamOutOfBounds(param, _toInt(value), _toInt(min), _toInt(max));
        }
    }

    /// @dev Checks min ≤ value ≤ max for signed values.
    function checkSigned(string memory param, int256 value, int256 min, int256 max) internal pure {
        if (value < min || value > max) revert IMarketRegistry.MarketParamOutOfBounds(param, value, min, max);
    }

    function validateTrading(MarketKind kind, TradingParams calldata p) internal pure {
        check("lotSizeWad", p.lotSizeWad, 1, MAX_LOT_SIZE_WAD);
        check("tickSizeWad", p.tickSizeWad, 1, MAX_TICK_SIZE_WAD);
        if (kind == MarketKind.Bounded) {
            // [ε, 1−ε] while trading (DESIGN §3)
            check("minPriceWad", p.minPriceWad, MIN_BOUNDED_EPSILON_WAD, MAX_BOUNDED_EPSILON_WAD);
            check("maxPriceWad", p.maxPriceWad, WAD - MAX_BOUNDED_EPSILON_WAD, WAD - MIN_BOUNDED_EPSILON_WAD);
            check("tickSizeWad", p.tickSizeWad, 1, p.minPriceWad);
        } else {
            check("minPriceWad", p.minPriceWad, 1, MAX_ASSET_PRICE_WAD - 1);
            check("maxPriceWad", p.maxPriceWad, uint256(p.minPriceWad) + 1, MAX_ASSET_PRICE_WAD);
        }
        check("maxFillDeviationWad", p.maxFillDeviationWad, MIN_DEVIATION_WAD, MAX_DEVIATION_WAD);
    }

    function validateFees(FeeParams calldata p) internal pure {
        check("takerFeeWad", p.takerFeeWad, 0, uint256(MAX_FEE_WAD));
        // A maker rebate is paid out of the taker fee, so it can never exceed it.
        int256 minMaker = -int256(uint256(p.takerFeeWad));
        checkSigned(
            "makerFeeWad",
            p.makerFeeWad,
            minMaker > MIN_MAKER_FEE_WAD ? minMaker : MIN_MAKER_FEE_WAD,
            MAX_FEE_WAD
        );
        check("insuranceShareWad", p.insuranceShareWad, 0, WAD);
    }

    function validateMargin(MarginParams calldata p) internal pure {
        check("imfLowWad", p.imfLowWad, MIN_IMF_WAD, WAD);
        check("imfHighWad", p.imfHighWad, p.imfLowWad, WAD);
        check("oiSaturationWad", p.oiSaturationWad, 1, type(uint128).max);
        check("maxOpenInterestWad", p.maxOpenInterestWad, 1, MAX_OPEN_INTEREST_WAD);
    }

    function validateTiers(MarginTier[] calldata tiers) internal pure {
        check("tiers.length", tiers.length, 1, MAX_TIERS);
        for (uint256 i; i < tiers.length; ++i) {
            MarginTier calldata t = tiers[i];
            check("tier.imfWad", t.imfWad, MIN_IMF_WAD, WAD);
            check("tier.mmfWad", t.mmfWad, MIN_MMF_WAD, uint256(t.imfWad) - 1);
            if (i > 0) {
                MarginTier calldata prev = tiers[i - 1];
                if (t.maxNotionalWad <= prev.maxNotionalWad || t.imfWad < prev.imfWad || t.mmfWad < prev.mmfWad) {
                    revert IMarketRegistry.MarketTiersNotAscending(i);
                }
            }
        }
    }

    function validateFunding(FundingParams calldata p) internal pure {
        check("fundingIntervalSec", p.fundingIntervalSec, MIN_FUNDING_INTERVAL_SEC, MAX_FUNDING_INTERVAL_SEC);
        check("fundingCapWad", p.fundingCapWad, MIN_FUNDING_CAP_WAD, MAX_FUNDING_CAP_WAD);
        check("interestRate8hWad", p.interestRate8hWad, 0, MAX_INTEREST_RATE_8H_WAD);
    }

    function validateLiquidation(LiquidationParams calldata p) internal pure {
        check("liquidationFeeWad", p.liquidationFeeWad, 0, MAX_LIQUIDATION_FEE_WAD);
        check("partialFractionWad", p.partialFractionWad, MIN_PARTIAL_FRACTION_WAD, WAD);
        check("liquidationBandWad", p.liquidationBandWad, MIN_DEVIATION_WAD, MAX_DEVIATION_WAD);
        check("cooldownSec", p.cooldownSec, 0, MAX_COOLDOWN_SEC);
        check(
            "permissionlessAfterSec",
            p.permissionlessAfterSec,
            MIN_PERMISSIONLESS_AFTER_SEC,
            MAX_PERMISSIONLESS_AFTER_SEC
        );
        check("maxLiquidationNotionalPerBlockWad", p.maxLiquidationNotionalPerBlockWad, 1, type(uint128).max);
    }

    function validateOracle(MarketKind kind, OracleParams calldata p) internal pure {
        check("maxStalenessSec", p.maxStalenessSec, 1, MAX_STALENESS_SEC);
        check("maxPushDeviationWad", p.maxPushDeviationWad, MIN_DEVIATION_WAD, MAX_DEVIATION_WAD);
        // HyperCore lists perps of assets only: a BOUNDED market has no HyperCore price.
        uint256 maxMode = kind == MarketKind.Bounded ? uint256(HyperCoreMode.None) : uint256(HyperCoreMode.Index);
        check("hyperCoreMode", uint256(p.hyperCoreMode), 0, maxMode);
        check("hyperCoreSzDecimals", p.hyperCoreSzDecimals, 0, MAX_HYPERCORE_SZ_DECIMALS);
        check("maxRefDeviationWad", p.maxRefDeviationWad, MIN_DEVIATION_WAD, MAX_DEVIATION_WAD);
    }

    function validateLifecycle(LifecycleParams calldata p) internal pure {
        check("freezeAfterSec", p.freezeAfterSec, MIN_FREEZE_AFTER_SEC, MAX_FREEZE_AFTER_SEC);
        check("maxResolvingTimeSec", p.maxResolvingTimeSec, MIN_RESOLVING_TIME_SEC, MAX_RESOLVING_TIME_SEC);
        check("disputeWindowSec", p.disputeWindowSec, MIN_DISPUTE_WINDOW_SEC, MAX_DISPUTE_WINDOW_SEC);
    }

    /// @dev Every bound above is far below 2^255, so the cast never wraps.
    function _toInt(uint256 x) private pure returns (int256) {
        return x > uint256(type(int256).max) ? type(int256).max : int256(x);
    }
}
