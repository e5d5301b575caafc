// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title KeelTimelock
/// @notice The admin of every Keel contract on live networks: an unmodified OpenZeppelin `TimelockController`.
/// @dev Every admin action (role grants, parameter changes, activation) waits `minDelay` seconds after it is
///      proposed, so users can leave before a change they disagree with takes effect.
contract KeelTimelock is TimelockController {
    /// @param minDelay Seconds between scheduling and executing an operation.
    /// @param proposers Accounts that may schedule (and cancel) operations: the operations multisig.
    /// @param executors Accounts that may execute ready operations (the zero address: anyone).
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors
    ) TimelockController(minDelay, proposers, executors, address(0)) {}
}
