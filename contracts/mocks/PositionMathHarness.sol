// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarginParams, MarginTier, MarketKind} from "../interfaces/MarketTypes.sol";
import {OrderLib} from "../libraries/OrderLib.sol";
import {PositionMath} from "../libraries/PositionMath.sol";

/// @title PositionMathHarness
/// @notice Tests only: exposes PositionMath and OrderLib so the SDK's bigint mirrors can be checked against them.
contract PositionMathHarness {
    function applyFill(int256 s, int256 n, int256 d, uint256 p) external pure returns (int256, int256, int256) {
        return PositionMath.applyFill(s, n, d, p);
    }

    function tradingFee(uint256 size, uint256 price, int256 fee) external pure returns (int256) {
        return PositionMath.tradingFee(size, price, fee);
    }

    function fundingOwed(int256 size, int256 last, int256 current) external pure returns (int256) {
        return PositionMath.fundingOwed(size, last, current);
    }

    function unrealizedPnl(int256 size, int256 openNotional, uint256 mark) external pure returns (int256) {
        return PositionMath.unrealizedPnl(size, openNotional, mark);
    }

    function initialMarginFraction(
        MarginTier calldata tier,
        MarginParams calldata params,
        uint256 oi
    ) external pure returns (uint256) {
        return PositionMath.initialMarginFraction(tier, params, oi);
    }

    function requirements(
        MarketKind kind,
        MarginTier[] calldata tiers,
        MarginParams calldata params,
        uint256 oi,
        int256 size,
        uint256 mark
    ) external pure returns (uint256, uint256) {
        return PositionMath.requirements(kind, tiers, params, oi, size, mark);
    }

    function liquidationPrice(
        int256 size,
        uint256 mark,
        int256 equity,
        uint256 otherMaintenance,
        uint256 mmf
    ) external pure returns (uint256) {
        return PositionMath.liquidationPrice(size, mark, equity, otherMaintenance, mmf);
    }

    function withinBand(
        MarketKind kind,
        uint256 price,
        uint256 mark,
        uint256 dev
    ) external pure returns (bool, uint256) {
        return PositionMath.withinBand(kind, price, mark, dev);
    }

    function triggered(uint8 flags, uint256 trigger, uint256 mark) external pure returns (bool) {
        return OrderLib.triggered(flags, trigger, mark);
    }

    function flagsValid(uint8 flags) external pure returns (bool) {
        return OrderLib.flagsValid(flags);
    }

    function bankruptcyPrice(
        MarketKind kind,
        int256 size,
        uint256 mark,
        uint256 deficit
    ) external pure returns (uint256) {
        return PositionMath.bankruptcyPrice(kind, size, mark, deficit);
    }

    function adlScore(
        int256 size,
        int256 openNotional,
        uint256 mark,
        int256 pnl,
        int256 equity
    ) external pure returns (uint256) {
        return PositionMath.adlScore(size, openNotional, mark, pnl, equity);
    }
}
