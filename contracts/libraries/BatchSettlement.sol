// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPositionManager, Order, Fill} from "../interfaces/IPositionManager.sol";
import {Ledger} from "./Ledger.sol";
import {SettlementCore} from "./SettlementCore.sol";

/// @title BatchSettlement
/// @notice `settleBatch` (DESIGN §5), deployed as an external library and run by delegatecall in the
///         PositionManager's context, so that the PositionManager stays under the contract size limit.
/// @dev The machinery is {SettlementCore}'s; this library is its entry point for matched batches.
library BatchSettlement {
    /// @notice Settles a batch in the PositionManager's context (see {IPositionManager-settleBatch}); the caller has
    ///         checked the role and reentrancy.
    /// @param paused Whether the protocol is paused: then every fill must reduce a position.
    function settle(
        Ledger.Deps memory deps,
        uint64 batchId,
        bool paused,
        Order[] calldata orders,
        bytes[] calldata signatures,
        Fill[] calldata fills
    ) external {
        Ledger.State storage $ = Ledger.state();
        if (batchId != $.nextBatchId) revert IPositionManager.BatchIdMismatch(batchId, $.nextBatchId);
        uint256 orderCount = orders.length;
        if (orderCount != signatures.length || fills.length == 0) {
            revert IPositionManager.BatchMalformed(orderCount, signatures.length, fills.length);
        }
        $.nextBatchId = batchId + 1;

        SettlementCore.Batch memory b = SettlementCore.newBatch(deps, batchId, orderCount);
        b.paused = paused;
        for (uint256 i; i < fills.length; ++i) {
            b.fillIndex = i;
            SettlementCore.applyFill(b, orders, signatures, fills[i]);
        }
        SettlementCore.commit(b, orders);
        emit IPositionManager.BatchSettled(batchId, fills.length, b.accountCount);
    }
}
