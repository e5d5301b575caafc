// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStatus} from "./MarketTypes.sol";

/// @title IOracleRegistry
/// @notice The one choke point for prices (DESIGN §3, §7): the oracle keeper pushes index and mark prices for many
///         markets in one transaction, every push is guarded on chain, and every read of a price used to move value
///         reverts `OracleStale` when the price is too old.
/// @dev Guards on each push, per market: the market is priced (Draft, Active or Resolving); the timestamp is newer
///      than the last, not in the future and not older than `maxStalenessSec`; index and mark are within the price
///      bounds (ASSET: [minPrice, maxPrice]; BOUNDED: [ε, 1−ε] while Draft or Active, [0, 1] while Resolving); each
///      moved at most `maxPushDeviationWad` from the last snapshot (relative for ASSET, absolute for BOUNDED); and,
///      where HyperCore is configured, each within `maxRefDeviationWad` of HyperCore's price.
interface IOracleRegistry {
    /// @notice Where a snapshot's prices came from.
    /// @dev `Keeper`: pushed, no HyperCore configured. `KeeperCheckedByHyperCore`: pushed and within the HyperCore
    ///      reference. `HyperCoreIndex`: index read from HyperCore, mark pushed and checked.
    ///      `KeeperHyperCoreUnavailable`: HyperCore is configured but its read failed, so the pushed prices were taken
    ///      unchecked (event emitted).
    enum PriceSource {
        None,
        Keeper,
        KeeperCheckedByHyperCore,
        HyperCoreIndex,
        KeeperHyperCoreUnavailable
    }

    /// @notice The last accepted prices of a market and their provenance.
    /// @dev Bit layout: slot 0 = indexWad | markWad; slot 1 = timestamp | maxStalenessSec | source |
    ///      hyperCoreL1Block; slot 2 = reporter. A price read touches slots 0 and 1 only.
    struct PriceSnapshot {
        uint128 indexWad;
        uint128 markWad;
        /// The keeper's observation time (seconds), not the block time.
        uint64 timestamp;
        /// The market's `maxStalenessSec` when the snapshot was taken; reads use it (a change applies from the next
        /// push).
        uint32 maxStalenessSec;
        PriceSource source;
        /// The HyperCore L1 block number the reference was read at (0 when HyperCore was not read).
        uint64 hyperCoreL1Block;
        /// The account that pushed the snapshot.
        address reporter;
    }

    /* ERRORS */

    /// @notice The price of `marketId` was observed at `timestamp`, more than `maxStalenessSec` before `nowTimestamp`.
    error OracleStale(uint32 marketId, uint64 timestamp, uint32 maxStalenessSec, uint256 nowTimestamp);
    /// @notice `marketsLength` market ids were given with `indexLength` index and `markLength` mark prices.
    error OracleLengthMismatch(uint256 marketsLength, uint256 indexLength, uint256 markLength);
    /// @notice `marketId` is in `status`, which takes no prices (Resolved or Settled). An unlisted id reverts
    ///         `IMarketRegistry.MarketNotFound`.
    error OracleMarketNotPriced(uint32 marketId, MarketStatus status);
    /// @notice The push for `marketId` is dated `timestamp`, not after the last snapshot's `lastTimestamp`.
    error OracleTimestampNotIncreasing(uint32 marketId, uint64 timestamp, uint64 lastTimestamp);
    /// @notice The push is dated `timestamp`, after the block time `nowTimestamp`.
    error OracleTimestampInFuture(uint64 timestamp, uint256 nowTimestamp);
    /// @notice The push for `marketId` is dated `timestamp`, already stale at `nowTimestamp`.
    error OracleTimestampTooOld(uint32 marketId, uint64 timestamp, uint256 nowTimestamp);
    /// @notice A pushed price `priceWad` of `marketId` is outside [`minPriceWad`, `maxPriceWad`].
    error OraclePriceOutOfBounds(uint32 marketId, uint256 priceWad, uint256 minPriceWad, uint256 maxPriceWad);
    /// @notice A pushed price of `marketId` moved from `lastPriceWad` to `priceWad`, more than `maxDeltaWad`.
    error OracleDeviationExceeded(uint32 marketId, uint256 lastPriceWad, uint256 priceWad, uint256 maxDeltaWad);
    /// @notice A pushed price `priceWad` of `marketId` is more than `maxDeltaWad` away from HyperCore's `referenceWad`.
    error OracleReferenceDeviation(uint32 marketId, uint256 priceWad, uint256 referenceWad, uint256 maxDeltaWad);

    /// @notice `source` is neither the zero address nor a contract: every HyperCore read would fail undecodably and
    ///         halt the pushes of markets that use HyperCore.
    error OracleHyperCoreSourceWithoutCode(address source);

    /* EVENTS */

    /// @notice New prices were accepted for `marketId`.
    event PricesPushed(
        uint32 indexed marketId,
        uint256 indexWad,
        uint256 markWad,
        uint64 timestamp,
        PriceSource source,
        address indexed reporter
    );
    /// @notice HyperCore was configured for `marketId` but could not be read; the push went through unchecked.
    event HyperCoreUnavailable(uint32 indexed marketId, bytes reason);
    /// @notice The HyperCore source contract changed.
    event HyperCoreSourceUpdated(address oldSource, address newSource);

    /* PUSH (ORACLE_ROLE) */

    /// @notice Records index and mark prices for several markets observed at one `timestamp`.
    /// @dev All or nothing: the first failing guard reverts the whole push naming the market (the keeper clamps
    ///      first, so a correct keeper never trips a guard). Reverts `OracleLengthMismatch`, `OracleTimestampInFuture`,
    ///      `OracleMarketNotPriced`, `OracleTimestampNotIncreasing`, `OracleTimestampTooOld`,
    ///      `OraclePriceOutOfBounds`, `OracleDeviationExceeded`, `OracleReferenceDeviation`.
    function pushPrices(
        uint32[] calldata marketIds,
        uint256[] calldata indexWad,
        uint256[] calldata markWad,
        uint64 timestamp
    ) external;

    /* ADMIN (DEFAULT_ADMIN_ROLE) */

    /// @notice Sets the HyperCore source contract (the zero address disables HyperCore reads everywhere).
    /// @dev Reverts `OracleHyperCoreSourceWithoutCode` for an address with no code.
    function setHyperCoreSource(address source) external;

    /* READS */

    /// @notice The fresh mark price of `marketId` (wad). Reverts `OracleStale`.
    function markPrice(uint32 marketId) external view returns (uint256 markWad);
    /// @notice The fresh index price of `marketId` (wad). Reverts `OracleStale`.
    function indexPrice(uint32 marketId) external view returns (uint256 indexWad);
    /// @notice The fresh index and mark of `marketId` in one call (wad). Reverts `OracleStale`.
    function prices(uint32 marketId) external view returns (uint256 indexWad, uint256 markWad);
    /// @notice The last snapshot of `marketId`, fresh or not (zeroes when none): for the dead-man switch and audits.
    function snapshot(uint32 marketId) external view returns (PriceSnapshot memory);
    /// @notice Whether the last snapshot of `marketId` is within its `maxStalenessSec`.
    function isFresh(uint32 marketId) external view returns (bool);
    /// @notice The market registry the guards are read from.
    function marketRegistry() external view returns (address);
    /// @notice The HyperCore source contract (zero when disabled).
    function hyperCoreSource() external view returns (address);
}
