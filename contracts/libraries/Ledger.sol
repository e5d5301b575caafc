// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {MarketRiskParams} from "../interfaces/MarketTypes.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {IMarketRegistry} from "../interfaces/IMarketRegistry.sol";
import {IOracleRegistry} from "../interfaces/IOracleRegistry.sol";
import {PositionMath} from "./PositionMath.sol";

/// @title Ledger
/// @notice The PositionManager's storage (ERC-7201 namespaced, shared with the BatchSettlement library that runs in
///         its context) and the reads that settlement and the views share, so each exists once.
/// @dev Gas design (DESIGN §11): a position is one slot (size int96 | openNotional int128 | funding epoch uint32);
///      an account's nonce floor and open-market set share one slot; a fully filled order costs one bit in a warm
///      nonce word.
library Ledger {
    /// @dev keccak256(abi.encode(uint256(keccak256("keel.storage.PositionManager")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STATE_SLOT = 0x4b5eb5eb5e496fc400897a59b813f0374fb4ce56d6a263587eddf5b08dd68d00;

    /// @notice Highest market id an account can hold a position in (its open markets are one bitmap word).
    uint32 internal constant MAX_MARKET_ID = 191;

    /// @dev One slot per (account, market). `fundingEpoch` indexes `_cumulativeFunding` (0 when the size is 0).
    struct PositionSlot {
        int96 sizeWad;
        int128 openNotionalWad;
        uint32 fundingEpoch;
    }
    /// @dev One slot per account: bit `m` of `openMarkets` is set while the account holds a position in market `m`.
    struct AccountSlot {
        uint64 nonceFloor;
        uint192 openMarkets;
    }
    /// @dev One slot per market.
    struct MarketSlot {
        uint128 openInterestWad;
        uint32 fundingEpoch;
        uint64 lastFundingAt;
    }
    /// @custom:storage-location erc7201:keel.storage.PositionManager
    struct State {
        mapping(address => mapping(uint32 => PositionSlot)) positions;
        mapping(address => AccountSlot) accounts;
        mapping(address => mapping(uint256 => uint256)) nonceBitmap;
        /// Filled amount of orders left partially filled (their nonce bit is set too).
        mapping(bytes32 orderHash => uint256) partialFills;
        mapping(address => mapping(address => uint64)) agentExpiry;
        mapping(uint32 => MarketSlot) markets;
        mapping(uint32 => mapping(uint32 epoch => int256)) cumulativeFunding;
        uint64 nextBatchId;
        address feeRecipient;
        address insuranceFund;
    }

    /// @dev The contracts and EIP-712 domain separator the PositionManager works with.
    struct Deps {
        ICollateralVault vault;
        IMarketRegistry registry;
        IOracleRegistry oracle;
        bytes32 domainSeparator;
    }

    /// @dev A market as a batch (or a view) sees it: parameters, fresh prices, OI and funding index.
    struct MarketCtx {
        uint32 marketId;
        MarketRiskParams params;
        uint256 indexWad;
        uint256 markWad;
        uint256 openInterestBeforeWad;
        uint256 openInterestWad;
        uint32 fundingEpoch;
        int256 cumulativeFundingWad;
    }
    /// @dev The PositionManager's storage.
    function state() internal pure returns (State storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            $.slot := STATE_SLOT
        }
    }

    /// @dev Whether bit `nonce` of `account`'s nonce bitmap is set.
    function nonceUsed(address account, uint64 nonce) internal view returns (bool) {
        return state().nonceBitmap[account][nonce >> 8] & (1 << (nonce & 255)) != 0;
    }

    /// @dev Sets bit `nonce` of `account`'s nonce bitmap.
    function useNonce(address account, uint64 nonce) internal {
        state().nonceBitmap[account][nonce >> 8] |= 1 << (nonce & 255);
    }

    /// @dev The lowest set bit of a non-empty market bitmap (a market id).
    function lowestMarket(uint256 markets) internal pure returns (uint32) {
        return uint32(Math.log2(markets & (~markets + 1)));
    }

    /// @dev Reads a market's parameters, fresh prices (reverts `OracleStale`), OI and funding index.
    function loadMarket(Deps memory d, uint32 marketId) internal view returns (MarketCtx memory) {
        return loadMarket(d, marketId, d.registry.riskParams(marketId));
    }

    /// @dev {loadMarket} with the registry's parameters already read (and their status checked by the caller).
    function loadMarket(
        Deps memory d,
        uint32 marketId,
        MarketRiskParams memory params
    ) internal view returns (MarketCtx memory m) {
        m.marketId = marketId;
        m.params = params;
        (m.indexWad, m.markWad) = d.oracle.prices(marketId);
        MarketSlot memory s = state().markets[marketId];
        m.openInterestBeforeWad = s.openInterestWad;
        m.openInterestWad = s.openInterestWad;
        m.fundingEpoch = s.fundingEpoch;
        m.cumulativeFundingWad = cumulativeFundingAt(marketId, s.fundingEpoch);
    }

    /// @dev The market's cumulative funding index after funding payment `epoch` (0 before the first).
    function cumulativeFundingAt(uint32 marketId, uint32 epoch) internal view returns (int256) {
        return epoch == 0 ? int256(0) : state().cumulativeFunding[marketId][epoch];
    }

    /// @dev Funding a stored position owes at the market's current index (> 0 pays).
    function pendingFunding(MarketCtx memory m, PositionSlot memory s) internal view returns (int256) {
        return pendingFunding(m.marketId, m.fundingEpoch, m.cumulativeFundingWad, s);
    }

    /// @dev {pendingFunding} against the index `cumulativeNowWad` of funding payment `epochNow`.
    function pendingFunding(
        uint32 marketId,
        uint32 epochNow,
        int256 cumulativeNowWad,
        PositionSlot memory s
    ) internal view returns (int256) {
        if (s.sizeWad == 0 || s.fundingEpoch == epochNow) return 0;
        return PositionMath.fundingOwed(s.sizeWad, cumulativeFundingAt(marketId, s.fundingEpoch), cumulativeNowWad);
    }

    /// @dev One position's contribution to equity (unrealized PnL − pending funding) and its requirements.
    function positionMargin(
        MarketCtx memory m,
        int256 sizeWad,
        int256 openNotionalWad,
        int256 pendingFundingWad
    ) internal pure returns (int256 value, uint256 initialWad, uint256 maintenanceWad) {
        if (sizeWad == 0) return (0, 0, 0);
        value = PositionMath.unrealizedPnl(sizeWad, openNotionalWad, m.markWad) - pendingFundingWad;
        (initialWad, maintenanceWad) = PositionMath.requirements(
            m.params.kind,
            m.params.tiers,
            m.params.margin,
            m.openInterestWad,
            sizeWad,
            m.markWad
        );
    }

    function pendingWithdrawalWad(Deps memory d, address account) internal view returns (uint256) {
        return d.vault.toWad(d.vault.pendingWithdrawal(account).amount);
    }
}
