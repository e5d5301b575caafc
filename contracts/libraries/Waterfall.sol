// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {ILiquidationWaterfall, LiquidationStatus} from "../interfaces/ILiquidationWaterfall.sol";
import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {MarketStatus} from "../interfaces/MarketTypes.sol";
import {Ledger} from "./Ledger.sol";
import {PositionMath} from "./PositionMath.sol";

/// @title Waterfall
/// @notice Stages 2 and 3 of the liquidation waterfall (DESIGN §8) — the backstop takeover and auto-deleveraging —
///         the liquidatable flag of the permissionless backstop, and the waterfall's views. An external library run
///         by delegatecall in the PositionManager's context.
/// @dev Positions move directly in storage through {Ledger-trade}; balances move with one zero-sum vault call per
///      action, through the PositionManager's clearing account.
library Waterfall {
    uint256 private constant WAD = 1e18;

    /* FLAG */

    /// @notice See {ILiquidationWaterfall-flagLiquidatable}.
    function flag(Ledger.Deps memory d, address account) external returns (uint64 since) {
        Ledger.State storage $ = Ledger.state();
        (int256 equityWad, uint256 maintenanceWad) = Ledger.health(d, account);
        since = $.liquidatableSince[account];
        if (equityWad < int256(maintenanceWad)) {
            // A flag whose permissionless window has closed in every market the account holds is stale: flag again.
            if (since == 0 || block.timestamp > uint256(since) + 2 * _longestPermissionlessDelay(d, account)) {
                since = uint64(block.timestamp);
                $.liquidatableSince[account] = since;
                emit ILiquidationWaterfall.LiquidatableFlagged(account, since);
            }
        } else if (since != 0) {
            _clearFlag($, account);
            since = 0;
        }
    }

    /// @dev The longest `permissionlessAfterSec` among the markets `account` holds (0 without a position).
    function _longestPermissionlessDelay(Ledger.Deps memory d, address account) private view returns (uint256 delay) {
        uint256 markets = Ledger.state().accounts[account].openMarkets;
        while (markets != 0) {
            uint32 id = Ledger.lowestMarket(markets);
            markets &= markets - 1;
            delay = Math.max(delay, d.registry.liquidationParams(id).permissionlessAfterSec);
        }
    }

    /* STAGE 2: BACKSTOP */

    /// @notice See {ILiquidationWaterfall-backstopLiquidate}; `byLiquidator` tells whether the caller holds
    ///         `LIQUIDATOR_ROLE`.
    function backstop(Ledger.Deps memory d, address account, uint32 marketId, bool byLiquidator) external {
        Ledger.State storage $ = Ledger.state();
        address fund = $.insuranceFund;
        if (account == fund || account == address(this)) revert ILiquidationWaterfall.BackstopInvalidAccount(account);
        if (!Ledger.holds(account, marketId)) revert ILiquidationWaterfall.LiquidationNoPosition(account, marketId);
        (int256 equityWad, uint256 maintenanceWad) = Ledger.health(d, account);
        if (equityWad >= int256(maintenanceWad)) {
            revert ILiquidationWaterfall.LiquidationAccountHealthy(account, equityWad, maintenanceWad);
        }
        if (!byLiquidator) _requirePermissionless($, d, account, marketId);

        // The fund decides first (before any position moves) whether it covers the deficit.
        if (equityWad < 0) {
            uint256 deficitWad = uint256(-equityWad);
            uint256 coveredWad = IInsuranceFund(fund).coverBadDebt(marketId, deficitWad);
            if (coveredWad < deficitWad)
                revert ILiquidationWaterfall.BackstopCannotCover(account, deficitWad, coveredWad);
        }
        d.vault.releaseWithdrawal(account);
        (int256 accountCashWad, int256 fundCashWad) = _takeOverAll(d, account, fund);

        // The account ends at zero: its equity (balance + what its positions realized at the mark) goes to the fund,
        // or the fund pays its deficit. The clearing account is the counterparty of both realizations.
        int256 balanceWad = d.vault.balanceWad(account);
        _settle3(d, account, -balanceWad, fund, fundCashWad + balanceWad + accountCashWad);

        (int256 fundEquityWad, uint256 fundMaintenanceWad) = Ledger.health(d, fund);
        if (fundEquityWad < int256(fundMaintenanceWad)) {
            revert ILiquidationWaterfall.BackstopCannotCover(account, equityWad < 0 ? uint256(-equityWad) : 0, 0);
        }
        if ($.liquidatableSince[account] != 0) _clearFlag($, account);
        emit ILiquidationWaterfall.BackstopTakeover(account, marketId, equityWad, msg.sender);
    }

    /// @dev Every position of `account` moves to `fund` at its market's mark; each of the fund's positions that grows
    ///      must stay within its exposure cap.
    function _takeOverAll(
        Ledger.Deps memory d,
        address account,
        address fund
    ) private returns (int256 accountCashWad, int256 fundCashWad) {
        uint256 markets = Ledger.state().accounts[account].openMarkets;
        while (markets != 0) {
            uint32 id = Ledger.lowestMarket(markets);
            markets &= markets - 1;
            Ledger.MarketCtx memory m = Ledger.loadMarket(d, id);
            int256 sizeWad = Ledger.state().positions[account][id].sizeWad;
            (int256 cash, , ) = Ledger.trade(m, account, -sizeWad, m.markWad);
            accountCashWad += cash;
            int256 before;
            int256 after_;
            (cash, before, after_) = Ledger.trade(m, fund, sizeWad, m.markWad);
            fundCashWad += cash;
            if (SignedMath.abs(after_) > SignedMath.abs(before)) {
                uint256 exposureWad = PositionMath.notional(after_, m.markWad);
                uint256 capWad = IInsuranceFund(fund).backstopExposureCap(id);
                if (exposureWad > capWad) revert ILiquidationWaterfall.BackstopExposureCap(id, exposureWad, capWad);
            }
            Ledger.storeOpenInterest(m);
            emit ILiquidationWaterfall.PositionTakenOver(account, id, sizeWad, m.markWad);
        }
    }

    /// @dev Anyone may call the backstop from `permissionlessAfterSec` after the flag until twice that (a flag left
    ///      from an earlier episode must not open the door at once: flag again).
    function _requirePermissionless(
        Ledger.State storage $,
        Ledger.Deps memory d,
        address account,
        uint32 marketId
    ) private view {
        uint64 since = $.liquidatableSince[account];
        uint64 after_ = d.registry.liquidationParams(marketId).permissionlessAfterSec;
        uint64 openAt = since + after_;
        uint64 closeAt = openAt + after_;
        if (since == 0 || block.timestamp < openAt || block.timestamp > closeAt) {
            revert ILiquidationWaterfall.BackstopNotPermitted(msg.sender, account, since, openAt, closeAt);
        }
    }

    /* STAGE 3: AUTO-DELEVERAGING */

    /// @notice See {ILiquidationWaterfall-autoDeleverage}; the caller has checked the role and reentrancy.
    function deleverage(
        Ledger.Deps memory d,
        address account,
        uint32 marketId,
        address[] calldata counterparties
    ) external {
        Ledger.State storage $ = Ledger.state();
        (int256 equityWad, ) = Ledger.health(d, account);
        if (equityWad >= 0) revert ILiquidationWaterfall.AdlAccountNotBankrupt(account, equityWad);
        int256 sizeWad = $.positions[account][marketId].sizeWad;
        if (sizeWad == 0) revert ILiquidationWaterfall.LiquidationNoPosition(account, marketId);
        if (counterparties.length == 0) revert ILiquidationWaterfall.AdlNoCounterparty();
        uint256 deficitWad = uint256(-equityWad);
        Ledger.MarketCtx memory m = Ledger.loadMarket(d, marketId);
        MarketStatus status = m.params.status;
        if (status != MarketStatus.Active && status != MarketStatus.Resolving) {
            revert ILiquidationWaterfall.LiquidationMarketNotTrading(marketId, status);
        }
        _requireFundCannotCover(d, $, account, m, sizeWad, deficitWad);

        d.vault.releaseWithdrawal(account);
        uint256 priceWad = PositionMath.bankruptcyPrice(m.params.kind, sizeWad, m.markWad, deficitWad);
        (address[] memory accounts, int256[] memory deltas) = _closeAgainst(
            m,
            account,
            sizeWad,
            priceWad,
            counterparties
        );
        Ledger.storeOpenInterest(m);
        d.vault.settleBalances(accounts, deltas);
        Ledger.coverResidualDebt(d, account, marketId);
    }

    /// @dev ADL is for what the fund cannot take: it cannot cover the deficit (too little available, draw cap), the
    ///      backstop's exposure cap has no room for the position, or the takeover would leave the fund below its own
    ///      maintenance margin (the backstop reverts `BackstopCannotCover`). The fund's own bankrupt positions always
    ///      qualify.
    function _requireFundCannotCover(
        Ledger.Deps memory d,
        Ledger.State storage $,
        address account,
        Ledger.MarketCtx memory m,
        int256 sizeWad,
        uint256 deficitWad
    ) private view {
        address fund = $.insuranceFund;
        if (account == fund) return;
        IInsuranceFund insurance = IInsuranceFund(fund);
        uint256 coverableWad = insurance.coverableWad();
        if (coverableWad < deficitWad) return;
        int256 fundSizeWad = $.positions[fund][m.marketId].sizeWad;
        int256 fundAfterWad = fundSizeWad + sizeWad;
        bool grows = SignedMath.abs(fundAfterWad) > SignedMath.abs(fundSizeWad);
        if (grows && PositionMath.notional(fundAfterWad, m.markWad) > insurance.backstopExposureCap(m.marketId)) return;
        if (_takeoverBreaksFundMaintenance(d, $, account, fund, deficitWad)) return;
        revert ILiquidationWaterfall.AdlInsuranceCanCover(account, deficitWad, coverableWad);
    }

    /// @dev Whether the backstop's takeover of every position of `account` (equity −`deficitWad`) would leave the
    ///      fund's equity below its maintenance margin: the fund's equity falls by the deficit and each market's
    ///      requirement is recomputed at the fund's combined size.
    function _takeoverBreaksFundMaintenance(
        Ledger.Deps memory d,
        Ledger.State storage $,
        address account,
        address fund,
        uint256 deficitWad
    ) private view returns (bool) {
        (int256 fundEquityWad, uint256 maintenanceWad) = Ledger.health(d, fund);
        uint256 markets = $.accounts[account].openMarkets;
        while (markets != 0) {
            uint32 id = Ledger.lowestMarket(markets);
            markets &= markets - 1;
            Ledger.MarketCtx memory mk = Ledger.loadMarket(d, id);
            int256 fundSizeWad = $.positions[fund][id].sizeWad;
            (, , uint256 beforeWad) = Ledger.positionMargin(mk, fundSizeWad, 0, 0);
            (, , uint256 afterWad) = Ledger.positionMargin(mk, fundSizeWad + $.positions[account][id].sizeWad, 0, 0);
            maintenanceWad = maintenanceWad + afterWad - beforeWad;
        }
        return fundEquityWad - int256(deficitWad) < int256(maintenanceWad);
    }

    /// @dev An auto-deleveraging in progress: the vault deltas are the bankrupt account, each counterparty, then the
    ///      clearing account.
    struct Deleveraging {
        Ledger.MarketCtx m;
        address account;
        int256 sizeWad;
        uint256 priceWad;
        uint256 remainingWad;
        address[] accounts;
        int256[] deltas;
    }

    /// @dev Closes the bankrupt position against the counterparties in order at `priceWad`, no more than its size.
    function _closeAgainst(
        Ledger.MarketCtx memory m,
        address account,
        int256 sizeWad,
        uint256 priceWad,
        address[] calldata counterparties
    ) private returns (address[] memory, int256[] memory) {
        uint256 n = counterparties.length;
        Deleveraging memory x = Deleveraging(
            m,
            account,
            sizeWad,
            priceWad,
            SignedMath.abs(sizeWad),
            new address[](n + 2),
            new int256[](n + 2)
        );
        x.accounts[0] = account;
        x.accounts[n + 1] = address(this);
        for (uint256 i; i < n; ++i) {
            x.accounts[i + 1] = counterparties[i];
            if (x.remainingWad != 0) _closeOne(x, i + 1, counterparties[i]);
        }
        return (x.accounts, x.deltas);
    }

    /// @dev Closes `min(remaining, |c's size|)` between the bankrupt account and counterparty `c` (delta slot `k`).
    function _closeOne(Deleveraging memory x, uint256 k, address c) private {
        uint256 closeWad = Math.min(x.remainingWad, _eligibleSize(x.m, c, x.account, x.sizeWad));
        // The counterparty trades toward the bankrupt side: it buys back a short when the bankrupt was long.
        int256 deltaWad = x.sizeWad > 0 ? int256(closeWad) : -int256(closeWad);
        (int256 counterpartyCash, , ) = Ledger.trade(x.m, c, deltaWad, x.priceWad);
        (int256 accountCash, , ) = Ledger.trade(x.m, x.account, -deltaWad, x.priceWad);
        uint256 last = x.deltas.length - 1;
        x.deltas[k] = counterpartyCash;
        x.deltas[0] += accountCash;
        x.deltas[last] -= counterpartyCash + accountCash;
        x.remainingWad -= closeWad;
        emit ILiquidationWaterfall.AutoDeleveraged(x.account, c, x.m.marketId, deltaWad, x.priceWad);
    }

    /// @dev |size| of `c`'s position when it is on the opposite side of `sizeWad` with a profit at the mark (funding
    ///      included); reverts `AdlCounterpartyNotEligible` otherwise.
    function _eligibleSize(
        Ledger.MarketCtx memory m,
        address c,
        address account,
        int256 sizeWad
    ) private view returns (uint256) {
        Ledger.PositionSlot memory s = Ledger.state().positions[c][m.marketId];
        int256 pnlWad =
            PositionMath.unrealizedPnl(s.sizeWad, s.openNotionalWad, m.markWad) - Ledger.pendingFunding(m, s);
        if (c == account || s.sizeWad == 0 || (s.sizeWad > 0) == (sizeWad > 0) || pnlWad <= 0) {
            revert ILiquidationWaterfall.AdlCounterpartyNotEligible(c, s.sizeWad, pnlWad);
        }
        return SignedMath.abs(s.sizeWad);
    }

    /* VIEWS */

    /// @notice See {ILiquidationWaterfall-canLiquidate}.
    function status(Ledger.Deps memory d, address account) external view returns (LiquidationStatus memory s) {
        Ledger.State storage $ = Ledger.state();
        (s.equityWad, s.maintenanceMarginWad) = Ledger.health(d, account);
        s.liquidatable = s.equityWad < int256(s.maintenanceMarginWad);
        // equity < ⅔ · maintenance, cross-multiplied: 3 · equity < 2 · maintenance.
        s.belowBackstopThreshold = 3 * s.equityWad < 2 * int256(s.maintenanceMarginWad);
        s.liquidatableSince = $.liquidatableSince[account];
        uint256 markets = $.accounts[account].openMarkets;
        if (s.liquidatable && s.liquidatableSince != 0 && markets != 0) {
            // The account's lowest market stands for its permissionless delay (each market's own applies on call).
            uint64 after_ = d.registry.liquidationParams(Ledger.lowestMarket(markets)).permissionlessAfterSec;
            uint256 openAt = uint256(s.liquidatableSince) + after_;
            s.permissionlessBackstop = block.timestamp >= openAt && block.timestamp <= openAt + after_;
        }
    }

    /// @notice See {ILiquidationWaterfall-adlScore}.
    function adlScore(Ledger.Deps memory d, address account, uint32 marketId) external view returns (uint256) {
        Ledger.PositionSlot memory s = Ledger.state().positions[account][marketId];
        if (s.sizeWad == 0) return 0;
        Ledger.MarketCtx memory m = Ledger.loadMarket(d, marketId);
        int256 pnlWad =
            PositionMath.unrealizedPnl(s.sizeWad, s.openNotionalWad, m.markWad) - Ledger.pendingFunding(m, s);
        if (pnlWad <= 0) return 0;
        (int256 equityWad, ) = Ledger.health(d, account);
        return PositionMath.adlScore(s.sizeWad, s.openNotionalWad, m.markWad, pnlWad, equityWad);
    }

    /* INTERNAL */

    function _clearFlag(Ledger.State storage $, address account) private {
        delete $.liquidatableSince[account];
        emit ILiquidationWaterfall.LiquidatableFlagCleared(account);
    }

    /// @dev One vault call moving `accountDeltaWad` to `account`, `fundDeltaWad` to `fund` and the opposite of both
    ///      through the clearing account (the counterparty of realized PnL); zero-sum by construction.
    function _settle3(
        Ledger.Deps memory d,
        address account,
        int256 accountDeltaWad,
        address fund,
        int256 fundDeltaWad
    ) private {
        address[] memory accounts = new address[](3);
        int256[] memory deltas = new int256[](3);
        (accounts[0], deltas[0]) = (account, accountDeltaWad);
        (accounts[1], deltas[1]) = (fund, fundDeltaWad);
        (accounts[2], deltas[2]) = (address(this), -accountDeltaWad - fundDeltaWad);
        d.vault.settleBalances(accounts, deltas);
    }
}
