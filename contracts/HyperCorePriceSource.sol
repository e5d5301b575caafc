// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IHyperCorePriceSource} from "./interfaces/IHyperCorePriceSource.sol";

/// @title HyperCorePriceSource
/// @notice The on-chain HyperCore price source of Keel. See {IHyperCorePriceSource}.
/// @dev Stateless; the OracleRegistry calls it under its own gas stipend inside try/catch.
contract HyperCorePriceSource is IHyperCorePriceSource {
    /// @notice HyperCore read precompile: perp mark price by perp index.
    address public constant MARK_PX_PRECOMPILE = 0x0000000000000000000000000000000000000806;
    /// @notice HyperCore read precompile: perp oracle price by perp index.
    address public constant ORACLE_PX_PRECOMPILE = 0x0000000000000000000000000000000000000807;
    /// @notice HyperCore read precompile: current L1 block number.
    address public constant L1_BLOCK_NUMBER_PRECOMPILE = 0x0000000000000000000000000000000000000809;
    /// @notice Gas given to one precompile read. HyperCore charges 2000 + 65 · output bytes (≈ 4,100 for a word);
    ///         an invalid read burns the whole stipend, and no more.
    uint256 public constant PRECOMPILE_GAS_STIPEND = 10_000;

    /// @inheritdoc IHyperCorePriceSource
    function readPerp(
        uint32 perpIndex,
        uint8 szDecimals
    ) external view returns (uint256 oraclePriceWad, uint256 markPriceWad, uint64 l1BlockNumber) {
        if (szDecimals > 6) revert HyperCoreInvalidSzDecimals(szDecimals);
        uint256 scale = 10 ** (12 + uint256(szDecimals));
        bytes memory input = abi.encode(perpIndex);
        oraclePriceWad = _readWord(ORACLE_PX_PRECOMPILE, input, perpIndex) * scale;
        markPriceWad = _readWord(MARK_PX_PRECOMPILE, input, perpIndex) * scale;
        l1BlockNumber = uint64(_readWord(L1_BLOCK_NUMBER_PRECOMPILE, "", perpIndex));
    }

    /// @dev One precompile read under the stipend; the answer must be one non-zero word that fits a uint64.
    function _readWord(address precompile, bytes memory input, uint32 perpIndex) private view returns (uint256 value) {
        (bool ok, bytes memory output) = precompile.staticcall{gas: PRECOMPILE_GAS_STIPEND}(input);
        if (!ok || output.length != 32) revert HyperCoreReadFailed(precompile, perpIndex);
        value = abi.decode(output, (uint256));
        if (value == 0 || value > type(uint64).max) revert HyperCoreReadFailed(precompile, perpIndex);
    }
}
