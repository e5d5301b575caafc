// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Order} from "./IPositionManager.sol";

/// @title IInsuranceFund
/// @notice The insurance fund (DESIGN §3, §8). Its money is its own vault account: it receives liquidation fees, its
///         share of trading fees and the equity left in accounts the backstop takes over. The same account is the
///         backstop account that holds taken-over positions, unwound with reduce-only orders its operator key signs
///         (ERC-1271). It covers bad debt within a per-block draw cap, caps the backstop's exposure per market, and
///         trips a circuit breaker (the market goes reduce-only) when a market draws more than a threshold of the fund
///         within a window.
/// @dev The PositionManager moves the money (the vault's only margin engine); this contract decides how much.
interface IInsuranceFund {
    /// @notice The circuit breaker's state for one market.
    struct Breaker {
        /// Start of the current drawdown window.
        uint64 windowStartedAt;
        /// Whether the market was put reduce-only (until the admin resets it).
        bool tripped;
        /// The fund's available amount when the window started (wad).
        uint256 windowStartAvailableWad;
        /// Drawn for this market within the window (wad).
        uint256 drawnInWindowWad;
    }

    /* ERRORS */

    /// @notice The parameter `param` is `value`, outside its hard bounds [`min`, `max`].
    error InsuranceParamOutOfBounds(string param, uint256 value, uint256 min, uint256 max);
    /// @notice The circuit breaker of `marketId` has not tripped: nothing to reset.
    error InsuranceBreakerNotTripped(uint32 marketId);

    /* EVENTS */

    /// @notice `coveredWad` of the `requestedWad` of bad debt in `marketId` was drawn from the fund.
    event BadDebtCovered(uint32 indexed marketId, uint256 requestedWad, uint256 coveredWad);
    /// @notice `marketId` drew `drawnWad` within the window, past `thresholdWad` of `windowStartAvailableWad`: it is
    ///         now reduce-only.
    event CircuitBreakerTripped(uint32 indexed marketId, uint256 drawnWad, uint256 windowStartAvailableWad);
    /// @notice The admin lifted the circuit breaker of `marketId`.
    event CircuitBreakerReset(uint32 indexed marketId);
    /// @notice The per-block draw cap changed.
    event DrawCapUpdated(uint256 oldCapWad, uint256 newCapWad);
    /// @notice The backstop's exposure cap in `marketId` changed (notional at the mark, USD wad).
    event ExposureCapUpdated(uint32 indexed marketId, uint256 oldCapWad, uint256 newCapWad);
    /// @notice The circuit breaker's window and threshold changed.
    event BreakerParamsUpdated(uint64 windowSec, uint256 thresholdWad);

    /* MARGIN ENGINE (MARGIN_ENGINE_ROLE: the PositionManager) */

    /// @notice Decides how much of `amountWad` of bad debt in `marketId` the fund covers now, and records the draw:
    ///         `min(amount, available, cap left in this block)`. The caller moves the money.
    /// @dev May trip the market's circuit breaker (which calls back `setMarketReduceOnly` on the PositionManager).
    /// @return coveredWad The amount the fund covers.
    function coverBadDebt(uint32 marketId, uint256 amountWad) external returns (uint256 coveredWad);

    /* BACKSTOP OPERATOR (BACKSTOP_OPERATOR_ROLE) */

    /// @notice Cancels one of the fund's signed orders on the PositionManager (an unwind order no longer wanted).
    function cancelOrder(Order calldata order) external;

    /// @notice Voids every order of the fund with a nonce below `nonce` on the PositionManager.
    function cancelUpTo(uint64 nonce) external;

    /* ADMIN (DEFAULT_ADMIN_ROLE) */

    /// @notice Sets the most the fund may cover per block (wad; at least 1).
    /// @dev Reverts `InsuranceParamOutOfBounds`.
    function setMaxDrawPerBlock(uint256 capWad) external;

    /// @notice Sets the backstop's exposure cap in `marketId`: the notional of its position at the mark (USD wad; 0
    ///         disables takeovers in that market).
    function setBackstopExposureCap(uint32 marketId, uint256 capWad) external;

    /// @notice Sets the circuit breaker: a market drawing more than `thresholdWad` (a fraction, wad) of the fund's
    ///         available amount within `windowSec` goes reduce-only.
    /// @dev Reverts `InsuranceParamOutOfBounds` (window 1 minute to 30 days, threshold 1% to 100%).
    function setBreakerParams(uint64 windowSec, uint256 thresholdWad) external;

    /// @notice Lifts the circuit breaker of `marketId` (the market trades normally again).
    /// @dev Reverts `InsuranceBreakerNotTripped`.
    function resetCircuitBreaker(uint32 marketId) external;

    /* VIEWS */

    /// @notice What the fund can spend: its equity in the vault (balance plus the backstop positions' value at the
    ///         mark) minus their maintenance margin, at most its balance (unrealized profit is not cash), floored at 0
    ///         (wad).
    function availableWad() external view returns (uint256);
    /// @notice What `coverBadDebt` would grant now: `min(available, draw cap left in this block)` (wad).
    function coverableWad() external view returns (uint256);
    /// @notice Drawn so far in the current block (wad).
    function drawnThisBlockWad() external view returns (uint256);
    /// @notice The per-block draw cap (wad).
    function maxDrawPerBlockWad() external view returns (uint256);
    /// @notice The backstop's exposure cap in `marketId` (notional at the mark, USD wad).
    function backstopExposureCap(uint32 marketId) external view returns (uint256);
    /// @notice The backstop's current exposure in `marketId`: |size| · mark (USD wad, rounded up).
    function backstopExposure(uint32 marketId) external view returns (uint256);
    /// @notice The circuit breaker's window and threshold.
    function breakerParams() external view returns (uint64 windowSec, uint256 thresholdWad);
    /// @notice The circuit breaker's state in `marketId`.
    function breaker(uint32 marketId) external view returns (Breaker memory);
    /// @notice The PositionManager whose backstop account this is.
    function positionManager() external view returns (address);
}
