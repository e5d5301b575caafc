// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IMarginEngine
/// @notice What the CollateralVault asks of the margin engine (the PositionManager) before money leaves an account.
interface IMarginEngine {
    /// @notice Reverts, with the engine's own custom error, unless `account`'s equity counting only its credited
    ///         vault balance (pending withdrawals excluded) is at least its initial margin at the on-chain mark.
    /// @dev Called by the vault when a withdrawal is requested and again when it is executed (DESIGN §3).
    function requireInitialMargin(address account) external view;
}
