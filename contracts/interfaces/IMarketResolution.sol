// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStatus} from "./MarketTypes.sol";

/// @notice A market's resolution as wallets see it (DESIGN §9). Prices and amounts in wad.
struct ResolutionView {
    /// The resolver's pending proposal (0 when none) and when it becomes final (0 when none).
    uint256 proposedPriceWad;
    uint64 finalAt;
    /// The final price, once the market is Resolved.
    bool finalized;
    uint256 finalPriceWad;
    /// Σ of winners' claims, Σ of losses losers could not pay, and the part of the latter not covered by the
    ///  insurance fund (taken pro rata from the claims once the market is Settled).
    uint256 totalClaimsWad;
    uint256 uncollectedWad;
    uint256 haircutWad;
    bool settled;
}

/// @title IMarketResolution
/// @notice The end of a market's life (DESIGN §9): Resolving (reduce-only) → Resolved at a final price that became
///         final after a dispute window → positions settled at it by anyone → Settled when open interest is zero, with
///         any shortfall met by the insurance fund first and then by one pro-rata haircut of the winners' claims.
///         A dead-man switch lets anyone move a market on when its operator has gone quiet.
/// @dev Settlement is two-step so that the haircut is computed once, never first come first served: `settlePosition`
///      closes a position at the final price (a loser pays what it can, a winner's gain is recorded as a claim);
///      when the last position closes the market is Settled and the haircut fixed; `claimSettlement` then pays each
///      claim minus the same fraction.
interface IMarketResolution {
    /* ERRORS */

    /// @notice The action needs `marketId` in status `expected`; it is in `status`.
    error ResolutionWrongStatus(uint32 marketId, MarketStatus status, MarketStatus expected);
    /// @notice A final price `priceWad` outside (0, maxPrice] for ASSET or [0, 1e18] for BOUNDED.
    error ResolutionPriceOutOfBounds(uint32 marketId, uint256 priceWad, uint256 maxPriceWad);
    /// @notice `marketId` has no pending final-price proposal.
    error ResolutionNoProposal(uint32 marketId);
    /// @notice The proposal becomes final at `finalAt`: too early to finalize.
    error ResolutionDisputeWindowOpen(uint32 marketId, uint64 finalAt);
    /// @notice The proposal became final at `finalAt`: too late to dispute.
    error ResolutionDisputeWindowClosed(uint32 marketId, uint64 finalAt);
    /// @notice The oracle of `marketId` was last heard from at `lastPriceAt`; the market may be frozen from `freezeAt`.
    error ResolutionOracleNotFrozen(uint32 marketId, uint64 lastPriceAt, uint64 freezeAt);
    /// @notice `marketId` has been Resolving since `since`; it may be resolved at the last mark from `resolveAt`.
    error ResolutionNotTimedOut(uint32 marketId, uint64 since, uint64 resolveAt);
    /// @notice `marketId` never had a price, so there is no last good mark to resolve at.
    error ResolutionNoLastMark(uint32 marketId);
    /// @notice `account` holds no position in `marketId` to settle.
    error ResolutionNoPosition(address account, uint32 marketId);
    /// @notice `account` has no unpaid settlement claim in `marketId`.
    error ResolutionNoClaim(address account, uint32 marketId);

    /* EVENTS */

    /// @notice The resolver proposed `priceWad` as the final price; it becomes final at `finalAt` unless disputed.
    event FinalPriceProposed(uint32 indexed marketId, uint256 priceWad, uint64 finalAt);
    /// @notice The admin disputed the proposal `priceWad`; the resolver may propose again.
    event FinalPriceDisputed(uint32 indexed marketId, uint256 priceWad);
    /// @notice The dead-man switch moved `marketId` to Resolving: its oracle was silent since `lastPriceAt`.
    event MarketFrozen(uint32 indexed marketId, uint64 lastPriceAt);
    /// @notice `marketId` is Resolved at `finalPriceWad` (by the proposal, or `byDeadMan` at the last good mark).
    event MarketResolved(uint32 indexed marketId, uint256 finalPriceWad, bool byDeadMan);
    /// @notice `account`'s `sizeWad` in `marketId` was closed at the final price: `pnlWad` (realized PnL minus funding;
    ///         > 0 recorded as a claim) of which `collectedWad` was paid when it was a loss.
    event PositionSettled(
        address indexed account,
        uint32 indexed marketId,
        int256 sizeWad,
        int256 pnlWad,
        uint256 collectedWad
    );
    /// @notice The last position of `marketId` closed: of the `uncollectedWad` losers could not pay, the fund covered
    ///         `insuranceCoverWad` and `haircutWad` is taken pro rata from `totalClaimsWad` of claims.
    event MarketSettled(
        uint32 indexed marketId,
        uint256 totalClaimsWad,
        uint256 uncollectedWad,
        uint256 insuranceCoverWad,
        uint256 haircutWad
    );
    /// @notice `account`'s claim of `claimWad` in `marketId` was paid as `paidWad` after the haircut.
    event SettlementClaimed(address indexed account, uint32 indexed marketId, uint256 claimWad, uint256 paidWad);

    /* RESOLUTION */

    /// @notice Proposes the final price of a Resolving market (`RESOLVER_ROLE`); final after the dispute window. A new
    ///         proposal replaces a pending one and restarts the window.
    /// @dev Reverts `ResolutionWrongStatus`, `ResolutionPriceOutOfBounds`.
    function proposeFinalPrice(uint32 marketId, uint256 priceWad) external;

    /// @notice Rejects the pending proposal during its dispute window (`DEFAULT_ADMIN_ROLE`).
    /// @dev Reverts `ResolutionNoProposal`, `ResolutionDisputeWindowClosed`.
    function disputeFinalPrice(uint32 marketId) external;

    /// @notice Makes an undisputed proposal final once its window has passed: the market is Resolved (and Settled at
    ///         once if no position is open). Anyone may call it.
    /// @dev Reverts `ResolutionWrongStatus`, `ResolutionNoProposal`, `ResolutionDisputeWindowOpen`.
    function finalizeResolution(uint32 marketId) external;

    /// @notice Dead-man switch: moves an Active market to Resolving once its oracle has been silent (since the later of
    ///         its last price and its activation) for `maxStalenessSec + freezeAfterSec`. Anyone may call it.
    /// @dev Reverts `ResolutionWrongStatus`, `ResolutionOracleNotFrozen`.
    function freezeStaleMarket(uint32 marketId) external;

    /// @notice Dead-man switch: resolves a market Resolving for `maxResolvingTimeSec` or longer at its last good mark.
    ///         Anyone may call it.
    /// @dev Reverts `ResolutionWrongStatus`, `ResolutionNotTimedOut`, `ResolutionNoLastMark`.
    function resolveAtLastMark(uint32 marketId) external;

    /* SETTLEMENT (anyone) */

    /// @notice Closes `account`'s position in a Resolved market at the final price, funding included.
    /// @dev A loss is paid from the balance (the pending withdrawal is released first when needed); an account with
    ///      no other position pays at most what it has and the rest is uncollected, an account with other positions
    ///      pays in full (its balance may go negative and its other markets' waterfall handles it). A gain is recorded
    ///      as a claim. Closing the last position settles the market. Reverts `ResolutionWrongStatus`,
    ///      `ResolutionNoPosition`.
    function settlePosition(address account, uint32 marketId) external;

    /// @notice Pays `account`'s claim in a Settled market: `claim − ⌈claim · haircut / totalClaims⌉`.
    /// @dev Reverts `ResolutionWrongStatus`, `ResolutionNoClaim`.
    function claimSettlement(address account, uint32 marketId) external;

    /* VIEWS */

    /// @notice The resolution state of `marketId`.
    function resolution(uint32 marketId) external view returns (ResolutionView memory);

    /// @notice `account`'s unpaid settlement claim in `marketId` (before the haircut).
    function settlementClaim(address account, uint32 marketId) external view returns (uint256 claimWad);
}
