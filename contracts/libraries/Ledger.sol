// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MarketRiskParams, MarketStatus} from "../interfaces/MarketTypes.sol";
import {AccountMargin} from "../interfaces/IPositionManager.sol";
import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {ILiquidationWaterfall} from "../interfaces/ILiquidationWaterfall.sol";
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
    using SafeCast for int256;

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
    /// @dev One slot per market. `reduceOnly` is the insurance fund's circuit breaker (DESIGN §3).
    struct MarketSlot {
        uint128 openInterestWad;
        uint32 fundingEpoch;
        uint64 lastFundingAt;
        bool reduceOnly;
    }
    /// @dev Liquidated notional of a market in one block (the per-block cap of DESIGN §8).
    struct BlockLiquidations {
        uint64 blockNumber;
        uint192 notionalWad;
    }
    /// @dev A market's resolution (DESIGN §9). Prices and amounts are wad.
    struct Resolution {
        /// The resolver's proposed final price and when it was proposed (0: no proposal pending).
        uint256 proposedPriceWad;
        uint64 proposedAt;
        /// Whether `finalPriceWad` is final (the market is Resolved or Settled).
        bool finalized;
        /// Whether the haircut was computed (the market is Settled).
        bool settled;
        uint256 finalPriceWad;
        /// Σ of winners' claims recorded by `settlePosition`.
        uint256 totalClaimsWad;
        /// Σ of losses losers could not pay.
        uint256 uncollectedWad;
        /// The part of `uncollectedWad` the insurance fund did not cover: taken pro rata from the claims.
        uint256 haircutWad;
        /// Σ of the signed sizes `settlePosition` closed (open shorts = open longs + this; the market is flat when OI
        /// and this are both 0).
        int256 settledSizeWad;
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
        /// Counter of book liquidations: gives each one a transient-index domain of its own.
        uint64 liquidationCount;
        /// When an account was flagged liquidatable (0 = not flagged), for the permissionless backstop.
        mapping(address => uint64) liquidatableSince;
        /// Block time of the last book liquidation of a position (the cooldown of partial liquidations).
        mapping(address => mapping(uint32 => uint64)) lastLiquidatedAt;
        mapping(uint32 => BlockLiquidations) blockLiquidations;
        mapping(uint32 => Resolution) resolutions;
        /// Winners' settlement claims in Resolved markets, paid (after the haircut) once the market is Settled.
        mapping(address => mapping(uint32 => uint256)) settlementClaims;
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
        /// Every fill must reduce a position: the market is Resolving or its circuit breaker tripped.
        bool reduceOnly;
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

    /// @dev Reads a market's parameters, fresh prices (reverts `OracleStale`), OI and funding index. A Resolved or
    ///      Settled market is priced at its final price (index and mark), without the oracle.
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
        if (params.status >= MarketStatus.Resolved) {
            m.indexWad = m.markWad = state().resolutions[marketId].finalPriceWad;
        } else {
            (m.indexWad, m.markWad) = d.oracle.prices(marketId);
        }
        MarketSlot memory s = state().markets[marketId];
        m.reduceOnly = s.reduceOnly || params.status == MarketStatus.Resolving;
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

    /// @dev Moves `account`'s position in market `m` by `deltaWad` at `priceWad` directly in storage (the waterfall
    ///      and resolution path; batches net in memory instead): settles its funding, updates the open-market bitmap
    ///      and `m.openInterestWad` (the caller stores it with {storeOpenInterest}).
    /// @return cashWad What the account's balance gains: realized PnL minus the funding it owed (rounded against it).
    /// @return sizeBeforeWad The size before.
    /// @return sizeAfterWad The size after.
    function trade(
        MarketCtx memory m,
        address account,
        int256 deltaWad,
        uint256 priceWad
    ) internal returns (int256 cashWad, int256 sizeBeforeWad, int256 sizeAfterWad) {
        State storage $ = state();
        PositionSlot memory s = $.positions[account][m.marketId];
        int256 owed = pendingFunding(m, s);
        int256 openNotional;
        int256 realized;
        sizeBeforeWad = s.sizeWad;
        (sizeAfterWad, openNotional, realized) = PositionMath.applyFill(
            sizeBeforeWad,
            s.openNotionalWad,
            deltaWad,
            priceWad
        );
        $.positions[account][m.marketId] = PositionSlot(
            sizeAfterWad.toInt96(),
            openNotional.toInt128(),
            sizeAfterWad == 0 ? 0 : m.fundingEpoch
        );
        if ((sizeBeforeWad == 0) != (sizeAfterWad == 0)) {
            AccountSlot storage a = $.accounts[account];
            uint192 bit = uint192(1) << m.marketId;
            a.openMarkets = sizeAfterWad == 0 ? a.openMarkets & ~bit : a.openMarkets | bit;
        }
        m.openInterestWad = m.openInterestWad + longSize(sizeAfterWad) - longSize(sizeBeforeWad);
        cashWad = realized - owed;
    }

    /// @dev Stores `m.openInterestWad` (a uint128: OI never exceeds the int96 position bound per side in practice;
    ///      SafeCast guards the rest).
    function storeOpenInterest(MarketCtx memory m) internal {
        state().markets[m.marketId].openInterestWad = SafeCast.toUint128(m.openInterestWad);
    }

    /// @dev The long part of a signed size (its contribution to one-sided open interest).
    function longSize(int256 sizeWad) internal pure returns (uint256) {
        return sizeWad > 0 ? uint256(sizeWad) : 0;
    }

    /// @dev An account's equity and requirements at the markets' prices (DESIGN §6): the view path of the margin
    ///      formulas, the same {positionMargin} as a batch, at the stored state. Reverts `OracleStale` for a stale
    ///      market the account holds.
    function accountMargin(Deps memory d, address account) internal view returns (AccountMargin memory am) {
        am.balanceWad = d.vault.balanceWad(account);
        am.pendingWithdrawalWad = pendingWithdrawalWad(d, account);
        uint256 markets = state().accounts[account].openMarkets;
        while (markets != 0) {
            uint32 marketId = lowestMarket(markets);
            markets &= markets - 1;
            MarketCtx memory m = loadMarket(d, marketId);
            PositionSlot memory s = state().positions[account][marketId];
            int256 funding = pendingFunding(m, s);
            (int256 value, uint256 im, uint256 mm) = positionMargin(m, s.sizeWad, s.openNotionalWad, funding);
            am.unrealizedPnlWad += value + funding;
            am.pendingFundingWad += funding;
            am.initialMarginWad += im;
            am.maintenanceMarginWad += mm;
        }
        am.equityWad = am.balanceWad + am.unrealizedPnlWad - am.pendingFundingWad;
    }

    /// @dev The maintenance basis of an account (equity with its pending withdrawal, DESIGN §3) and its maintenance
    ///      margin.
    function health(Deps memory d, address account) internal view returns (int256 equityWad, uint256 maintenanceWad) {
        AccountMargin memory am = accountMargin(d, account);
        return (am.equityWad + int256(am.pendingWithdrawalWad), am.maintenanceMarginWad);
    }

    /// @dev Whether `account` holds a position in `marketId`.
    function holds(address account, uint32 marketId) internal view returns (bool) {
        return marketId <= MAX_MARKET_ID && (uint256(state().accounts[account].openMarkets) >> marketId) & 1 != 0;
    }

    /// @dev One zero-sum vault call moving `amountWad` from `from` to `to`.
    function move(Deps memory d, address from, address to, uint256 amountWad) internal {
        address[] memory accounts = new address[](2);
        int256[] memory deltas = new int256[](2);
        (accounts[0], deltas[0]) = (from, -int256(amountWad));
        (accounts[1], deltas[1]) = (to, int256(amountWad));
        d.vault.settleBalances(accounts, deltas);
    }

    /// @dev An account left by the waterfall (book liquidation, ADL) without any position and with a negative balance
    ///      (fills past its bankruptcy price, a clamped bankruptcy price, the fee) is out of reach of the later stages:
    ///      its pending withdrawal is released, the insurance fund covers what it can of the rest, and what it cannot
    ///      stays recorded as the account's debt in the vault (`BadDebtRecorded`, DESIGN §13.11).
    function coverResidualDebt(Deps memory d, address account, uint32 marketId) internal {
        State storage $ = state();
        if ($.accounts[account].openMarkets != 0 || d.vault.balanceWad(account) >= 0) return;
        d.vault.releaseWithdrawal(account);
        int256 balanceWad = d.vault.balanceWad(account);
        if (balanceWad >= 0) return;
        uint256 debtWad = uint256(-balanceWad);
        address fund = $.insuranceFund;
        uint256 coveredWad = account == fund ? 0 : IInsuranceFund(fund).coverBadDebt(marketId, debtWad);
        if (coveredWad != 0) move(d, fund, account, coveredWad);
        if (coveredWad < debtWad) emit ILiquidationWaterfall.BadDebtRecorded(account, marketId, debtWad - coveredWad);
    }
}
