// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IHyperCorePriceSource
/// @notice Reads a HyperCore perp's oracle and mark prices and the L1 block number through HyperEVM's read
///         precompiles (oracle price 0x…0807, mark price 0x…0806, L1 block number 0x…0809), scaled to wad.
/// @dev A precompile called with invalid input consumes all the gas it is given, so every read runs under a fixed
///      gas stipend. Raw perp prices are uint64 in units of 10^−(6 − szDecimals) USD, so
///      `priceWad = raw · 10^(12 + szDecimals)`.
interface IHyperCorePriceSource {
    /// @notice The precompile at `precompile` failed, ran out of its stipend, returned malformed data or a zero
    ///         price for perp `perpIndex`.
    error HyperCoreReadFailed(address precompile, uint32 perpIndex);
    /// @notice `szDecimals` is above 6, which HyperCore perps never have.
    error HyperCoreInvalidSzDecimals(uint8 szDecimals);

    /// @notice A perp's prices at the current HyperCore state.
    /// @param perpIndex HyperCore perp index (BTC = 0 on mainnet).
    /// @param szDecimals The perp's size decimals (BTC: 5).
    /// @return oraclePriceWad HyperCore's oracle price (USD, wad).
    /// @return markPriceWad HyperCore's mark price (USD, wad).
    /// @return l1BlockNumber The HyperCore L1 block the prices are read at.
    /// @dev Reverts `HyperCoreReadFailed`, `HyperCoreInvalidSzDecimals`.
    function readPerp(
        uint32 perpIndex,
        uint8 szDecimals
    ) external view returns (uint256 oraclePriceWad, uint256 markPriceWad, uint64 l1BlockNumber);
}
