// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMarginEngine} from "../interfaces/IMarginEngine.sol";

/// @title MockMarginEngine
/// @notice A margin engine whose initial-margin verdict is set by the test, until the PositionManager exists.
contract MockMarginEngine is IMarginEngine {
    /// @notice Raised by `requireInitialMargin` for an account marked under-margined.
    error MockInsufficientMargin(address account);

    mapping(address => bool) public underMargined;

    function setUnderMargined(address account, bool value) external {
        underMargined[account] = value;
    }

    /// @inheritdoc IMarginEngine
    function requireInitialMargin(address account) external view {
        if (underMargined[account]) revert MockInsufficientMargin(account);
    }
}
