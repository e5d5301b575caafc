// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {IPositionManager, Order, Fill} from "../interfaces/IPositionManager.sol";
import {FeeParams, MarketRiskParams, MarketStatus, TradingParams} from "../interfaces/MarketTypes.sol";
import {Ledger} from "./Ledger.sol";
import {OrderLib} from "./OrderLib.sol";
import {PositionMath} from "./PositionMath.sol";

/// @title SettlementCore
/// @notice The machinery of matched fills, shared by batched settlement (DESIGN §5) and book liquidation (DESIGN §8):
///         order checks, positions netted in memory, fees, one write per slot, one vault call, margin checks.
/// @dev A batch reads each (account, market), order and market once, keeps its working state in memory (found through
///      transient-storage indexes keyed by batch id), writes each slot once and moves balances with one vault call.
///      Internal functions: each external library that uses them (BatchSettlement, BookLiquidation) carries its copy.
library SettlementCore {
    using SafeCast for int256;
    using SafeCast for uint256;

    uint256 internal constant WAD = 1e18;
    // Transient-index namespaces (see `tkey`).
    uint256 internal constant NS_ORDER = 1;
    uint256 internal constant NS_ACCOUNT = 2;
    uint256 internal constant NS_POSITION = 3;
    uint256 internal constant NS_MARKET = 4;
    uint256 internal constant NS_NONCE = 5;
    /// @dev `Batch.exemptAccountIdx` when every account's margin is checked.
    uint256 internal constant NO_EXEMPT_ACCOUNT = type(uint256).max;

    struct AccountCtx {
        address account;
        int256 deltaWad;
        uint256 lastFillIndex;
        uint64 nonceFloor;
        uint256 openMarketsBefore;
        uint256 openMarkets;
        bool exposureGrew;
    }
    struct PositionCtx {
        uint256 accountIdx;
        uint256 marketIdx;
        int256 sizeBeforeWad;
        int256 openNotionalBeforeWad;
        int256 fundingOwedWad;
        int256 sizeWad;
        int256 openNotionalWad;
        bool funded;
    }
    struct OrderCtx {
        bool loaded;
        bool partialBefore;
        uint8 flags;
        uint256 index;
        uint256 sizeWad;
        uint256 limitPriceWad;
        uint256 accountIdx;
        uint256 positionIdx;
        uint256 filledBeforeWad;
        uint256 filledWad;
        bytes32 hash;
    }
    struct Batch {
        Ledger.Deps deps;
        uint64 batchId;
        /// The fill being applied (named by errors).
        uint256 fillIndex;
        OrderCtx[] orders;
        Ledger.MarketCtx[] markets;
        uint256 marketCount;
        AccountCtx[] accounts;
        uint256 accountCount;
        PositionCtx[] positions;
        uint256 positionCount;
        int256 clearingDeltaWad;
        int256 feeRecipientDeltaWad;
        int256 insuranceDeltaWad;
        /// The protocol is paused: every fill must reduce (DESIGN §3).
        bool paused;
        /// The insurance fund's account: its (backstop) orders are always reduce-only.
        address insuranceFund;
        /// An account whose margin is not checked at the end (the account a book liquidation closes).
        uint256 exemptAccountIdx;
    }
    /// @dev A batch context with room for `orderCount` orders (and as many accounts and positions).
    function newBatch(
        Ledger.Deps memory deps,
        uint64 batchId,
        uint256 orderCount
    ) internal view returns (Batch memory b) {
        b.batchId = batchId;
        b.deps = deps;
        b.orders = new OrderCtx[](orderCount);
        // Margin checks may load markets no order names (other positions of the accounts): room for every id.
        b.markets = marketArray(Ledger.MAX_MARKET_ID + 1);
        b.accounts = accountArray(orderCount);
        b.positions = positionArray(orderCount);
        b.insuranceFund = Ledger.state().insuranceFund;
        b.exemptAccountIdx = NO_EXEMPT_ACCOUNT;
    }

    /// @dev Writes what the batch changed, in order: orders, markets (OI caps first: a fill too large for any market
    ///      is named by the cap, before positions narrow to int96), positions, balances (one vault call), then checks
    ///      every account's margin.
    function commit(Batch memory b, Order[] calldata orders) internal {
        writeOrders(b, orders);
        writeMarkets(b);
        writePositions(b);
        checkMargins(b, settleBalances(b));
    }

    /// @dev Every per-fill check of DESIGN §4, then the fill's effect on both positions, fees and OI.
    function applyFill(
        Batch memory b,
        Order[] calldata orders,
        bytes[] calldata signatures,
        Fill calldata fill
    ) internal {
        (OrderCtx memory mo, OrderCtx memory to) = loadPair(b, orders, signatures, fill);
        Ledger.MarketCtx memory m = b.markets[b.positions[mo.positionIdx].marketIdx];
        uint256 sizeWad = fill.sizeWad;
        uint256 priceWad = fill.priceWad;
        checkFillTerms(b, m, sizeWad, priceWad, m.params.trading.maxFillDeviationWad);
        fillOrder(b, mo, sizeWad, priceWad);
        fillOrder(b, to, sizeWad, priceWad);
        trade(b, m, mo, sizeWad, priceWad);
        trade(b, m, to, sizeWad, priceWad);

        FeeParams memory fees = m.params.fees;
        chargeFees(
            b,
            fees,
            mo.accountIdx,
            to.accountIdx,
            fees.makerFeeWad,
            int256(uint256(fees.takerFeeWad)),
            sizeWad,
            priceWad
        );
        emit IPositionManager.Filled(b.batchId, mo.hash, to.hash, sizeWad, priceWad);
    }

    /// @dev Maker and taker fees at the signed rates given, on the fill's notional; the net is split between the
    ///      insurance fund and the fee recipient (the insurance share rounded down).
    function chargeFees(
        Batch memory b,
        FeeParams memory fees,
        uint256 makerAccountIdx,
        uint256 takerAccountIdx,
        int256 makerRateWad,
        int256 takerRateWad,
        uint256 sizeWad,
        uint256 priceWad
    ) internal pure {
        int256 makerFee = PositionMath.tradingFee(sizeWad, priceWad, makerRateWad);
        int256 takerFee = PositionMath.tradingFee(sizeWad, priceWad, takerRateWad);
        b.accounts[makerAccountIdx].deltaWad -= makerFee;
        b.accounts[takerAccountIdx].deltaWad -= takerFee;
        // A rebate never exceeds the taker fee (registry bound) and rounds toward zero, so the net is ≥ 0.
        uint256 netFee = uint256(makerFee + takerFee);
        int256 insuranceShare = int256(Math.mulDiv(netFee, fees.insuranceShareWad, WAD));
        b.insuranceDeltaWad += insuranceShare;
        b.feeRecipientDeltaWad += int256(netFee) - insuranceShare;
    }

    /// @dev The fill's two orders, each loaded and checked at its first fill; they must trade the same market on
    ///      opposite sides for different accounts, the maker not IOC and the taker not post-only.
    function loadPair(
        Batch memory b,
        Order[] calldata orders,
        bytes[] calldata signatures,
        Fill calldata fill
    ) internal returns (OrderCtx memory mo, OrderCtx memory to) {
        uint256 makerIndex = fill.makerIndex;
        uint256 takerIndex = fill.takerIndex;
        if (makerIndex >= orders.length || takerIndex >= orders.length || makerIndex == takerIndex) {
            revert IPositionManager.FillInvalidOrderIndex(b.fillIndex, makerIndex, takerIndex);
        }
        Order calldata maker = orders[makerIndex];
        Order calldata taker = orders[takerIndex];
        if (
            maker.marketId != taker.marketId ||
            OrderLib.isBuy(maker.flags) == OrderLib.isBuy(taker.flags) ||
            maker.account == taker.account
        ) revert IPositionManager.FillIncompatibleOrders(b.fillIndex);
        mo = loadMaker(b, maker, signatures[makerIndex], makerIndex);
        if (!OrderLib.flagsValid(taker.flags)) {
            revert IPositionManager.OrderInvalidFlags(b.fillIndex, takerIndex, taker.flags);
        }
        if (taker.flags & OrderLib.FLAG_POST_ONLY != 0)
            revert IPositionManager.FillRoleNotAllowed(b.fillIndex, takerIndex, taker.flags);
        to = loadOrder(b, taker, signatures[takerIndex], takerIndex);
    }

    /// @dev A maker order's context: valid flags, not immediate-or-cancel, then loaded and checked.
    function loadMaker(
        Batch memory b,
        Order calldata maker,
        bytes calldata signature,
        uint256 makerIndex
    ) internal returns (OrderCtx memory) {
        if (!OrderLib.flagsValid(maker.flags)) {
            revert IPositionManager.OrderInvalidFlags(b.fillIndex, makerIndex, maker.flags);
        }
        if (maker.flags & OrderLib.FLAG_IOC != 0)
            revert IPositionManager.FillRoleNotAllowed(b.fillIndex, makerIndex, maker.flags);
        return loadOrder(b, maker, signature, makerIndex);
    }

    /// @dev Lot, tick, price bounds and the band of `maxDeviationWad` around the mark.
    function checkFillTerms(
        Batch memory b,
        Ledger.MarketCtx memory m,
        uint256 sizeWad,
        uint256 priceWad,
        uint256 maxDeviationWad
    ) internal pure {
        TradingParams memory t = m.params.trading;
        if (sizeWad == 0 || sizeWad % t.lotSizeWad != 0)
            revert IPositionManager.FillSizeInvalid(b.fillIndex, sizeWad, t.lotSizeWad);
        if (priceWad % t.tickSizeWad != 0 || priceWad < t.minPriceWad || priceWad > t.maxPriceWad) {
            revert IPositionManager.FillPriceInvalid(b.fillIndex, priceWad);
        }
        (bool within, uint256 maxDeltaWad) = PositionMath.withinBand(
            m.params.kind,
            priceWad,
            m.markWad,
            maxDeviationWad
        );
        if (!within) revert IPositionManager.FillPriceOutsideBand(b.fillIndex, priceWad, m.markWad, maxDeltaWad);
    }

    /// @dev The price within the order's limit (a buy never pays above it, a sell never receives below it), and
    ///      filled ≤ size (DESIGN §13.5).
    function fillOrder(Batch memory b, OrderCtx memory o, uint256 sizeWad, uint256 priceWad) internal pure {
        bool beyond = OrderLib.isBuy(o.flags) ? priceWad > o.limitPriceWad : priceWad < o.limitPriceWad;
        if (beyond) revert IPositionManager.FillPriceBeyondLimit(b.fillIndex, o.index, priceWad, o.limitPriceWad);
        uint256 filled = o.filledWad + sizeWad;
        if (filled > o.sizeWad) revert IPositionManager.FillExceedsOrder(b.fillIndex, o.index, filled, o.sizeWad);
        o.filledWad = filled;
    }

    /// @dev Moves the order's position by the fill at `priceWad`: realized PnL through the clearing account, OI, and
    ///      the reduce-only rule (also every order's rule while the market is Resolving or its circuit breaker has
    ///      tripped, and while the protocol is paused).
    function trade(
        Batch memory b,
        Ledger.MarketCtx memory m,
        OrderCtx memory o,
        uint256 sizeWad,
        uint256 priceWad
    ) internal pure {
        PositionCtx memory p = b.positions[o.positionIdx];
        int256 before = p.sizeWad;
        int256 deltaWad = OrderLib.isBuy(o.flags) ? int256(sizeWad) : -int256(sizeWad);
        (int256 after_, int256 openNotional, int256 realized) = PositionMath.applyFill(
            before,
            p.openNotionalWad,
            deltaWad,
            priceWad
        );
        if (o.flags & OrderLib.FLAG_REDUCE_ONLY != 0 || m.reduceOnly || b.paused) {
            bool reduces =
                before != 0 &&
                    (after_ == 0 || (after_ > 0) == (before > 0)) &&
                    SignedMath.abs(after_) < SignedMath.abs(before);
            if (!reduces) revert IPositionManager.FillIncreasesPosition(b.fillIndex, o.index, before, after_);
        }
        p.sizeWad = after_;
        p.openNotionalWad = openNotional;
        AccountCtx memory a = b.accounts[o.accountIdx];
        a.deltaWad += realized;
        a.lastFillIndex = b.fillIndex;
        b.clearingDeltaWad -= realized;
        m.openInterestWad = m.openInterestWad + Ledger.longSize(after_) - Ledger.longSize(before);
    }

    /// @dev The order's batch context, loaded and checked at its first fill (signature checked once per batch).
    function loadOrder(
        Batch memory b,
        Order calldata order,
        bytes calldata signature,
        uint256 orderIndex
    ) internal returns (OrderCtx memory o) {
        o = b.orders[orderIndex];
        if (o.loaded) return o;
        o.loaded = true;
        o.index = orderIndex;
        // The insurance fund's orders (signed by its operator key through ERC-1271) may only unwind its positions.
        o.flags = order.account == b.insuranceFund ? order.flags | OrderLib.FLAG_REDUCE_ONLY : order.flags;
        o.sizeWad = order.size;
        o.limitPriceWad = order.price;

        if (order.expiry != 0 && order.expiry < block.timestamp) {
            revert IPositionManager.OrderExpired(b.fillIndex, orderIndex, order.expiry, block.timestamp);
        }
        o.hash = MessageHashUtils.toTypedDataHash(b.deps.domainSeparator, OrderLib.structHash(order));
        uint256 key = tkey(b.batchId, NS_ORDER, uint256(o.hash));
        if (tload(key) != 0) revert IPositionManager.BatchDuplicateOrder(orderIndex, o.hash);
        tstore(key, 1);

        uint256 marketIdx = loadMarket(b, order.marketId, true, orderIndex);
        uint256 markWad = b.markets[marketIdx].markWad;
        if (!OrderLib.triggered(order.flags, order.triggerPrice, markWad)) {
            revert IPositionManager.OrderTriggerNotReached(b.fillIndex, orderIndex, markWad, order.triggerPrice);
        }
        o.accountIdx = loadAccount(b, order.account);
        checkNonce(b, o, order);
        verifySignature(b, order.account, o.hash, signature, orderIndex);
        o.positionIdx = loadPosition(b, o.accountIdx, marketIdx);
    }

    /// @dev The nonce is at or above the account's floor, and unused unless this very order left a partial record.
    function checkNonce(Batch memory b, OrderCtx memory o, Order calldata order) internal {
        uint64 floor = b.accounts[o.accountIdx].nonceFloor;
        if (order.nonce < floor) revert IPositionManager.OrderBelowNonceFloor(b.fillIndex, o.index, order.nonce, floor);
        // A nonce is single-use within the batch too: a second order of the account with the same nonce is dead.
        uint256 nonceKey = tkey(b.batchId, NS_NONCE, (uint256(uint160(order.account)) << 64) | order.nonce);
        if (tload(nonceKey) != 0) revert IPositionManager.OrderDead(b.fillIndex, o.index, o.hash);
        tstore(nonceKey, 1);
        if (Ledger.nonceUsed(order.account, order.nonce)) {
            uint256 filled = Ledger.state().partialFills[o.hash];
            if (filled == 0) revert IPositionManager.OrderDead(b.fillIndex, o.index, o.hash);
            o.partialBefore = true;
            o.filledBeforeWad = filled;
            o.filledWad = filled;
        }
    }

    /// @dev The signer must be the account, an unexpired agent of it, or (for contracts) pass ERC-1271.
    function verifySignature(
        Batch memory b,
        address account,
        bytes32 digest,
        bytes calldata signature,
        uint256 orderIndex
    ) internal view {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err == ECDSA.RecoverError.NoError) {
            if (signer == account || Ledger.state().agentExpiry[account][signer] >= block.timestamp) return;
        }
        if (
            account.code.length != 0 && SignatureChecker.isValidERC1271SignatureNowCalldata(account, digest, signature)
        ) {
            return;
        }
        revert IPositionManager.OrderInvalidSignature(b.fillIndex, orderIndex, signer);
    }

    /// @dev Index of the market's context, loaded (parameters, fresh prices, OI, funding) once per batch. Through an
    ///      order (`trading`) the market must trade (Active) or reduce (Resolving); margin checks of positions the
    ///      batch did not touch accept any status.
    function loadMarket(
        Batch memory b,
        uint32 marketId,
        bool trading,
        uint256 orderIndex
    ) internal returns (uint256 idx) {
        uint256 key = tkey(b.batchId, NS_MARKET, marketId);
        idx = tload(key);
        if (idx != 0) return idx - 1;
        if (trading && (marketId > Ledger.MAX_MARKET_ID || marketId == 0)) {
            revert IPositionManager.OrderMarketIdTooLarge(b.fillIndex, orderIndex, marketId);
        }
        MarketRiskParams memory params = b.deps.registry.riskParams(marketId);
        if (trading && params.status != MarketStatus.Active && params.status != MarketStatus.Resolving) {
            revert IPositionManager.OrderMarketNotTrading(b.fillIndex, orderIndex, marketId, params.status);
        }
        idx = b.marketCount++;
        b.markets[idx] = Ledger.loadMarket(b.deps, marketId, params);
        tstore(key, idx + 1);
    }

    /// @dev Index of the account's context, loaded on first use.
    function loadAccount(Batch memory b, address account) internal returns (uint256 idx) {
        uint256 key = tkey(b.batchId, NS_ACCOUNT, uint160(account));
        idx = tload(key);
        if (idx != 0) return idx - 1;
        Ledger.AccountSlot memory s = Ledger.state().accounts[account];
        idx = b.accountCount++;
        b.accounts[idx] = AccountCtx(account, 0, 0, s.nonceFloor, s.openMarkets, s.openMarkets, false);
        tstore(key, idx + 1);
    }

    /// @dev Index of the (account, market) position's context, loaded on first use with its funding settled.
    function loadPosition(Batch memory b, uint256 accountIdx, uint256 marketIdx) internal returns (uint256 idx) {
        AccountCtx memory a = b.accounts[accountIdx];
        Ledger.MarketCtx memory m = b.markets[marketIdx];
        uint256 key = tkey(b.batchId, NS_POSITION, (uint256(uint160(a.account)) << 32) | m.marketId);
        idx = tload(key);
        if (idx != 0) return idx - 1;
        Ledger.PositionSlot memory s = Ledger.state().positions[a.account][m.marketId];
        int256 owed = Ledger.pendingFunding(m, s);
        idx = b.positionCount++;
        b.positions[idx] = PositionCtx(
            accountIdx,
            marketIdx,
            s.sizeWad,
            s.openNotionalWad,
            owed,
            s.sizeWad,
            s.openNotionalWad,
            s.fundingEpoch != (s.sizeWad == 0 ? 0 : m.fundingEpoch)
        );
        a.deltaWad -= owed;
        b.clearingDeltaWad += owed;
        tstore(key, idx + 1);
    }

    /// @dev Completely filled and IOC orders die (nonce bit); partly filled ones keep a record beside the bit.
    function writeOrders(Batch memory b, Order[] calldata orders) internal {
        for (uint256 i; i < orders.length; ++i) {
            OrderCtx memory o = b.orders[i];
            if (!o.loaded) continue;
            Order calldata order = orders[i];
            bool dead = o.filledWad == order.size || order.flags & OrderLib.FLAG_IOC != 0;
            if (dead) {
                if (o.partialBefore) delete Ledger.state().partialFills[o.hash];
                else Ledger.useNonce(order.account, order.nonce);
            } else if (o.filledWad != o.filledBeforeWad) {
                if (!o.partialBefore) Ledger.useNonce(order.account, order.nonce);
                Ledger.state().partialFills[o.hash] = o.filledWad;
            }
        }
    }

    /// @dev Writes each touched position once and keeps every account's open-market bitmap in step.
    function writePositions(Batch memory b) internal {
        for (uint256 i; i < b.positionCount; ++i) {
            PositionCtx memory p = b.positions[i];
            AccountCtx memory a = b.accounts[p.accountIdx];
            Ledger.MarketCtx memory m = b.markets[p.marketIdx];
            if (p.sizeWad != p.sizeBeforeWad || p.openNotionalWad != p.openNotionalBeforeWad || p.funded) {
                Ledger.state().positions[a.account][m.marketId] = Ledger.PositionSlot(
                    p.sizeWad.toInt96(),
                    p.openNotionalWad.toInt128(),
                    p.sizeWad == 0 ? 0 : m.fundingEpoch
                );
            }
            uint256 bit = 1 << m.marketId;
            a.openMarkets = p.sizeWad == 0 ? a.openMarkets & ~bit : a.openMarkets | bit;
            bool grew =
                p.sizeWad != 0 &&
                    ((p.sizeWad > 0) != (p.sizeBeforeWad > 0) ||
                        SignedMath.abs(p.sizeWad) > SignedMath.abs(p.sizeBeforeWad));
            if (grew) a.exposureGrew = true;
        }
        for (uint256 i; i < b.accountCount; ++i) {
            AccountCtx memory a = b.accounts[i];
            if (a.openMarkets != a.openMarketsBefore)
                Ledger.state().accounts[a.account].openMarkets = uint192(a.openMarkets);
        }
    }

    /// @dev Stores each market's new OI; a market whose OI grew must stay within its cap.
    function writeMarkets(Batch memory b) internal {
        for (uint256 i; i < b.marketCount; ++i) {
            Ledger.MarketCtx memory m = b.markets[i];
            if (m.openInterestWad == m.openInterestBeforeWad) continue;
            uint256 cap = m.params.margin.maxOpenInterestWad;
            if (m.openInterestWad > m.openInterestBeforeWad && m.openInterestWad > cap) {
                revert IPositionManager.BatchOpenInterestCap(m.marketId, m.openInterestWad, cap);
            }
            Ledger.state().markets[m.marketId].openInterestWad = m.openInterestWad.toUint128();
        }
    }

    /// @dev One zero-sum vault call for the whole batch: traders, then fee recipient, insurance fund and clearing.
    function settleBalances(Batch memory b) internal returns (int256[] memory) {
        uint256 n = b.accountCount;
        address[] memory accounts = new address[](n + 3);
        int256[] memory deltas = new int256[](n + 3);
        for (uint256 i; i < n; ++i) {
            accounts[i] = b.accounts[i].account;
            deltas[i] = b.accounts[i].deltaWad;
        }
        (accounts[n], deltas[n]) = (Ledger.state().feeRecipient, b.feeRecipientDeltaWad);
        (accounts[n + 1], deltas[n + 1]) = (Ledger.state().insuranceFund, b.insuranceDeltaWad);
        (accounts[n + 2], deltas[n + 2]) = (address(this), b.clearingDeltaWad);
        return b.deps.vault.settleBalances(accounts, deltas);
    }

    /// @dev DESIGN §5: an account whose exposure grew ends with equity ≥ initial margin; any other ends with equity
    ///      (pending withdrawal included) ≥ maintenance, or a margin ratio no worse than before the batch.
    function checkMargins(Batch memory b, int256[] memory balances) internal {
        for (uint256 i; i < b.accountCount; ++i) {
            if (i == b.exemptAccountIdx) continue;
            AccountCtx memory a = b.accounts[i];
            (int256 value, uint256 initialWad, uint256 maintenanceWad) = accountMargin(b, a, false);
            int256 equity = balances[i] + value;
            if (a.exposureGrew) {
                if (equity < int256(initialWad)) {
                    revert IPositionManager.BatchMarginInsufficient(a.lastFillIndex, a.account, equity, initialWad);
                }
                continue;
            }
            if (equity >= int256(maintenanceWad)) continue;
            int256 pending = int256(Ledger.pendingWithdrawalWad(b.deps, a.account));
            equity += pending;
            if (equity >= int256(maintenanceWad)) continue;
            // Below maintenance: the margin ratio must not have worsened. equity / mm ≥ equityBefore / mmBefore,
            // cross-multiplied (both requirements ≥ 0); the batch's balance delta is undone for "before".
            (int256 valueBefore, , uint256 maintenanceBeforeWad) = accountMargin(b, a, true);
            int256 equityBefore = balances[i] - a.deltaWad + pending + valueBefore;
            if (equity * int256(maintenanceBeforeWad) < equityBefore * int256(maintenanceWad)) {
                revert IPositionManager.BatchMarginInsufficient(a.lastFillIndex, a.account, equity, maintenanceWad);
            }
        }
    }

    /// @dev Σ over the account's positions, after the batch or (`before`) as it started, of value = unrealized PnL −
    ///      pending funding, and the requirements. Touched positions come from the batch, the others from storage.
    function accountMargin(
        Batch memory b,
        AccountCtx memory a,
        bool before
    ) internal returns (int256 value, uint256 initialWad, uint256 maintenanceWad) {
        uint256 markets = a.openMarkets | a.openMarketsBefore;
        while (markets != 0) {
            uint32 marketId = Ledger.lowestMarket(markets);
            markets &= markets - 1;
            Ledger.MarketCtx memory m = b.markets[loadMarket(b, marketId, false, 0)];
            uint256 idx = tload(tkey(b.batchId, NS_POSITION, (uint256(uint160(a.account)) << 32) | marketId));
            int256 v;
            uint256 im;
            uint256 mm;
            if (idx == 0) {
                Ledger.PositionSlot memory s = Ledger.state().positions[a.account][marketId];
                (v, im, mm) = Ledger.positionMargin(m, s.sizeWad, s.openNotionalWad, Ledger.pendingFunding(m, s));
            } else if (before) {
                PositionCtx memory p = b.positions[idx - 1];
                (v, im, mm) = Ledger.positionMargin(m, p.sizeBeforeWad, p.openNotionalBeforeWad, p.fundingOwedWad);
            } else {
                PositionCtx memory p = b.positions[idx - 1];
                (v, im, mm) = Ledger.positionMargin(m, p.sizeWad, p.openNotionalWad, 0);
            }
            value += v;
            initialWad += im;
            maintenanceWad += mm;
        }
    }

    /// @dev A transient-storage key for a batch-local index; the batch id in the key makes stale entries of an
    ///      earlier batch in the same transaction unreachable, so nothing needs clearing.
    function tkey(uint64 batchId, uint256 ns, uint256 id) internal pure returns (uint256 key) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, or(shl(64, ns), batchId))
            mstore(0x20, id)
            key := keccak256(0x00, 0x40)
        }
    }

    function tload(uint256 key) internal view returns (uint256 value) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            value := tload(key)
        }
    }

    function tstore(uint256 key, uint256 value) internal {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            tstore(key, value)
        }
    }

    /// @dev Arrays of struct pointers, allocated without building a default struct per element (elements are
    ///      assigned before they are read: every read index is below the matching count).
    function marketArray(uint256 n) internal pure returns (Ledger.MarketCtx[] memory arr) {
        uint256 ptr = pointerArray(n);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            arr := ptr
        }
    }

    function accountArray(uint256 n) internal pure returns (AccountCtx[] memory arr) {
        uint256 ptr = pointerArray(n);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            arr := ptr
        }
    }

    function positionArray(uint256 n) internal pure returns (PositionCtx[] memory arr) {
        uint256 ptr = pointerArray(n);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            arr := ptr
        }
    }

    function pointerArray(uint256 n) internal pure returns (uint256 ptr) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            ptr := mload(0x40)
            mstore(ptr, n)
            mstore(0x40, add(ptr, shl(5, add(n, 1))))
        }
    }
}
