// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Order} from "../interfaces/IPositionManager.sol";

/// @title OrderLib
/// @notice The `Order` EIP-712 type, its flag bits and the trigger rule (DESIGN §4).
library OrderLib {
    /// @dev keccak256 of the type string, exactly as wallets hash it.
    bytes32 internal constant ORDER_TYPEHASH = keccak256(
        "Order(address account,uint32 marketId,uint8 flags,uint64 nonce,uint64 expiry,"
        "uint128 size,uint128 price,uint128 triggerPrice)"
    );

    uint8 internal constant FLAG_BUY = 1 << 0;
    uint8 internal constant FLAG_REDUCE_ONLY = 1 << 1;
    uint8 internal constant FLAG_POST_ONLY = 1 << 2;
    uint8 internal constant FLAG_IOC = 1 << 3;
    uint8 internal constant FLAG_STOP = 1 << 4;
    uint8 internal constant FLAG_TAKE_PROFIT = 1 << 5;
    /// @dev Bits 6 and 7 are reserved and must be zero.
    uint8 internal constant FLAGS_RESERVED = 0xc0;

    /// @notice The EIP-712 struct hash of `order`.
    /// @dev The ABI encoding of a static struct is its fields padded to 32 bytes in order, which is EIP-712's
    ///      `encodeData` for these atomic types.
    function structHash(Order calldata order) internal pure returns (bytes32) {
        return keccak256(abi.encode(ORDER_TYPEHASH, order));
    }

    /// @notice Whether the order buys.
    function isBuy(uint8 flags) internal pure returns (bool) {
        return flags & FLAG_BUY != 0;
    }

    /// @notice Whether a combination of flags is valid: no reserved bit, not post-only with IOC, not stop with
    ///         take-profit.
    function flagsValid(uint8 flags) internal pure returns (bool) {
        return
            flags & FLAGS_RESERVED == 0 &&
            flags & (FLAG_POST_ONLY | FLAG_IOC) != (FLAG_POST_ONLY | FLAG_IOC) &&
            flags & (FLAG_STOP | FLAG_TAKE_PROFIT) != (FLAG_STOP | FLAG_TAKE_PROFIT);
    }

    /// @notice Whether a conditional order may fill at `markWad`. A stop fills once the mark has crossed the trigger
    ///         in the adverse direction (a buy stop at mark ≥ trigger, a sell stop at mark ≤ trigger); a take-profit in
    ///         the favourable one (a buy at mark ≤ trigger, a sell at mark ≥ trigger). Plain orders always may.
    function triggered(uint8 flags, uint256 triggerPriceWad, uint256 markWad) internal pure returns (bool) {
        bool stop = flags & FLAG_STOP != 0;
        if (!stop && flags & FLAG_TAKE_PROFIT == 0) return true;
        // A buy stop and a sell take-profit both wait for the mark to rise to the trigger.
        bool waitsForRise = stop == isBuy(flags);
        return waitsForRise ? markWad >= triggerPriceWad : markWad <= triggerPriceWad;
    }
}
