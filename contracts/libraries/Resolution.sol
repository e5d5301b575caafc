// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IMarketResolution, ResolutionView} from "../interfaces/IMarketResolution.sol";
import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {IOracleRegistry} from "../interfaces/IOracleRegistry.sol";
import {LifecycleParams, MarketInfo, MarketKind, MarketRiskParams, MarketStatus} from "../interfaces/MarketTypes.sol";
import {Ledger} from "./Ledger.sol";

/// @title Resolution
/// @notice Market resolution and settlement (DESIGN §9): final-price proposals with a dispute window, the dead-man
///         switch, settlement of positions at the final price and the one-time pro-rata haircut. An external library
///         run by delegatecall in the PositionManager's context; the registry holds the status, moved by this code.
library Resolution {
    uint256 private constant WAD = 1e18;

    /// @notice See {IMarketResolution-proposeFinalPrice}; the caller has checked the role.
    function propose(Ledger.Deps memory d, uint32 marketId, uint256 priceWad) external {
        MarketInfo memory info = d.registry.marketInfo(marketId);
        _requireStatus(marketId, info.status, MarketStatus.Resolving);
        uint256 maxWad = info.kind == MarketKind.Bounded ? WAD : d.registry.tradingParams(marketId).maxPriceWad;
        if (priceWad > maxWad || (info.kind == MarketKind.Asset && priceWad == 0)) {
            revert IMarketResolution.ResolutionPriceOutOfBounds(marketId, priceWad, maxWad);
        }
        Ledger.Resolution storage r = Ledger.state().resolutions[marketId];
        r.proposedPriceWad = priceWad;
        r.proposedAt = uint64(block.timestamp);
        emit IMarketResolution.FinalPriceProposed(marketId, priceWad, _finalAt(d, marketId, r.proposedAt));
    }

    /// @notice See {IMarketResolution-disputeFinalPrice}; the caller has checked the role.
    function dispute(Ledger.Deps memory d, uint32 marketId) external {
        Ledger.Resolution storage r = Ledger.state().resolutions[marketId];
        if (r.proposedAt == 0) revert IMarketResolution.ResolutionNoProposal(marketId);
        uint64 finalAt = _finalAt(d, marketId, r.proposedAt);
        if (block.timestamp >= finalAt) revert IMarketResolution.ResolutionDisputeWindowClosed(marketId, finalAt);
        emit IMarketResolution.FinalPriceDisputed(marketId, r.proposedPriceWad);
        r.proposedPriceWad = 0;
        r.proposedAt = 0;
    }

    /// @notice See {IMarketResolution-finalizeResolution}.
    function finalize(Ledger.Deps memory d, uint32 marketId) external {
        _requireStatus(marketId, d.registry.marketStatus(marketId), MarketStatus.Resolving);
        Ledger.Resolution storage r = Ledger.state().resolutions[marketId];
        if (r.proposedAt == 0) revert IMarketResolution.ResolutionNoProposal(marketId);
        uint64 finalAt = _finalAt(d, marketId, r.proposedAt);
        if (block.timestamp < finalAt) revert IMarketResolution.ResolutionDisputeWindowOpen(marketId, finalAt);
        _resolve(d, marketId, r.proposedPriceWad, false);
    }

    /// @notice See {IMarketResolution-freezeStaleMarket}.
    function freeze(Ledger.Deps memory d, uint32 marketId) external {
        MarketInfo memory info = d.registry.marketInfo(marketId);
        _requireStatus(marketId, info.status, MarketStatus.Active);
        IOracleRegistry.PriceSnapshot memory snap = d.oracle.snapshot(marketId);
        // Silent since the later of the last price and the activation (a market never priced is not frozen at once).
        uint64 lastPriceAt = uint64(Math.max(snap.timestamp, info.statusChangedAt));
        uint64 freezeAt =
            lastPriceAt +
                d.registry.oracleParams(marketId).maxStalenessSec +
                d.registry.lifecycleParams(marketId).freezeAfterSec;
        if (block.timestamp < freezeAt) {
            revert IMarketResolution.ResolutionOracleNotFrozen(marketId, lastPriceAt, freezeAt);
        }
        d.registry.advanceLifecycle(marketId, MarketStatus.Active, MarketStatus.Resolving);
        emit IMarketResolution.MarketFrozen(marketId, lastPriceAt);
    }

    /// @notice See {IMarketResolution-resolveAtLastMark}.
    function resolveAtLastMark(Ledger.Deps memory d, uint32 marketId) external {
        MarketInfo memory info = d.registry.marketInfo(marketId);
        _requireStatus(marketId, info.status, MarketStatus.Resolving);
        uint64 resolveAt = info.statusChangedAt + d.registry.lifecycleParams(marketId).maxResolvingTimeSec;
        if (block.timestamp < resolveAt) {
            revert IMarketResolution.ResolutionNotTimedOut(marketId, info.statusChangedAt, resolveAt);
        }
        IOracleRegistry.PriceSnapshot memory snap = d.oracle.snapshot(marketId);
        if (snap.timestamp == 0) revert IMarketResolution.ResolutionNoLastMark(marketId);
        _resolve(d, marketId, snap.markWad, true);
    }

    /// @notice See {IMarketResolution-settlePosition}.
    function settlePosition(Ledger.Deps memory d, address account, uint32 marketId) external {
        Ledger.State storage $ = Ledger.state();
        MarketRiskParams memory params = d.registry.riskParams(marketId);
        _requireStatus(marketId, params.status, MarketStatus.Resolved);
        Ledger.MarketCtx memory m = Ledger.loadMarket(d, marketId, params);
        int256 sizeWad = $.positions[account][marketId].sizeWad;
        if (sizeWad == 0) revert IMarketResolution.ResolutionNoPosition(account, marketId);

        (int256 pnlWad, , ) = Ledger.trade(m, account, -sizeWad, m.markWad);
        Ledger.storeOpenInterest(m);
        Ledger.Resolution storage r = $.resolutions[marketId];
        uint256 collectedWad;
        if (pnlWad > 0) {
            $.settlementClaims[account][marketId] += uint256(pnlWad);
            r.totalClaimsWad += uint256(pnlWad);
        } else if (pnlWad < 0) {
            uint256 uncollectedWad;
            (collectedWad, uncollectedWad) = _collectLoss(d, $, account, uint256(-pnlWad));
            r.uncollectedWad += uncollectedWad;
        }
        emit IMarketResolution.PositionSettled(account, marketId, sizeWad, pnlWad, collectedWad);
        // Open interest counts longs only and settlement closes one side at a time; every other path keeps Σ sizes
        // at 0, so open shorts = open longs + Σ settled sizes. The last position closed: both are 0.
        r.settledSizeWad += sizeWad;
        if (m.openInterestWad == 0 && r.settledSizeWad == 0) _settleMarket(d, $, marketId);
    }

    /// @notice See {IMarketResolution-claimSettlement}.
    function claim(Ledger.Deps memory d, address account, uint32 marketId) external {
        Ledger.State storage $ = Ledger.state();
        _requireStatus(marketId, d.registry.marketStatus(marketId), MarketStatus.Settled);
        uint256 claimWad = $.settlementClaims[account][marketId];
        if (claimWad == 0) revert IMarketResolution.ResolutionNoClaim(account, marketId);
        delete $.settlementClaims[account][marketId];
        Ledger.Resolution storage r = $.resolutions[marketId];
        // Every claim gives up the same fraction haircut / totalClaims, rounded up (against the claimant).
        uint256 cutWad = Math.min(Math.mulDiv(claimWad, r.haircutWad, r.totalClaimsWad, Math.Rounding.Ceil), claimWad);
        uint256 paidWad = claimWad - cutWad;
        if (paidWad != 0) Ledger.move(d, address(this), account, paidWad);
        emit IMarketResolution.SettlementClaimed(account, marketId, claimWad, paidWad);
    }

    /// @notice See {IMarketResolution-resolution}.
    function view_(Ledger.Deps memory d, uint32 marketId) external view returns (ResolutionView memory v) {
        Ledger.Resolution storage r = Ledger.state().resolutions[marketId];
        v.proposedPriceWad = r.proposedPriceWad;
        if (r.proposedAt != 0) v.finalAt = _finalAt(d, marketId, r.proposedAt);
        v.finalized = r.finalized;
        v.finalPriceWad = r.finalPriceWad;
        v.totalClaimsWad = r.totalClaimsWad;
        v.uncollectedWad = r.uncollectedWad;
        v.haircutWad = r.haircutWad;
        v.settled = r.settled;
    }

    /* INTERNAL */

    /// @dev Fixes the final price, moves the market to Resolved, and settles it at once when no position is open.
    function _resolve(Ledger.Deps memory d, uint32 marketId, uint256 priceWad, bool byDeadMan) private {
        Ledger.State storage $ = Ledger.state();
        Ledger.Resolution storage r = $.resolutions[marketId];
        r.finalPriceWad = priceWad;
        r.finalized = true;
        r.proposedPriceWad = 0;
        r.proposedAt = 0;
        d.registry.advanceLifecycle(marketId, MarketStatus.Resolving, MarketStatus.Resolved);
        emit IMarketResolution.MarketResolved(marketId, priceWad, byDeadMan);
        if ($.markets[marketId].openInterestWad == 0) _settleMarket(d, $, marketId);
    }

    /// @dev A loser pays its loss from its balance (releasing its pending withdrawal if the balance falls short). An
    ///      account with other positions pays in full (its other markets' waterfall handles any debt). An account
    ///      settling its last position pays at most what it has; what it cannot pay — and any debt left by its earlier
    ///      settlements — is written off its balance into this market's uncollected losses (covered by the fund, then
    ///      the haircut), so no debt stays behind on an account without positions.
    function _collectLoss(
        Ledger.Deps memory d,
        Ledger.State storage $,
        address account,
        uint256 lossWad
    ) private returns (uint256 collectedWad, uint256 uncollectedWad) {
        int256 balanceWad = d.vault.balanceWad(account);
        if (balanceWad < int256(lossWad)) balanceWad += int256(d.vault.releaseWithdrawal(account));
        if ($.accounts[account].openMarkets != 0 || balanceWad >= int256(lossWad)) {
            collectedWad = lossWad;
            Ledger.move(d, account, address(this), lossWad);
        } else if (balanceWad >= 0) {
            collectedWad = uint256(balanceWad);
            uncollectedWad = lossWad - collectedWad;
            if (collectedWad != 0) Ledger.move(d, account, address(this), collectedWad);
        } else {
            uncollectedWad = lossWad + uint256(-balanceWad);
            Ledger.move(d, address(this), account, uint256(-balanceWad));
        }
    }

    /// @dev The last position closed: the insurance fund covers what losers could not pay as far as it can, the rest
    ///      becomes the haircut of the claims (fixed now, once), and the market is Settled.
    function _settleMarket(Ledger.Deps memory d, Ledger.State storage $, uint32 marketId) private {
        Ledger.Resolution storage r = $.resolutions[marketId];
        uint256 uncollectedWad = r.uncollectedWad;
        uint256 coverWad;
        if (uncollectedWad != 0) {
            address fund = $.insuranceFund;
            coverWad = IInsuranceFund(fund).coverBadDebt(marketId, uncollectedWad);
            if (coverWad != 0) Ledger.move(d, fund, address(this), coverWad);
        }
        r.haircutWad = Math.min(uncollectedWad - coverWad, r.totalClaimsWad);
        r.settled = true;
        d.registry.advanceLifecycle(marketId, MarketStatus.Resolved, MarketStatus.Settled);
        emit IMarketResolution.MarketSettled(marketId, r.totalClaimsWad, uncollectedWad, coverWad, r.haircutWad);
    }

    function _finalAt(Ledger.Deps memory d, uint32 marketId, uint64 proposedAt) private view returns (uint64) {
        LifecycleParams memory lifecycle = d.registry.lifecycleParams(marketId);
        return proposedAt + lifecycle.disputeWindowSec;
    }

    function _requireStatus(uint32 marketId, MarketStatus status, MarketStatus expected) private pure {
        if (status != expected) revert IMarketResolution.ResolutionWrongStatus(marketId, status, expected);
    }
}
