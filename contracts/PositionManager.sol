// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import "./interfaces/IPositionManager.sol";
import "./interfaces/MarketTypes.sol";
import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {IMarginEngine} from "./interfaces/IMarginEngine.sol";
import {IMarketRegistry} from "./interfaces/IMarketRegistry.sol";
import {IOracleRegistry} from "./interfaces/IOracleRegistry.sol";
import {LiquidationFill, LiquidationStatus} from "./interfaces/ILiquidationWaterfall.sol";
import {ResolutionView} from "./interfaces/IMarketResolution.sol";
import {BatchSettlement} from "./libraries/BatchSettlement.sol";
import {BookLiquidation} from "./libraries/BookLiquidation.sol";
import {Resolution} from "./libraries/Resolution.sol";
import {Waterfall} from "./libraries/Waterfall.sol";
import {Ledger} from "./libraries/Ledger.sol";
import {OrderLib} from "./libraries/OrderLib.sol";
import {PositionMath} from "./libraries/PositionMath.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title PositionManager
/// @notice Signed orders, batched settlement, positions, cross margin and the funding index. See {IPositionManager}.
/// @dev Storage lives in the ERC-7201 namespace of {Ledger}. The heavy paths run by delegatecall in external libraries
///      (size limit): `settleBatch` in {BatchSettlement}, book liquidation in {BookLiquidation}, the backstop and ADL
///      in {Waterfall}, resolution in {Resolution}; everything else is here.
contract PositionManager is IPositionManager, IMarginEngine, AccessControl, EIP712, ReentrancyGuardTransient, Pausable {
    /// @notice See {Roles-MATCHER_ROLE}.
    bytes32 public constant MATCHER_ROLE = Roles.MATCHER_ROLE;
    /// @notice See {Roles-FUNDING_ROLE}.
    bytes32 public constant FUNDING_ROLE = Roles.FUNDING_ROLE;
    /// @notice See {Roles-LIQUIDATOR_ROLE}.
    bytes32 public constant LIQUIDATOR_ROLE = Roles.LIQUIDATOR_ROLE;
    /// @notice See {Roles-ADL_ROLE}.
    bytes32 public constant ADL_ROLE = Roles.ADL_ROLE;
    /// @notice See {Roles-RESOLVER_ROLE}.
    bytes32 public constant RESOLVER_ROLE = Roles.RESOLVER_ROLE;
    /// @notice See {Roles-PAUSER_ROLE}.
    bytes32 public constant PAUSER_ROLE = Roles.PAUSER_ROLE;
    /// @notice Highest market id an account can hold a position in (its open markets are one bitmap word).
    uint32 public constant MAX_MARKET_ID = Ledger.MAX_MARKET_ID;

    uint256 private constant WAD = 1e18;

    ICollateralVault private immutable _vault;
    IMarketRegistry private immutable _registry;
    IOracleRegistry private immutable _oracle;

    /// @param vault_ The CollateralVault (grant this contract its `MARGIN_ENGINE_ROLE`).
    /// @param registry_ The MarketRegistry.
    /// @param oracle_ The OracleRegistry.
    /// @param admin Holder of `DEFAULT_ADMIN_ROLE` (a `TimelockController` on real networks).
    /// @param feeRecipient_ Vault account of the fee recipient's share of trading fees.
    /// @param insuranceFund_ Vault account of the insurance fund.
    constructor(
        ICollateralVault vault_,
        IMarketRegistry registry_,
        IOracleRegistry oracle_,
        address admin,
        address feeRecipient_,
        address insuranceFund_
    ) EIP712("Keel", "1") {
        _vault = vault_;
        _registry = registry_;
        _oracle = oracle_;
        _ledger().nextBatchId = 1;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setFeeRecipient(feeRecipient_);
        _setInsuranceFund(insuranceFund_);
    }

    /* SETTLEMENT */

    /// @inheritdoc IPositionManager
    function settleBatch(
        uint64 batchId,
        Order[] calldata orders,
        bytes[] calldata signatures,
        Fill[] calldata fills
    ) external onlyRole(MATCHER_ROLE) nonReentrant {
        BatchSettlement.settle(_deps(), batchId, paused(), orders, signatures, fills);
    }

    /* LIQUIDATION WATERFALL */

    /// @inheritdoc ILiquidationWaterfall
    function liquidateOnBook(
        address account,
        uint32 marketId,
        Order[] calldata orders,
        bytes[] calldata signatures,
        LiquidationFill[] calldata fills
    ) external onlyRole(LIQUIDATOR_ROLE) nonReentrant {
        BookLiquidation.liquidate(_deps(), account, marketId, orders, signatures, fills);
    }

    /// @inheritdoc ILiquidationWaterfall
    function flagLiquidatable(address account) external nonReentrant returns (uint64) {
        return Waterfall.flag(_deps(), account);
    }

    /// @inheritdoc ILiquidationWaterfall
    function backstopLiquidate(address account, uint32 marketId) external nonReentrant {
        Waterfall.backstop(_deps(), account, marketId, hasRole(LIQUIDATOR_ROLE, msg.sender));
    }

    /// @inheritdoc ILiquidationWaterfall
    function autoDeleverage(
        address account,
        uint32 marketId,
        address[] calldata counterparties
    ) external onlyRole(ADL_ROLE) nonReentrant {
        Waterfall.deleverage(_deps(), account, marketId, counterparties);
    }

    /// @inheritdoc ILiquidationWaterfall
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc ILiquidationWaterfall
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /// @inheritdoc ILiquidationWaterfall
    function setMarketReduceOnly(uint32 marketId, bool reduceOnly) external {
        Ledger.State storage $ = _ledger();
        if (msg.sender != $.insuranceFund) revert CircuitBreakerCallerNotFund(msg.sender);
        $.markets[marketId].reduceOnly = reduceOnly;
        emit MarketReduceOnlySet(marketId, reduceOnly);
    }

    /* RESOLUTION */

    /// @inheritdoc IMarketResolution
    function proposeFinalPrice(uint32 marketId, uint256 priceWad) external onlyRole(RESOLVER_ROLE) {
        Resolution.propose(_deps(), marketId, priceWad);
    }

    /// @inheritdoc IMarketResolution
    function disputeFinalPrice(uint32 marketId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Resolution.dispute(_deps(), marketId);
    }

    /// @inheritdoc IMarketResolution
    function finalizeResolution(uint32 marketId) external nonReentrant {
        Resolution.finalize(_deps(), marketId);
    }

    /// @inheritdoc IMarketResolution
    function freezeStaleMarket(uint32 marketId) external nonReentrant {
        Resolution.freeze(_deps(), marketId);
    }

    /// @inheritdoc IMarketResolution
    function resolveAtLastMark(uint32 marketId) external nonReentrant {
        Resolution.resolveAtLastMark(_deps(), marketId);
    }

    /// @inheritdoc IMarketResolution
    function settlePosition(address account, uint32 marketId) external nonReentrant {
        Resolution.settlePosition(_deps(), account, marketId);
    }

    /// @inheritdoc IMarketResolution
    function claimSettlement(address account, uint32 marketId) external nonReentrant {
        Resolution.claim(_deps(), account, marketId);
    }

    /* FUNDING */

    /// @inheritdoc IPositionManager
    function applyFunding(uint32 marketId, int256 fundingPerUnitWad) external onlyRole(FUNDING_ROLE) {
        Ledger.State storage $ = _ledger();
        MarketRiskParams memory market = _registry.riskParams(marketId);
        if (market.status != MarketStatus.Active && market.status != MarketStatus.Resolving) {
            revert FundingMarketNotTrading(marketId, market.status);
        }
        FundingParams memory params = _registry.fundingParams(marketId);
        Ledger.MarketSlot storage s = $.markets[marketId];
        uint64 last = s.lastFundingAt;
        if (last != 0 && block.timestamp / params.fundingIntervalSec <= last / params.fundingIntervalSec) {
            revert FundingTooEarly(marketId, last, params.fundingIntervalSec);
        }
        uint256 referenceWad = market.kind == MarketKind.Bounded ? WAD : _oracle.indexPrice(marketId);
        uint256 maxAbsWad = Math.mulDiv(
            uint256(params.fundingCapWad) * params.fundingIntervalSec,
            referenceWad,
            1 hours * WAD
        );
        if (SignedMath.abs(fundingPerUnitWad) > maxAbsWad)
            revert FundingAboveCap(marketId, fundingPerUnitWad, maxAbsWad);

        uint32 epoch = s.fundingEpoch;
        int256 cumulative = Ledger.cumulativeFundingAt(marketId, epoch) + fundingPerUnitWad;
        ++epoch;
        $.cumulativeFunding[marketId][epoch] = cumulative;
        s.fundingEpoch = epoch;
        s.lastFundingAt = uint64(block.timestamp);
        emit FundingApplied(marketId, fundingPerUnitWad, cumulative, referenceWad, epoch);
    }

    /* ACCOUNT ACTIONS */

    /// @inheritdoc IPositionManager
    function approveAgent(address agent, uint64 expiry) external {
        Ledger.State storage $ = _ledger();
        if (agent == address(0) || agent == msg.sender || expiry <= block.timestamp) revert AgentInvalid(agent, expiry);
        $.agentExpiry[msg.sender][agent] = expiry;
        emit AgentApproved(msg.sender, agent, expiry);
    }

    /// @inheritdoc IPositionManager
    function revokeAgent(address agent) external {
        Ledger.State storage $ = _ledger();
        delete $.agentExpiry[msg.sender][agent];
        emit AgentRevoked(msg.sender, agent);
    }

    /// @inheritdoc IPositionManager
    function cancelOrder(Order calldata order) external nonReentrant {
        Ledger.State storage $ = _ledger();
        _requireAccountOrAgent(order.account);
        bytes32 hash = _hashTypedDataV4(OrderLib.structHash(order));
        Ledger.useNonce(order.account, order.nonce);
        delete $.partialFills[hash];
        emit OrderCancelled(order.account, hash, order.nonce);
    }

    /// @inheritdoc IPositionManager
    function cancelUpTo(address account, uint64 nonce) external nonReentrant {
        Ledger.State storage $ = _ledger();
        _requireAccountOrAgent(account);
        Ledger.AccountSlot storage s = $.accounts[account];
        if (nonce <= s.nonceFloor) revert NonceFloorNotRaised(nonce, s.nonceFloor);
        s.nonceFloor = nonce;
        emit NonceFloorRaised(account, nonce);
    }

    function _requireAccountOrAgent(address account) private view {
        Ledger.State storage $ = _ledger();
        if (msg.sender != account && $.agentExpiry[account][msg.sender] < block.timestamp) {
            revert NotAccountOrAgent(msg.sender, account);
        }
    }

    /* MARGIN ENGINE */

    /// @inheritdoc IMarginEngine
    function requireInitialMargin(address account) external view {
        AccountMargin memory am = _accountMargin(account);
        if (am.equityWad < int256(am.initialMarginWad)) {
            revert WithdrawalBelowInitialMargin(account, am.equityWad, am.initialMarginWad);
        }
    }

    /* ADMIN */

    /// @inheritdoc IPositionManager
    function setFeeRecipient(address recipient) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setFeeRecipient(recipient);
    }

    /// @inheritdoc IPositionManager
    function setInsuranceFund(address fund) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setInsuranceFund(fund);
    }

    function _setFeeRecipient(address recipient) private {
        Ledger.State storage $ = _ledger();
        if (recipient == address(0)) revert ProtocolAccountInvalid(recipient);
        emit FeeRecipientUpdated($.feeRecipient, recipient);
        $.feeRecipient = recipient;
    }

    function _setInsuranceFund(address fund) private {
        Ledger.State storage $ = _ledger();
        if (fund == address(0)) revert ProtocolAccountInvalid(fund);
        emit InsuranceFundUpdated($.insuranceFund, fund);
        $.insuranceFund = fund;
    }

    /* VIEWS */

    /// @inheritdoc IPositionManager
    function nextBatchId() external view returns (uint64) {
        return _ledger().nextBatchId;
    }

    /// @inheritdoc IPositionManager
    function orderDigest(Order calldata order) external view returns (bytes32) {
        return _hashTypedDataV4(OrderLib.structHash(order));
    }

    /// @inheritdoc IPositionManager
    function orderStatus(Order calldata order) external view returns (OrderState state, uint256 filledWad) {
        Ledger.State storage $ = _ledger();
        if (order.nonce < $.accounts[order.account].nonceFloor) return (OrderState.BelowNonceFloor, 0);
        if (Ledger.nonceUsed(order.account, order.nonce)) {
            filledWad = $.partialFills[_hashTypedDataV4(OrderLib.structHash(order))];
            if (filledWad == 0) return (OrderState.Dead, 0);
            state = OrderState.PartiallyFilled;
        }
        if (order.expiry != 0 && order.expiry < block.timestamp) state = OrderState.Expired;
    }

    /// @inheritdoc IPositionManager
    function isNonceUsed(address account, uint64 nonce) external view returns (bool) {
        return Ledger.nonceUsed(account, nonce);
    }

    /// @inheritdoc IPositionManager
    function nonceFloor(address account) external view returns (uint64) {
        Ledger.State storage $ = _ledger();
        return $.accounts[account].nonceFloor;
    }

    /// @inheritdoc IPositionManager
    function agentExpiry(address account, address agent) external view returns (uint64) {
        Ledger.State storage $ = _ledger();
        return $.agentExpiry[account][agent];
    }

    /// @inheritdoc IPositionManager
    function position(address account, uint32 marketId) external view returns (PositionView memory v) {
        Ledger.State storage $ = _ledger();
        Ledger.PositionSlot memory s = $.positions[account][marketId];
        uint32 epochNow = $.markets[marketId].fundingEpoch;
        v.sizeWad = s.sizeWad;
        v.openNotionalWad = s.openNotionalWad;
        v.lastCumulativeFundingWad = Ledger.cumulativeFundingAt(marketId, s.fundingEpoch);
        v.pendingFundingWad = Ledger.pendingFunding(
            marketId,
            epochNow,
            Ledger.cumulativeFundingAt(marketId, epochNow),
            s
        );
    }

    /// @inheritdoc IPositionManager
    function openMarkets(address account) external view returns (uint32[] memory ids) {
        Ledger.State storage $ = _ledger();
        uint256 markets = $.accounts[account].openMarkets;
        ids = new uint32[](_popcount(markets));
        for (uint256 i; markets != 0; ++i) {
            ids[i] = Ledger.lowestMarket(markets);
            markets &= markets - 1;
        }
    }

    /// @inheritdoc IPositionManager
    function marketState(uint32 marketId) external view returns (MarketState memory) {
        Ledger.State storage $ = _ledger();
        Ledger.MarketSlot memory s = $.markets[marketId];
        return
            MarketState(
                s.openInterestWad,
                Ledger.cumulativeFundingAt(marketId, s.fundingEpoch),
                s.fundingEpoch,
                s.lastFundingAt
            );
    }

    /// @inheritdoc IPositionManager
    function accountMargin(address account) external view returns (AccountMargin memory) {
        return _accountMargin(account);
    }

    function _accountMargin(address account) private view returns (AccountMargin memory am) {
        return Ledger.accountMargin(_deps(), account);
    }

    /// @inheritdoc IPositionManager
    function accountHealth(address account) external view returns (AccountHealth memory h) {
        AccountMargin memory am = _accountMargin(account);
        h.equityWad = am.equityWad + int256(am.pendingWithdrawalWad);
        h.maintenanceMarginWad = am.maintenanceMarginWad;
        h.liquidatable = h.equityWad < int256(am.maintenanceMarginWad);
        if (am.maintenanceMarginWad != 0) {
            h.marginRatioWad =
                h.equityWad <= 0 ? type(uint256).max : Math.mulDiv(am.maintenanceMarginWad, WAD, uint256(h.equityWad));
        }
    }

    /// @inheritdoc IPositionManager
    function liquidationPrice(address account, uint32 marketId) external view returns (uint256) {
        Ledger.PositionSlot memory s = _ledger().positions[account][marketId];
        if (s.sizeWad == 0) return 0;
        AccountMargin memory am = _accountMargin(account);
        Ledger.MarketCtx memory m = Ledger.loadMarket(_deps(), marketId);
        (, , uint256 ownMaintenance) = Ledger.positionMargin(m, s.sizeWad, s.openNotionalWad, 0);
        uint256 mmf = PositionMath.tierFor(m.params.tiers, PositionMath.notional(s.sizeWad, m.markWad)).mmfWad;
        return
            PositionMath.liquidationPrice(
                s.sizeWad,
                m.markWad,
                am.equityWad + int256(am.pendingWithdrawalWad),
                am.maintenanceMarginWad - ownMaintenance,
                mmf
            );
    }

    /// @inheritdoc ILiquidationWaterfall
    function canLiquidate(address account) external view returns (LiquidationStatus memory) {
        return Waterfall.status(_deps(), account);
    }

    /// @inheritdoc ILiquidationWaterfall
    function adlScore(address account, uint32 marketId) external view returns (uint256) {
        return Waterfall.adlScore(_deps(), account, marketId);
    }

    /// @inheritdoc ILiquidationWaterfall
    function marketReduceOnly(uint32 marketId) external view returns (bool) {
        return _ledger().markets[marketId].reduceOnly;
    }

    /// @inheritdoc IMarketResolution
    function resolution(uint32 marketId) external view returns (ResolutionView memory) {
        return Resolution.view_(_deps(), marketId);
    }

    /// @inheritdoc IMarketResolution
    function settlementClaim(address account, uint32 marketId) external view returns (uint256) {
        return _ledger().settlementClaims[account][marketId];
    }

    /// @inheritdoc IPositionManager
    function feeRecipient() external view returns (address) {
        Ledger.State storage $ = _ledger();
        return $.feeRecipient;
    }

    /// @inheritdoc IPositionManager
    function insuranceFund() external view returns (address) {
        Ledger.State storage $ = _ledger();
        return $.insuranceFund;
    }

    /// @inheritdoc IPositionManager
    function vault() external view returns (address) {
        return address(_vault);
    }

    /// @inheritdoc IPositionManager
    function marketRegistry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IPositionManager
    function oracle() external view returns (address) {
        return address(_oracle);
    }

    /* INTERNAL HELPERS */

    function _popcount(uint256 x) private pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) ++n;
    }

    function _ledger() private pure returns (Ledger.State storage) {
        return Ledger.state();
    }

    function _deps() private view returns (Ledger.Deps memory) {
        return Ledger.Deps(_vault, _registry, _oracle, _domainSeparatorV4());
    }
}
