// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import "./interfaces/MarketTypes.sol";
import {IMarketRegistry} from "./interfaces/IMarketRegistry.sol";
import {MarketParamsLib} from "./libraries/MarketParamsLib.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title MarketRegistry
/// @notice The markets of Keel and their parameters. See {IMarketRegistry}.
contract MarketRegistry is IMarketRegistry, AccessControl {
    using MarketParamsLib for *;

    /// @notice See {Roles-MARKET_ADMIN_ROLE}.
    bytes32 public constant MARKET_ADMIN_ROLE = Roles.MARKET_ADMIN_ROLE;
    /// @notice See {Roles-RESOLVER_ROLE}.
    bytes32 public constant RESOLVER_ROLE = Roles.RESOLVER_ROLE;
    /// @notice See {Roles-LIFECYCLE_ENGINE_ROLE}.
    bytes32 public constant LIFECYCLE_ENGINE_ROLE = Roles.LIFECYCLE_ENGINE_ROLE;

    uint32 private _marketCount;
    mapping(bytes32 symbolHash => uint32) private _idBySymbol;
    mapping(uint32 => MarketInfo) private _info;
    mapping(uint32 => TradingParams) private _trading;
    mapping(uint32 => FeeParams) private _fees;
    mapping(uint32 => MarginParams) private _margin;
    mapping(uint32 => MarginTier[]) private _tiers;
    mapping(uint32 => FundingParams) private _funding;
    mapping(uint32 => LiquidationParams) private _liquidation;
    mapping(uint32 => OracleParams) private _oracle;
    mapping(uint32 => LifecycleParams) private _lifecycle;

    /// @param admin Holder of `DEFAULT_ADMIN_ROLE` (a `TimelockController` on real networks).
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /* LISTING AND LIFECYCLE */

    /// @inheritdoc IMarketRegistry
    function listMarket(
        string calldata symbol,
        MarketKind kind,
        MarketConfig calldata config
    ) external onlyRole(MARKET_ADMIN_ROLE) returns (uint32 marketId) {
        uint256 length = bytes(symbol).length;
        if (length == 0 || length > 32) revert MarketSymbolInvalid(symbol);
        bytes32 symbolHash = keccak256(bytes(symbol));
        uint32 existing = _idBySymbol[symbolHash];
        if (existing != 0) revert MarketSymbolTaken(symbol, existing);

        marketId = ++_marketCount;
        _idBySymbol[symbolHash] = marketId;
        _info[marketId] = MarketInfo(symbol, kind, MarketStatus.Draft, uint64(block.timestamp));
        emit MarketListed(marketId, symbol, kind);
        emit MarketStatusChanged(marketId, MarketStatus.None, MarketStatus.Draft);

        _setTrading(marketId, config.trading);
        _setFees(marketId, config.fees);
        _setMargin(marketId, config.margin);
        _setTiers(marketId, config.tiers);
        _setFunding(marketId, config.funding);
        _setLiquidation(marketId, config.liquidation);
        _setOracle(marketId, config.oracle);
        _setLifecycle(marketId, config.lifecycle);
    }

    /// @inheritdoc IMarketRegistry
    function activateMarket(uint32 marketId) external onlyRole(MARKET_ADMIN_ROLE) {
        _transition(marketId, MarketStatus.Draft, MarketStatus.Active);
    }

    /// @inheritdoc IMarketRegistry
    function beginResolving(uint32 marketId) external onlyRole(RESOLVER_ROLE) {
        _transition(marketId, MarketStatus.Active, MarketStatus.Resolving);
    }

    /// @inheritdoc IMarketRegistry
    function advanceLifecycle(
        uint32 marketId,
        MarketStatus from,
        MarketStatus to
    ) external onlyRole(LIFECYCLE_ENGINE_ROLE) {
        // Only the next step of resolution: Active → Resolving → Resolved → Settled.
        if (from < MarketStatus.Active || uint8(to) != uint8(from) + 1) {
            revert MarketInvalidTransition(marketId, from, to);
        }
        _transition(marketId, from, to);
    }

    /* SETTERS */

    /// @inheritdoc IMarketRegistry
    function setTradingParams(uint32 marketId, TradingParams calldata params) external configurable(marketId) {
        _setTrading(marketId, params);
    }

    /// @inheritdoc IMarketRegistry
    function setFeeParams(uint32 marketId, FeeParams calldata params) external configurable(marketId) {
        _setFees(marketId, params);
    }

    /// @inheritdoc IMarketRegistry
    function setMarginParams(uint32 marketId, MarginParams calldata params) external configurable(marketId) {
        _setMargin(marketId, params);
    }

    /// @inheritdoc IMarketRegistry
    function setMarginTiers(uint32 marketId, MarginTier[] calldata tiers) external configurable(marketId) {
        _setTiers(marketId, tiers);
    }

    /// @inheritdoc IMarketRegistry
    function setFundingParams(uint32 marketId, FundingParams calldata params) external configurable(marketId) {
        _setFunding(marketId, params);
    }

    /// @inheritdoc IMarketRegistry
    function setLiquidationParams(uint32 marketId, LiquidationParams calldata params) external configurable(marketId) {
        _setLiquidation(marketId, params);
    }

    /// @inheritdoc IMarketRegistry
    function setOracleParams(uint32 marketId, OracleParams calldata params) external configurable(marketId) {
        _setOracle(marketId, params);
    }

    /// @inheritdoc IMarketRegistry
    function setLifecycleParams(uint32 marketId, LifecycleParams calldata params) external configurable(marketId) {
        _setLifecycle(marketId, params);
    }

    /* VIEWS */

    /// @inheritdoc IMarketRegistry
    function marketCount() external view returns (uint32) {
        return _marketCount;
    }

    /// @inheritdoc IMarketRegistry
    function marketIdBySymbol(string calldata symbol) external view returns (uint32) {
        return _idBySymbol[keccak256(bytes(symbol))];
    }

    /// @inheritdoc IMarketRegistry
    function marketInfo(uint32 marketId) external view returns (MarketInfo memory) {
        _requireListed(marketId);
        return _info[marketId];
    }

    /// @inheritdoc IMarketRegistry
    function marketStatus(uint32 marketId) external view returns (MarketStatus) {
        return _info[marketId].status;
    }

    /// @inheritdoc IMarketRegistry
    function riskParams(uint32 marketId) external view returns (MarketRiskParams memory) {
        MarketInfo storage info = _info[marketId];
        return
            MarketRiskParams(
                info.kind,
                info.status,
                _trading[marketId],
                _fees[marketId],
                _margin[marketId],
                _tiers[marketId]
            );
    }

    /// @inheritdoc IMarketRegistry
    function tradingParams(uint32 marketId) external view listed(marketId) returns (TradingParams memory) {
        return _trading[marketId];
    }

    /// @inheritdoc IMarketRegistry
    function feeParams(uint32 marketId) external view listed(marketId) returns (FeeParams memory) {
        return _fees[marketId];
    }

    /// @inheritdoc IMarketRegistry
    function marginParams(uint32 marketId) external view listed(marketId) returns (MarginParams memory) {
        return _margin[marketId];
    }

    /// @inheritdoc IMarketRegistry
    function marginTiers(uint32 marketId) external view listed(marketId) returns (MarginTier[] memory) {
        return _tiers[marketId];
    }

    /// @inheritdoc IMarketRegistry
    function fundingParams(uint32 marketId) external view listed(marketId) returns (FundingParams memory) {
        return _funding[marketId];
    }

    /// @inheritdoc IMarketRegistry
    function liquidationParams(uint32 marketId) external view listed(marketId) returns (LiquidationParams memory) {
        return _liquidation[marketId];
    }

    /// @inheritdoc IMarketRegistry
    function oracleParams(uint32 marketId) external view listed(marketId) returns (OracleParams memory) {
        return _oracle[marketId];
    }

    /// @inheritdoc IMarketRegistry
    function lifecycleParams(uint32 marketId) external view listed(marketId) returns (LifecycleParams memory) {
        return _lifecycle[marketId];
    }

    /// @inheritdoc IMarketRegistry
    function oracleGuards(
        uint32 marketId
    )
        external
        view
        listed(marketId)
        returns (
            MarketKind kind,
            MarketStatus status,
            uint256 minPriceWad,
            uint256 maxPriceWad,
            OracleParams memory oracle
        )
    {
        MarketInfo storage info = _info[marketId];
        TradingParams storage trading = _trading[marketId];
        return (info.kind, info.status, trading.minPriceWad, trading.maxPriceWad, _oracle[marketId]);
    }

    /* INTERNAL */

    modifier listed(uint32 marketId) {
        _requireListed(marketId);
        _;
    }

    /// @dev Role check, then: the market exists and is neither Resolved nor Settled.
    modifier configurable(uint32 marketId) {
        _checkRole(MARKET_ADMIN_ROLE);
        MarketStatus status = _info[marketId].status;
        if (status == MarketStatus.None) revert MarketNotFound(marketId);
        if (status == MarketStatus.Resolved || status == MarketStatus.Settled) {
            revert MarketNotConfigurable(marketId, status);
        }
        _;
    }

    function _requireListed(uint32 marketId) private view {
        if (_info[marketId].status == MarketStatus.None) revert MarketNotFound(marketId);
    }

    function _transition(uint32 marketId, MarketStatus from, MarketStatus to) private {
        MarketInfo storage info = _info[marketId];
        MarketStatus current = info.status;
        if (current == MarketStatus.None) revert MarketNotFound(marketId);
        if (current != from) revert MarketInvalidTransition(marketId, current, to);
        info.status = to;
        info.statusChangedAt = uint64(block.timestamp);
        emit MarketStatusChanged(marketId, from, to);
    }

    function _setTrading(uint32 marketId, TradingParams calldata params) private {
        MarketParamsLib.validateTrading(_info[marketId].kind, params);
        TradingParams memory old = _trading[marketId];
        _trading[marketId] = params;
        emit TradingParamsUpdated(marketId, old, params);
    }

    function _setFees(uint32 marketId, FeeParams calldata params) private {
        MarketParamsLib.validateFees(params);
        FeeParams memory old = _fees[marketId];
        _fees[marketId] = params;
        emit FeeParamsUpdated(marketId, old, params);
    }

    function _setMargin(uint32 marketId, MarginParams calldata params) private {
        MarketParamsLib.validateMargin(params);
        MarginParams memory old = _margin[marketId];
        _margin[marketId] = params;
        emit MarginParamsUpdated(marketId, old, params);
    }

    function _setTiers(uint32 marketId, MarginTier[] calldata tiers) private {
        MarketParamsLib.validateTiers(tiers);
        MarginTier[] storage stored = _tiers[marketId];
        MarginTier[] memory old = stored;
        delete _tiers[marketId];
        for (uint256 i; i < tiers.length; ++i) {
            stored.push(tiers[i]);
        }
        emit MarginTiersUpdated(marketId, old, tiers);
    }

    function _setFunding(uint32 marketId, FundingParams calldata params) private {
        MarketParamsLib.validateFunding(params);
        FundingParams memory old = _funding[marketId];
        _funding[marketId] = params;
        emit FundingParamsUpdated(marketId, old, params);
    }

    function _setLiquidation(uint32 marketId, LiquidationParams calldata params) private {
        MarketParamsLib.validateLiquidation(params);
        LiquidationParams memory old = _liquidation[marketId];
        _liquidation[marketId] = params;
        emit LiquidationParamsUpdated(marketId, old, params);
    }

    function _setOracle(uint32 marketId, OracleParams calldata params) private {
        MarketParamsLib.validateOracle(_info[marketId].kind, params);
        OracleParams memory old = _oracle[marketId];
        _oracle[marketId] = params;
        emit OracleParamsUpdated(marketId, old, params);
    }

    function _setLifecycle(uint32 marketId, LifecycleParams calldata params) private {
        MarketParamsLib.validateLifecycle(params);
        LifecycleParams memory old = _lifecycle[marketId];
        _lifecycle[marketId] = params;
        emit LifecycleParamsUpdated(marketId, old, params);
    }
}
