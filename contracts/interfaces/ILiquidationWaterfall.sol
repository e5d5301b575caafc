// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Order} from "./IPositionManager.sol";
import {MarketStatus} from "./MarketTypes.sol";

/// @notice One fill of a book liquidation: `orders[makerIndex]` (a resting maker order) takes `sizeWad` of the
///         liquidated position at `priceWad`.
struct LiquidationFill {
    uint32 makerIndex;
    /// Base units (wad), a multiple of the lot size.
    uint128 sizeWad;
    /// Execution price (wad): within the maker's limit, a multiple of the tick, within `liquidationBandWad` of the
    /// mark.
    uint128 priceWad;
}

/// @notice Where an account stands in the liquidation waterfall (DESIGN §8). Amounts in USD, wad.
struct LiquidationStatus {
    /// Equity including any pending withdrawal (the maintenance basis).
    int256 equityWad;
    uint256 maintenanceMarginWad;
    /// equity < maintenance: stage 1 (book) and stage 2 (backstop, by the liquidator role) may act.
    bool liquidatable;
    /// equity < ⅔ maintenance: the liquidator hands the account to the backstop instead of the book.
    bool belowBackstopThreshold;
    /// When the account was flagged liquidatable with `flagLiquidatable` (0 = not flagged).
    uint64 liquidatableSince;
    /// Anyone may call `backstopLiquidate` now (flagged for at least `permissionlessAfterSec` of its market).
    bool permissionlessBackstop;
}

/// @title ILiquidationWaterfall
/// @notice The three stages of DESIGN §8 — book liquidation, backstop takeover by the insurance fund, and
///         auto-deleveraging — plus the pause of DESIGN §3 and the circuit breaker the insurance fund trips.
/// @dev Every stage re-checks the account against fresh marks on chain: no keeper is trusted to say an account is
///      liquidatable, bankrupt, or that the fund cannot cover it.
interface ILiquidationWaterfall {
    /* ERRORS */

    /// @notice `account` has equity (pending withdrawal included) of at least its maintenance margin.
    error LiquidationAccountHealthy(address account, int256 equityWad, uint256 maintenanceMarginWad);
    /// @notice `account` holds no position in `marketId`.
    error LiquidationNoPosition(address account, uint32 marketId);
    /// @notice A partial liquidation of this position happened less than `cooldownSec` ago; the next may come at
    ///         `readyAt`.
    error LiquidationCooldown(address account, uint32 marketId, uint64 readyAt);
    /// @notice The market's liquidated notional in this block would reach `notionalWad`, above `capWad`.
    error LiquidationBlockCapExceeded(uint32 marketId, uint256 notionalWad, uint256 capWad);
    /// @notice `account` (the insurance fund itself, or the PositionManager's clearing account) cannot be taken over by
    ///         the backstop.
    error BackstopInvalidAccount(address account);
    /// @notice `caller` lacks `LIQUIDATOR_ROLE` and the account's flag (set at `liquidatableSince`) does not allow a
    ///         permissionless backstop: it opens at `openAt` and closes at `closeAt` (flag again after it closes).
    error BackstopNotPermitted(
        address caller,
        address account,
        uint64 liquidatableSince,
        uint64 openAt,
        uint64 closeAt
    );
    /// @notice The insurance fund could cover only `coverableWad` of the `deficitWad` the takeover leaves, or would
    ///         end below its own maintenance margin: the account goes to auto-deleveraging.
    error BackstopCannotCover(address account, uint256 deficitWad, uint256 coverableWad);
    /// @notice The backstop's position in `marketId` would reach `notionalWad`, above its exposure cap `capWad`.
    error BackstopExposureCap(uint32 marketId, uint256 notionalWad, uint256 capWad);
    /// @notice Auto-deleveraging needs negative equity; `account` has `equityWad`.
    error AdlAccountNotBankrupt(address account, int256 equityWad);
    /// @notice The insurance fund can still cover the `deficitWad` of `account` (it has `coverableWad` and room under
    ///         its exposure cap): use the backstop.
    error AdlInsuranceCanCover(address account, uint256 deficitWad, uint256 coverableWad);
    /// @notice `counterparty` is not on the opposite side of the bankrupt position with a profit at the mark.
    error AdlCounterpartyNotEligible(address counterparty, int256 sizeWad, int256 unrealizedPnlWad);
    /// @notice No counterparty was given.
    error AdlNoCounterparty();
    /// @notice `marketId` is in `status`: a Resolved or Settled market settles its positions pro rata
    ///         (`settlePosition`), never by deleveraging chosen counterparties.
    error LiquidationMarketNotTrading(uint32 marketId, MarketStatus status);
    /// @notice Only the insurance fund contract (`caller` is not) trips and resets its circuit breaker.
    error CircuitBreakerCallerNotFund(address caller);

    /* EVENTS */

    /// @notice A book liquidation of `account` in `marketId` closed `sizeWad` for `notionalWad` (at fill prices) and
    ///         paid `feeWad` to the insurance fund.
    event LiquidatedOnBook(
        address indexed account,
        uint32 indexed marketId,
        uint256 sizeWad,
        uint256 notionalWad,
        uint256 feeWad
    );
    /// @notice One fill of a book liquidation against the maker order `makerOrderHash`.
    event LiquidationFilled(
        address indexed account,
        uint32 indexed marketId,
        bytes32 indexed makerOrderHash,
        uint256 sizeWad,
        uint256 priceWad
    );
    /// @notice `account` was flagged liquidatable at `since` (the permissionless backstop opens after
    ///         `permissionlessAfterSec`).
    event LiquidatableFlagged(address indexed account, uint64 since);
    /// @notice `account`'s liquidatable flag was cleared (it is healthy, or the backstop took it over).
    event LiquidatableFlagCleared(address indexed account);
    /// @notice The insurance fund's backstop account took over `account`'s `sizeWad` in `marketId` at `markWad`.
    event PositionTakenOver(address indexed account, uint32 indexed marketId, int256 sizeWad, uint256 markWad);
    /// @notice A backstop takeover of `account` finished: its remaining `equityWad` went to the fund (a negative
    ///         equity is the deficit the fund covered).
    event BackstopTakeover(address indexed account, uint32 indexed marketId, int256 equityWad, address indexed caller);
    /// @notice `counterparty` was deleveraged against the bankrupt `account`: `sizeWad` (> 0: the bankrupt account's
    ///         long was closed) at the bankruptcy price.
    event AutoDeleveraged(
        address indexed account,
        address indexed counterparty,
        uint32 indexed marketId,
        int256 sizeWad,
        uint256 bankruptcyPriceWad
    );
    /// @notice `account` ended auto-deleveraging (or settlement) with no position and `amountWad` of debt that neither
    ///         its counterparties (at bounded prices) nor the fund could cover: it stays recorded as bad debt.
    event BadDebtRecorded(address indexed account, uint32 indexed marketId, uint256 amountWad);
    /// @notice The insurance fund's circuit breaker put `marketId` reduce-only (`true`) or lifted it.
    event MarketReduceOnlySet(uint32 indexed marketId, bool reduceOnly);

    /* STAGE 1: BOOK LIQUIDATION (LIQUIDATOR_ROLE) */

    /// @notice Closes (part of) `account`'s position in `marketId` against resting signed maker orders (DESIGN §8).
    /// @dev The account must be liquidatable at fresh marks (equity incl. pending withdrawal < maintenance). A position
    ///      above `partialThresholdWad` notional closes at most `partialFractionWad` of its size (rounded up to a lot)
    ///      per call, and not again within `cooldownSec`. Fills lie within `liquidationBandWad` of the mark and within
    ///      each maker's limit; the liquidated position only shrinks. The account pays `liquidationFeeWad` of the
    ///      closed notional to the insurance fund (rounded up); makers pay their maker fee (no rebate) and must end
    ///      above their margin requirement as in a batch. The market's liquidated notional per block is capped.
    ///      Works while paused. Reverts `LiquidationAccountHealthy`, `LiquidationNoPosition`, `LiquidationCooldown`,
    ///      `LiquidationBlockCapExceeded`, and the order and fill errors of `settleBatch` (the liquidated position is
    ///      order index `orders.length`).
    function liquidateOnBook(
        address account,
        uint32 marketId,
        Order[] calldata orders,
        bytes[] calldata signatures,
        LiquidationFill[] calldata fills
    ) external;

    /* STAGE 2: BACKSTOP */

    /// @notice Sets (when liquidatable) or clears (when healthy) `account`'s liquidatable flag; anyone may call it.
    /// @return since The flag's time after the call (0 = cleared).
    function flagLiquidatable(address account) external returns (uint64 since);

    /// @notice The insurance fund's backstop account takes over every position of the liquidatable `account` at the
    ///         mark; the account's remaining equity (pending withdrawal included) goes to the fund, or the fund
    ///         covers its deficit (per-block draw cap).
    /// @dev `LIQUIDATOR_ROLE` may call it for any liquidatable account (equity < ⅔ maintenance, or the book could not
    ///      absorb the position); anyone else from `permissionlessAfterSec` after the account was flagged until twice
    ///      that. `marketId` names the position being liquidated (the fund's draws are booked against it). The
    ///      backstop's position in each market must stay within its exposure cap and the fund above its maintenance
    ///      margin. Works while paused. Reverts `BackstopInvalidAccount`, `LiquidationNoPosition`,
    ///      `LiquidationAccountHealthy`, `BackstopNotPermitted`, `BackstopExposureCap`, `BackstopCannotCover`.
    function backstopLiquidate(address account, uint32 marketId) external;

    /* STAGE 3: AUTO-DELEVERAGING (ADL_ROLE) */

    /// @notice Closes the bankrupt `account`'s position in `marketId` against `counterparties` (in the order given,
    ///         ranked off chain by {adlScore}) at the bankruptcy price, until the position is closed.
    /// @dev The account must have negative equity (pending withdrawal included) that the insurance fund cannot cover
    ///      (too little available, the per-block draw cap, or the backstop's exposure cap). The bankruptcy price is
    ///      the price at which closing the whole position brings the account's equity to zero, other marks held:
    ///      `mark + deficit / size` (rounded toward the mark, so counterparties never give up more than the deficit),
    ///      clamped to [0, 1] for BOUNDED markets and to ≥ 0 for ASSET. Each counterparty must hold the opposite side
    ///      with a profit at the mark; it closes `min(remaining, |its size|)`, and no more than the bankrupt position
    ///      is closed (surplus counterparties are ignored). A deficit left once the account holds no position is
    ///      covered by the fund as far as it can and the rest recorded (`BadDebtRecorded`). Works while paused.
    ///      Only in Active and Resolving markets. Reverts `AdlAccountNotBankrupt`, `LiquidationNoPosition`,
    ///      `AdlNoCounterparty`, `LiquidationMarketNotTrading`, `AdlInsuranceCanCover`, `AdlCounterpartyNotEligible`.
    function autoDeleverage(address account, uint32 marketId, address[] calldata counterparties) external;

    /* PAUSE AND CIRCUIT BREAKER */

    /// @notice Pauses new risk (`PAUSER_ROLE`): every fill must then reduce a position. Cancels, reduce-only fills,
    ///         withdrawals within margin, liquidations, ADL and resolution keep working (DESIGN §3).
    function pause() external;

    /// @notice Lifts the pause (`DEFAULT_ADMIN_ROLE`).
    function unpause() external;

    /// @notice Puts `marketId` reduce-only or lifts it; only the insurance fund contract (its circuit breaker and its
    ///         admin's reset). Reverts `CircuitBreakerCallerNotFund`.
    function setMarketReduceOnly(uint32 marketId, bool reduceOnly) external;

    /* VIEWS */

    /// @notice `account`'s place in the waterfall at the on-chain marks.
    /// @dev Reverts `OracleStale` if a market the account holds has a stale price.
    function canLiquidate(address account) external view returns (LiquidationStatus memory);

    /// @notice The auto-deleveraging rank score of `account`'s position in `marketId` (DESIGN §8), wad: `profit ratio ·
    ///         notional / equity`, the profit ratio being `mark / entry` for a long and `entry / mark` for a short.
    ///         0 when the position is flat or not in profit; `type(uint256).max` when equity ≤ 0 with a profit.
    function adlScore(address account, uint32 marketId) external view returns (uint256 scoreWad);

    /// @notice Whether `marketId` is reduce-only by the circuit breaker (Resolving markets are reduce-only too).
    function marketReduceOnly(uint32 marketId) external view returns (bool);
}
