// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title MockHyperCorePrecompile
/// @notice Stands in for a HyperCore read precompile in tests: its runtime code is installed at 0x…0806, 0x…0807 or
///         0x…0809 with `hardhat_setCode`, then configured by calling the setters at that address.
/// @dev Like the real precompiles it takes `abi.encode(uint32 index)` (empty for the L1 block number) with no
///      selector and answers `abi.encode(uint64)`. Modes reproduce the failures HyperCore can show.
contract MockHyperCorePrecompile {
    enum Mode {
        Normal,
        Revert,
        BurnAllGas,
        Malformed
    }

    mapping(uint32 => uint64) public values;
    Mode public mode;

    function setValue(uint32 index, uint64 value) external {
        values[index] = value;
    }

    function setMode(Mode newMode) external {
        mode = newMode;
    }

    // solhint-disable-next-line no-complex-fallback
    fallback(bytes calldata input) external returns (bytes memory) {
        Mode current = mode;
        // solhint-disable-next-line gas-custom-errors
        if (current == Mode.Revert) revert();
        if (current == Mode.BurnAllGas) {
            // An invalid precompile input consumes all the gas it was given.
            // solhint-disable-next-line no-inline-assembly
            assembly {
                invalid()
            }
        }
        if (current == Mode.Malformed) return abi.encode(uint256(1), uint256(2));
        uint32 index = input.length == 0 ? 0 : abi.decode(input, (uint32));
        return abi.encode(values[index]);
    }
}
