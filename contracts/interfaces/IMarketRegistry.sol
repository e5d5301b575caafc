// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import "./MarketTypes.sol";

/// @title IMarketRegistry
/// @notice The list of Keel markets and every parameter that governs them (DESIGN §3), each setter bounded by hard
///         limits so that even the admin cannot configure a market into an unsafe state.
/// @dev Market ids start at 1. Parameter setters take a whole group (trading, fees, margin, tiers, funding,
///      liquidation, oracle, lifecycle), check every field against its hard bounds and emit the old and new group.
///      Setters are refused once a market is Resolved or Settled.
interface IMarketRegistry {
    /* ERRORS */

    /// @notice `marketId` was never listed.
    error MarketNotFound(uint32 marketId);
    /// @notice `symbol` is already the symbol of `existingMarketId`.
    error MarketSymbolTaken(string symbol, uint32 existingMarketId);
    /// @notice `symbol` is empty or longer than 32 bytes.
    error MarketSymbolInvalid(string symbol);
    /// @notice The parameter `param` is `value`, outside its hard bounds [`min`, `max`].
    /// @dev Relational bounds (maxPrice > minPrice, mmf < imf, makerFee ≥ −takerFee, …) are reported the same way,
    ///      with the bound computed from the other field.
    error MarketParamOutOfBounds(string param, int256 value, int256 min, int256 max);
    /// @notice Tier `index` does not have a larger `maxNotionalWad` than the tier before it, or a smaller fraction.
    error MarketTiersNotAscending(uint256 index);
    /// @notice The market's status `status` does not allow a parameter change (Resolved and Settled markets are
    ///         frozen).
    error MarketNotConfigurable(uint32 marketId, MarketStatus status);
    /// @notice The market cannot move from `from` to `to` by this call.
    error MarketInvalidTransition(uint32 marketId, MarketStatus from, MarketStatus to);

    /* EVENTS */

    /// @notice A market was listed in Draft.
    event MarketListed(uint32 indexed marketId, string symbol, MarketKind kind);
    /// @notice A market's lifecycle status changed.
    event MarketStatusChanged(uint32 indexed marketId, MarketStatus oldStatus, MarketStatus newStatus);
    /// @notice A market's trading parameters changed.
    event TradingParamsUpdated(uint32 indexed marketId, TradingParams oldParams, TradingParams newParams);
    /// @notice A market's fee parameters changed.
    event FeeParamsUpdated(uint32 indexed marketId, FeeParams oldParams, FeeParams newParams);
    /// @notice A market's OI-scaled margin parameters or OI cap changed.
    event MarginParamsUpdated(uint32 indexed marketId, MarginParams oldParams, MarginParams newParams);
    /// @notice A market's margin tiers changed.
    event MarginTiersUpdated(uint32 indexed marketId, MarginTier[] oldTiers, MarginTier[] newTiers);
    /// @notice A market's funding parameters changed.
    event FundingParamsUpdated(uint32 indexed marketId, FundingParams oldParams, FundingParams newParams);
    /// @notice A market's liquidation parameters changed.
    event LiquidationParamsUpdated(uint32 indexed marketId, LiquidationParams oldParams, LiquidationParams newParams);
    /// @notice A market's oracle parameters changed.
    event OracleParamsUpdated(uint32 indexed marketId, OracleParams oldParams, OracleParams newParams);
    /// @notice A market's lifecycle timers changed.
    event LifecycleParamsUpdated(uint32 indexed marketId, LifecycleParams oldParams, LifecycleParams newParams);

    /* LISTING AND LIFECYCLE */

    /// @notice Lists a new market in Draft with every parameter given; only `MARKET_ADMIN_ROLE`.
    /// @param symbol Unique, 1 to 32 bytes (e.g. "BTC-USD").
    /// @param kind ASSET or BOUNDED; never changes.
    /// @param config Every parameter group, each checked against its hard bounds.
    /// @return marketId The new market's id (the previous count plus one).
    /// @dev Reverts `MarketSymbolInvalid`, `MarketSymbolTaken`, `MarketParamOutOfBounds`, `MarketTiersNotAscending`.
    function listMarket(
        string calldata symbol,
        MarketKind kind,
        MarketConfig calldata config
    ) external returns (uint32 marketId);

    /// @notice Opens a Draft market for trading (Draft → Active); only `MARKET_ADMIN_ROLE`.
    /// @dev Reverts `MarketNotFound`, `MarketInvalidTransition`.
    function activateMarket(uint32 marketId) external;

    /// @notice Moves an Active market to Resolving, where positions may only be reduced; only `RESOLVER_ROLE`.
    /// @dev Reverts `MarketNotFound`, `MarketInvalidTransition`.
    function beginResolving(uint32 marketId) external;

    /// @notice Moves a market through resolution on behalf of the PositionManager (`LIFECYCLE_ENGINE_ROLE`):
    ///         Active → Resolving (dead-man switch), Resolving → Resolved (final price), Resolved → Settled (open
    ///         interest zero).
    /// @dev The market must be in `from`. Reverts `MarketNotFound`, `MarketInvalidTransition` (also for any other
    ///      pair).
    function advanceLifecycle(uint32 marketId, MarketStatus from, MarketStatus to) external;

    /* SETTERS (MARKET_ADMIN_ROLE; each reverts MarketNotFound, MarketNotConfigurable, MarketParamOutOfBounds) */

    /// @notice Replaces the trading parameters of `marketId`.
    function setTradingParams(uint32 marketId, TradingParams calldata params) external;
    /// @notice Replaces the fee parameters of `marketId`.
    function setFeeParams(uint32 marketId, FeeParams calldata params) external;
    /// @notice Replaces the OI-scaled margin parameters and OI cap of `marketId`.
    function setMarginParams(uint32 marketId, MarginParams calldata params) external;
    /// @notice Replaces the margin tiers of `marketId`. Also reverts `MarketTiersNotAscending`.
    function setMarginTiers(uint32 marketId, MarginTier[] calldata tiers) external;
    /// @notice Replaces the funding parameters of `marketId`.
    function setFundingParams(uint32 marketId, FundingParams calldata params) external;
    /// @notice Replaces the liquidation parameters of `marketId`.
    function setLiquidationParams(uint32 marketId, LiquidationParams calldata params) external;
    /// @notice Replaces the oracle parameters of `marketId`.
    function setOracleParams(uint32 marketId, OracleParams calldata params) external;
    /// @notice Replaces the lifecycle timers of `marketId`.
    function setLifecycleParams(uint32 marketId, LifecycleParams calldata params) external;

    /* VIEWS (each reverts MarketNotFound for an unknown id) */

    /// @notice Number of markets ever listed; ids run from 1 to this.
    function marketCount() external view returns (uint32);
    /// @notice The id of the market with `symbol`, or 0 if none.
    function marketIdBySymbol(string calldata symbol) external view returns (uint32);
    /// @notice Symbol, kind and lifecycle status of `marketId`.
    function marketInfo(uint32 marketId) external view returns (MarketInfo memory);
    /// @notice Lifecycle status of `marketId` (`None` for an id never listed; does not revert).
    function marketStatus(uint32 marketId) external view returns (MarketStatus);
    /// @notice Trading parameters of `marketId`.
    function tradingParams(uint32 marketId) external view returns (TradingParams memory);
    /// @notice Fee parameters of `marketId`.
    function feeParams(uint32 marketId) external view returns (FeeParams memory);
    /// @notice OI-scaled margin parameters and OI cap of `marketId`.
    function marginParams(uint32 marketId) external view returns (MarginParams memory);
    /// @notice Margin tiers of `marketId`, sorted by `maxNotionalWad`.
    function marginTiers(uint32 marketId) external view returns (MarginTier[] memory);
    /// @notice Funding parameters of `marketId`.
    function fundingParams(uint32 marketId) external view returns (FundingParams memory);
    /// @notice Liquidation parameters of `marketId`.
    function liquidationParams(uint32 marketId) external view returns (LiquidationParams memory);
    /// @notice Oracle parameters of `marketId`.
    function oracleParams(uint32 marketId) external view returns (OracleParams memory);
    /// @notice Lifecycle timers of `marketId`.
    function lifecycleParams(uint32 marketId) external view returns (LifecycleParams memory);
    /// @notice Everything the OracleRegistry needs to guard a push, in one call.
    /// @return kind The market kind.
    /// @return status The lifecycle status.
    /// @return minPriceWad The lowest accepted price while trading (BOUNDED: ε).
    /// @return maxPriceWad The highest accepted price while trading (BOUNDED: 1−ε).
    /// @return oracle The oracle parameters.
    function oracleGuards(
        uint32 marketId
    )
        external
        view
        returns (
            MarketKind kind,
            MarketStatus status,
            uint256 minPriceWad,
            uint256 maxPriceWad,
            OracleParams memory oracle
        );

    /// @notice The kind, status, trading, fee and margin parameters and tiers of a market, in one call (the
    ///         PositionManager's read).
    /// @dev Never reverts: an id that was never listed has status `None` and zero parameters, so a caller checks the
    ///      status once instead of asking for it separately.
    function riskParams(uint32 marketId) external view returns (MarketRiskParams memory);
}
