// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title WadMath
/// @notice Fixed-point arithmetic on 18-decimal numbers ("wad": 1e18 = 1.0) with the rounding named in each function.
/// @dev Keel rounds against the user: debits up, credits down (DESIGN §2). Callers pick the direction by name.
library WadMath {
    uint256 internal constant WAD = 1e18;

    /// @dev (x * y) / 1e18, rounded down.
    function mulWadDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, y, WAD);
    }

    /// @dev |a - b| for unsigned values.
    function absDiff(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a - b : b - a;
    }
}
