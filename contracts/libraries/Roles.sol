// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Roles
/// @notice The access-control roles of Keel, each named after the job its holder does (DESIGN §3).
/// @dev The admin of every role is `DEFAULT_ADMIN_ROLE`, held by an OpenZeppelin `TimelockController` on real networks.
library Roles {
    /// @notice Settles batches of matched signed orders (the matcher keeper).
    bytes32 internal constant MATCHER_ROLE = keccak256("MATCHER_ROLE");
    /// @notice Pushes index and mark prices (the oracle keeper).
    bytes32 internal constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    /// @notice Applies the hourly funding payment (the funding keeper).
    bytes32 internal constant FUNDING_ROLE = keccak256("FUNDING_ROLE");
    /// @notice Liquidates under-margined accounts against the book (the liquidator keeper).
    bytes32 internal constant LIQUIDATOR_ROLE = keccak256("LIQUIDATOR_ROLE");
    /// @notice Auto-deleverages profitable positions when the insurance fund cannot cover bad debt.
    bytes32 internal constant ADL_ROLE = keccak256("ADL_ROLE");
    /// @notice Moves markets into resolution and proposes their final price.
    bytes32 internal constant RESOLVER_ROLE = keccak256("RESOLVER_ROLE");
    /// @notice Pauses new risk (never the reduction of risk).
    bytes32 internal constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Lists markets, sets their parameters within hard bounds, and activates them.
    bytes32 internal constant MARKET_ADMIN_ROLE = keccak256("MARKET_ADMIN_ROLE");
    /// @notice Moves markets through resolution (Resolving, Resolved, Settled): held by the PositionManager only.
    bytes32 internal constant LIFECYCLE_ENGINE_ROLE = keccak256("LIFECYCLE_ENGINE_ROLE");
    /// @notice Signs the insurance fund's backstop unwind orders (ERC-1271): an operator key of the fund.
    bytes32 internal constant BACKSTOP_OPERATOR_ROLE = keccak256("BACKSTOP_OPERATOR_ROLE");
    /// @notice Moves balances between vault accounts: held by the margin engine contracts only, never by a person.
    bytes32 internal constant MARGIN_ENGINE_ROLE = keccak256("MARGIN_ENGINE_ROLE");
}
