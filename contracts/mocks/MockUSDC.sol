// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title MockUSDC
/// @notice A 6-decimal USD coin with EIP-2612 permit and an open mint, for local networks and tests only.
/// @dev Warning: anyone can mint. The deploy scripts never deploy it on a live network.
contract MockUSDC is ERC20, ERC20Permit {
    constructor() ERC20("USD Coin (Keel mock)", "USDC") ERC20Permit("USD Coin (Keel mock)") {}

    /// @notice Mints `amount` token units (1e6 = 1 USDC) to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
