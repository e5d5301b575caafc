// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import "./interfaces/MarketTypes.sol";
import {IMarketRegistry} from "./interfaces/IMarketRegistry.sol";
import {IOracleRegistry} from "./interfaces/IOracleRegistry.sol";
import {IHyperCorePriceSource} from "./interfaces/IHyperCorePriceSource.sol";
import {Roles} from "./libraries/Roles.sol";
import {WadMath} from "./libraries/WadMath.sol";

/// @title OracleRegistry
/// @notice Guarded price snapshots of every market. See {IOracleRegistry}.
contract OracleRegistry is IOracleRegistry, AccessControl {
    using SafeCast for uint256;
    using WadMath for uint256;

    /// @notice See {Roles-ORACLE_ROLE}.
    bytes32 public constant ORACLE_ROLE = Roles.ORACLE_ROLE;
    /// @notice Gas given to one HyperCore source call (three precompile reads of 10,000 gas at most, plus overhead).
    uint256 public constant HYPERCORE_CALL_GAS = 50_000;

    IMarketRegistry private immutable _registry;
    IHyperCorePriceSource private _hyperCore;
    mapping(uint32 => PriceSnapshot) private _snapshots;

    /// @dev The guards of one market for one push, read once from the registry.
    struct Guards {
        MarketKind kind;
        uint256 minPriceWad;
        uint256 maxPriceWad;
        OracleParams oracle;
    }

    /// @param registry The market registry whose parameters guard every push.
    /// @param admin Holder of `DEFAULT_ADMIN_ROLE` (a `TimelockController` on real networks).
    /// @param hyperCore The HyperCore source (zero to disable HyperCore reads).
    constructor(IMarketRegistry registry, address admin, IHyperCorePriceSource hyperCore) {
        _registry = registry;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setHyperCoreSource(address(hyperCore));
    }

    /* PUSH */

    /// @inheritdoc IOracleRegistry
    function pushPrices(
        uint32[] calldata marketIds,
        uint256[] calldata indexWad,
        uint256[] calldata markWad,
        uint64 timestamp
    ) external onlyRole(ORACLE_ROLE) {
        uint256 length = marketIds.length;
        if (indexWad.length != length || markWad.length != length) {
            revert OracleLengthMismatch(length, indexWad.length, markWad.length);
        }
        if (timestamp > block.timestamp) revert OracleTimestampInFuture(timestamp, block.timestamp);
        for (uint256 i; i < length; ++i) {
            _push(marketIds[i], indexWad[i], markWad[i], timestamp);
        }
    }

    /* ADMIN */

    /// @inheritdoc IOracleRegistry
    function setHyperCoreSource(address source) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setHyperCoreSource(source);
    }

    /* READS */

    /// @inheritdoc IOracleRegistry
    function markPrice(uint32 marketId) external view returns (uint256 markWad) {
        return _fresh(marketId).markWad;
    }

    /// @inheritdoc IOracleRegistry
    function indexPrice(uint32 marketId) external view returns (uint256 indexWad) {
        return _fresh(marketId).indexWad;
    }

    /// @inheritdoc IOracleRegistry
    function prices(uint32 marketId) external view returns (uint256 indexWad, uint256 markWad) {
        PriceSnapshot storage s = _fresh(marketId);
        return (s.indexWad, s.markWad);
    }

    /// @inheritdoc IOracleRegistry
    function snapshot(uint32 marketId) external view returns (PriceSnapshot memory) {
        return _snapshots[marketId];
    }

    /// @inheritdoc IOracleRegistry
    function isFresh(uint32 marketId) external view returns (bool) {
        PriceSnapshot storage s = _snapshots[marketId];
        return _isFresh(s.timestamp, s.maxStalenessSec);
    }

    /// @inheritdoc IOracleRegistry
    function marketRegistry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IOracleRegistry
    function hyperCoreSource() external view returns (address) {
        return address(_hyperCore);
    }

    /* INTERNAL */

    /// @dev try/catch cannot catch a call to an address without code (the return data fails to decode), so such a
    ///      source is refused here rather than halting pushes later.
    function _setHyperCoreSource(address source) private {
        if (source != address(0) && source.code.length == 0) revert OracleHyperCoreSourceWithoutCode(source);
        emit HyperCoreSourceUpdated(address(_hyperCore), source);
        _hyperCore = IHyperCorePriceSource(source);
    }

    function _push(uint32 marketId, uint256 indexWad, uint256 markWad, uint64 timestamp) private {
        Guards memory g;
        MarketStatus status;
        (g.kind, status, g.minPriceWad, g.maxPriceWad, g.oracle) = _registry.oracleGuards(marketId);
        if (status != MarketStatus.Draft && status != MarketStatus.Active && status != MarketStatus.Resolving) {
            revert OracleMarketNotPriced(marketId, status);
        }
        PriceSnapshot storage last = _snapshots[marketId];
        uint64 lastTimestamp = last.timestamp;
        if (timestamp <= lastTimestamp) revert OracleTimestampNotIncreasing(marketId, timestamp, lastTimestamp);
        if (uint256(timestamp) + g.oracle.maxStalenessSec < block.timestamp) {
            revert OracleTimestampTooOld(marketId, timestamp, block.timestamp);
        }
        if (g.kind == MarketKind.Bounded && status == MarketStatus.Resolving) {
            // A resolving event market converges to its outcome: the whole [0, 1] range is allowed.
            (g.minPriceWad, g.maxPriceWad) = (0, WadMath.WAD);
        }

        (uint256 hyperCoreIndexWad, PriceSource source, uint64 l1Block) = _checkHyperCore(
            marketId,
            g,
            indexWad,
            markWad
        );
        if (source == PriceSource.HyperCoreIndex) {
            // HyperCore is the index here: bounded, but not clamped against the keeper's last value.
            indexWad = hyperCoreIndexWad;
        } else if (lastTimestamp != 0) {
            _checkDeviation(marketId, g, last.indexWad, indexWad);
        }
        if (lastTimestamp != 0) _checkDeviation(marketId, g, last.markWad, markWad);
        _checkBounds(marketId, g, indexWad);
        _checkBounds(marketId, g, markWad);

        _snapshots[marketId] = PriceSnapshot({
            indexWad: indexWad.toUint128(),
            markWad: markWad.toUint128(),
            timestamp: timestamp,
            maxStalenessSec: g.oracle.maxStalenessSec,
            source: source,
            hyperCoreL1Block: l1Block,
            reporter: msg.sender
        });
        emit PricesPushed(marketId, indexWad, markWad, timestamp, source, msg.sender);
    }

    /// @dev Reads HyperCore when configured and checks the pushed prices against it.
    /// @return hyperCoreIndexWad HyperCore's oracle price (0 when not read).
    /// @return source The provenance of the snapshot.
    /// @return l1Block The HyperCore L1 block read at (0 when not read).
    function _checkHyperCore(
        uint32 marketId,
        Guards memory g,
        uint256 indexWad,
        uint256 markWad
    ) private returns (uint256 hyperCoreIndexWad, PriceSource source, uint64 l1Block) {
        IHyperCorePriceSource hyperCore = _hyperCore;
        if (g.oracle.hyperCoreMode == HyperCoreMode.None || address(hyperCore) == address(0)) {
            return (0, PriceSource.Keeper, 0);
        }
        try
            hyperCore.readPerp{gas: HYPERCORE_CALL_GAS}(g.oracle.hyperCorePerpIndex, g.oracle.hyperCoreSzDecimals)
        returns (uint256 oraclePriceWad, uint256 markPriceWad, uint64 l1BlockNumber) {
            _checkReference(marketId, g, markWad, markPriceWad);
            if (g.oracle.hyperCoreMode == HyperCoreMode.Index) {
                return (oraclePriceWad, PriceSource.HyperCoreIndex, l1BlockNumber);
            }
            _checkReference(marketId, g, indexWad, oraclePriceWad);
            return (oraclePriceWad, PriceSource.KeeperCheckedByHyperCore, l1BlockNumber);
        } catch (bytes memory reason) {
            // HyperCore down must not stop the exchange: take the keeper's guarded prices and say so.
            emit HyperCoreUnavailable(marketId, reason);
            return (0, PriceSource.KeeperHyperCoreUnavailable, 0);
        }
    }

    function _checkReference(uint32 marketId, Guards memory g, uint256 priceWad, uint256 referenceWad) private pure {
        uint256 maxDeltaWad = referenceWad.mulWadDown(g.oracle.maxRefDeviationWad);
        if (priceWad.absDiff(referenceWad) > maxDeltaWad) {
            revert OracleReferenceDeviation(marketId, priceWad, referenceWad, maxDeltaWad);
        }
    }

    /// @dev Relative clamp for ASSET (a fraction of the last price), absolute for BOUNDED.
    function _checkDeviation(uint32 marketId, Guards memory g, uint256 lastWad, uint256 priceWad) private pure {
        uint256 maxDeltaWad =
            g.kind == MarketKind.Bounded
                ? g.oracle.maxPushDeviationWad
                : lastWad.mulWadDown(g.oracle.maxPushDeviationWad);
        if (priceWad.absDiff(lastWad) > maxDeltaWad) {
            revert OracleDeviationExceeded(marketId, lastWad, priceWad, maxDeltaWad);
        }
    }

    function _checkBounds(uint32 marketId, Guards memory g, uint256 priceWad) private pure {
        if (priceWad < g.minPriceWad || priceWad > g.maxPriceWad) {
            revert OraclePriceOutOfBounds(marketId, priceWad, g.minPriceWad, g.maxPriceWad);
        }
    }

    function _fresh(uint32 marketId) private view returns (PriceSnapshot storage s) {
        s = _snapshots[marketId];
        if (!_isFresh(s.timestamp, s.maxStalenessSec)) {
            revert OracleStale(marketId, s.timestamp, s.maxStalenessSec, block.timestamp);
        }
    }

    /// @dev A snapshot never taken (timestamp 0) is stale.
    function _isFresh(uint64 timestamp, uint32 maxStalenessSec) private view returns (bool) {
        return timestamp != 0 && block.timestamp <= uint256(timestamp) + maxStalenessSec;
    }
}
