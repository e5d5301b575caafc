// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {IPositionManager, Order} from "../interfaces/IPositionManager.sol";
import {ILiquidationWaterfall, LiquidationFill} from "../interfaces/ILiquidationWaterfall.sol";
import {FeeParams, LiquidationParams} from "../interfaces/MarketTypes.sol";
import {Ledger} from "./Ledger.sol";
import {OrderLib} from "./OrderLib.sol";
import {PositionMath} from "./PositionMath.sol";
import {SettlementCore} from "./SettlementCore.sol";

/// @title BookLiquidation
/// @notice Stage 1 of the liquidation waterfall (DESIGN §8): a liquidatable position closed against resting signed
///         maker orders, through the same fill machinery as a batch ({SettlementCore}). An external library run by
///         delegatecall in the PositionManager's context.
/// @dev The liquidated position takes part as a synthetic reduce-only IOC order at index `orders.length` that needs no
///      signature: its size is what the partial-liquidation rule allows and its limit is the band around the mark.
library BookLiquidation {
    /// @dev Book liquidations index their working state in their own transient domain, apart from batch ids.
    uint64 private constant LIQUIDATION_DOMAIN = uint64(1) << 63;

    /// @dev A book liquidation's working state (one stack slot).
    struct Liquidation {
        SettlementCore.Batch b;
        LiquidationParams params;
        /// The liquidated position's synthetic order.
        SettlementCore.OrderCtx target;
        uint256 marketIdx;
        /// Σ size · price of the fills (USD, each rounded down).
        uint256 notionalWad;
    }

    /// @notice See {ILiquidationWaterfall-liquidateOnBook}; the caller has checked the role and reentrancy.
    function liquidate(
        Ledger.Deps memory deps,
        address account,
        uint32 marketId,
        Order[] calldata orders,
        bytes[] calldata signatures,
        LiquidationFill[] calldata fills
    ) external {
        if (orders.length != signatures.length || fills.length == 0) {
            revert IPositionManager.BatchMalformed(orders.length, signatures.length, fills.length);
        }
        Liquidation memory liq = _begin(deps, account, marketId, orders.length);
        for (uint256 i; i < fills.length; ++i) {
            liq.b.fillIndex = i;
            _fill(liq, orders, signatures, fills[i]);
        }
        // The liquidation fee on the closed notional, rounded up (a debit), all of it to the insurance fund.
        uint256 feeWad = Math.mulDiv(
            liq.notionalWad,
            liq.params.liquidationFeeWad,
            PositionMath.WAD,
            Math.Rounding.Ceil
        );
        liq.b.accounts[liq.target.accountIdx].deltaWad -= int256(feeWad);
        liq.b.insuranceDeltaWad += int256(feeWad);

        Ledger.State storage $ = Ledger.state();
        _recordBlockNotional($, marketId, liq.notionalWad, liq.params.maxLiquidationNotionalPerBlockWad);
        $.lastLiquidatedAt[account][marketId] = uint64(block.timestamp);
        SettlementCore.commit(liq.b, orders);
        emit ILiquidationWaterfall.LiquidatedOnBook(account, marketId, liq.target.filledWad, liq.notionalWad, feeWad);
        // Fills past the bankruptcy price (within the band) and the fee may leave a flat account in debt, out of
        // reach of the later stages, which need a position.
        Ledger.coverResidualDebt(deps, account, marketId);
    }

    /// @dev Checks the account is liquidatable and sets up the batch: the account first (its margin exempt), the
    ///      market, and the synthetic order of its position.
    function _begin(
        Ledger.Deps memory deps,
        address account,
        uint32 marketId,
        uint256 orderCount
    ) private returns (Liquidation memory liq) {
        (int256 equityWad, uint256 maintenanceWad) = Ledger.health(deps, account);
        if (equityWad >= int256(maintenanceWad)) {
            revert ILiquidationWaterfall.LiquidationAccountHealthy(account, equityWad, maintenanceWad);
        }
        liq.b = SettlementCore.newBatch(deps, LIQUIDATION_DOMAIN | ++Ledger.state().liquidationCount, orderCount + 1);
        liq.b.exemptAccountIdx = SettlementCore.loadAccount(liq.b, account);
        liq.marketIdx = SettlementCore.loadMarket(liq.b, marketId, true, orderCount);
        liq.params = deps.registry.liquidationParams(marketId);
        liq.target = _target(liq.b, liq.marketIdx, liq.params, account, orderCount);
    }

    /// @dev The synthetic order of the liquidated position: the opposite side, reduce-only and IOC, sized by the
    ///      partial-liquidation rule, its limit left to the band.
    function _target(
        SettlementCore.Batch memory b,
        uint256 marketIdx,
        LiquidationParams memory lp,
        address account,
        uint256 index
    ) private returns (SettlementCore.OrderCtx memory t) {
        Ledger.MarketCtx memory m = b.markets[marketIdx];
        uint256 positionIdx = SettlementCore.loadPosition(b, b.exemptAccountIdx, marketIdx);
        int256 sizeWad = b.positions[positionIdx].sizeWad;
        if (sizeWad == 0) revert ILiquidationWaterfall.LiquidationNoPosition(account, m.marketId);
        uint256 absSize = SignedMath.abs(sizeWad);
        uint256 maxCloseWad = absSize;
        if (PositionMath.notional(sizeWad, m.markWad) > lp.partialThresholdWad) {
            uint64 last = Ledger.state().lastLiquidatedAt[account][m.marketId];
            if (last != 0 && block.timestamp < uint256(last) + lp.cooldownSec) {
                revert ILiquidationWaterfall.LiquidationCooldown(account, m.marketId, last + lp.cooldownSec);
            }
            // partialFraction of the size, rounded up to a whole lot, never past the position.
            uint256 lot = m.params.trading.lotSizeWad;
            uint256 partialWad = Math.mulDiv(absSize, lp.partialFractionWad, PositionMath.WAD, Math.Rounding.Ceil);
            maxCloseWad = Math.min(Math.mulDiv(partialWad, 1, lot, Math.Rounding.Ceil) * lot, absSize);
        }
        t = b.orders[index];
        t.loaded = true;
        t.index = index;
        t.flags = OrderLib.FLAG_REDUCE_ONLY | OrderLib.FLAG_IOC | (sizeWad < 0 ? OrderLib.FLAG_BUY : 0);
        t.sizeWad = maxCloseWad;
        t.limitPriceWad = sizeWad < 0 ? type(uint256).max : 0;
        t.accountIdx = b.exemptAccountIdx;
        t.positionIdx = positionIdx;
    }

    /// @dev One fill against a maker order: the maker's checks as in a batch, the liquidation band, both positions
    ///      moved, the maker's fee (a rebate is not paid), the fill's notional (rounded down) added up.
    function _fill(
        Liquidation memory liq,
        Order[] calldata orders,
        bytes[] calldata signatures,
        LiquidationFill calldata fill
    ) private {
        SettlementCore.Batch memory b = liq.b;
        Ledger.MarketCtx memory m = b.markets[liq.marketIdx];
        SettlementCore.OrderCtx memory mo = _maker(liq, m.marketId, orders, signatures, fill.makerIndex);
        uint256 sizeWad = fill.sizeWad;
        uint256 priceWad = fill.priceWad;
        SettlementCore.checkFillTerms(b, m, sizeWad, priceWad, liq.params.liquidationBandWad);
        SettlementCore.fillOrder(b, mo, sizeWad, priceWad);
        SettlementCore.fillOrder(b, liq.target, sizeWad, priceWad);
        SettlementCore.trade(b, m, mo, sizeWad, priceWad);
        SettlementCore.trade(b, m, liq.target, sizeWad, priceWad);
        _chargeMakerFee(liq, m.params.fees, mo.accountIdx, sizeWad, priceWad);
        liq.notionalWad += Math.mulDiv(sizeWad, priceWad, PositionMath.WAD);
        emit ILiquidationWaterfall.LiquidationFilled(
            b.accounts[liq.target.accountIdx].account,
            m.marketId,
            mo.hash,
            sizeWad,
            priceWad
        );
    }

    /// @dev The maker pays its maker fee (a rebate is not paid: there is no taker fee to fund it); the liquidated
    ///      account pays the liquidation fee instead, charged on the total at the end.
    function _chargeMakerFee(
        Liquidation memory liq,
        FeeParams memory fees,
        uint256 makerAccountIdx,
        uint256 sizeWad,
        uint256 priceWad
    ) private pure {
        int256 makerRate = fees.makerFeeWad > 0 ? int256(fees.makerFeeWad) : int256(0);
        SettlementCore.chargeFees(liq.b, fees, makerAccountIdx, liq.target.accountIdx, makerRate, 0, sizeWad, priceWad);
    }

    /// @dev The maker order of a fill: a valid index, the market and the opposite side of the liquidated position,
    ///      another account; then loaded and checked as in a batch.
    function _maker(
        Liquidation memory liq,
        uint32 marketId,
        Order[] calldata orders,
        bytes[] calldata signatures,
        uint256 makerIndex
    ) private returns (SettlementCore.OrderCtx memory) {
        SettlementCore.Batch memory b = liq.b;
        if (makerIndex >= orders.length) {
            revert IPositionManager.FillInvalidOrderIndex(b.fillIndex, makerIndex, liq.target.index);
        }
        Order calldata maker = orders[makerIndex];
        if (
            maker.marketId != marketId ||
            OrderLib.isBuy(maker.flags) == OrderLib.isBuy(liq.target.flags) ||
            maker.account == b.accounts[liq.target.accountIdx].account
        ) revert IPositionManager.FillIncompatibleOrders(b.fillIndex);
        return SettlementCore.loadMaker(b, maker, signatures[makerIndex], makerIndex);
    }

    /// @dev Adds `notionalWad` to the market's liquidated notional of this block, within the per-block cap.
    function _recordBlockNotional(
        Ledger.State storage $,
        uint32 marketId,
        uint256 notionalWad,
        uint256 capWad
    ) private {
        Ledger.BlockLiquidations storage bl = $.blockLiquidations[marketId];
        uint256 total = (bl.blockNumber == block.number ? bl.notionalWad : 0) + notionalWad;
        if (total > capWad) revert ILiquidationWaterfall.LiquidationBlockCapExceeded(marketId, total, capWad);
        bl.blockNumber = uint64(block.number);
        bl.notionalWad = uint192(total);
    }
}
