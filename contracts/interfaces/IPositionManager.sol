// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStatus} from "./MarketTypes.sol";
import {ILiquidationWaterfall} from "./ILiquidationWaterfall.sol";
import {IMarketResolution} from "./IMarketResolution.sol";

/// @notice A signed order (DESIGN §4). The EIP-712 type is exactly `Order(address account,uint32 marketId,uint8 flags,
///         uint64 nonce,uint64 expiry,uint128 size,uint128 price,uint128 triggerPrice)` (one line, no spaces after
///         commas) under the domain `{name: "Keel", version: "1", chainId, verifyingContract: <PositionManager>}`.
struct Order {
    /// The account whose position and balance the order moves.
    address account;
    uint32 marketId;
    /// Bit 0 buy (else sell), 1 reduce-only, 2 post-only, 3 immediate-or-cancel, 4 stop, 5 take-profit; 6–7 must be 0.
    uint8 flags;
    /// Unique per account; bit `nonce & 255` of word `nonce >> 8` of the account's nonce bitmap.
    uint64 nonce;
    /// Last second (block time) at which the order may fill; 0 = good till cancelled.
    uint64 expiry;
    /// Order size (base units, wad); a whole multiple of the market's lot size when filled.
    uint128 size;
    /// Limit price (wad): the highest a buy pays, the lowest a sell accepts.
    uint128 price;
    /// Stop or take-profit trigger against the mark (wad); ignored without bit 4 or 5.
    uint128 triggerPrice;
}

/// @notice One match in a batch: `orders[makerIndex]` rested on the book, `orders[takerIndex]` crossed it.
struct Fill {
    uint32 makerIndex;
    uint32 takerIndex;
    /// Base units (wad), a multiple of the lot size.
    uint128 sizeWad;
    /// Execution price (wad), a multiple of the tick size; both limits and the band around the mark apply.
    uint128 priceWad;
}

/// @notice A position as wallets see it.
struct PositionView {
    /// Signed size (base units, wad): long > 0, short < 0.
    int256 sizeWad;
    /// Signed cost basis (USD, wad): what was paid for a long (> 0), minus what was received for a short (< 0).
    int256 openNotionalWad;
    /// The market's cumulative funding index when the position last settled funding (USD per unit, wad).
    int256 lastCumulativeFundingWad;
    /// Funding owed now (USD, wad; > 0 the position pays, < 0 it receives), rounded up (DESIGN §7).
    int256 pendingFundingWad;
}

/// @notice An account's cross-margin state at the on-chain marks (DESIGN §6). Every figure is USD, wad.
struct AccountMargin {
    /// Credited vault balance (pending withdrawals excluded).
    int256 balanceWad;
    /// Amount waiting in a withdrawal request: counts for maintenance, not for opening risk (DESIGN §3).
    uint256 pendingWithdrawalWad;
    /// Σ (size · mark − openNotional), each term rounded down.
    int256 unrealizedPnlWad;
    /// Σ pending funding, rounded up (owed > 0).
    int256 pendingFundingWad;
    /// balance + unrealized PnL − pending funding: the equity that initial margin is checked against.
    int256 equityWad;
    /// Σ |size| · mark · imf, each term rounded up and capped by the BOUNDED worst-case loss.
    uint256 initialMarginWad;
    /// Σ |size| · mark · mmf, each term rounded up and capped by the BOUNDED worst-case loss.
    uint256 maintenanceMarginWad;
}

/// @notice An account's distance from liquidation (DESIGN §8), in USD wad.
struct AccountHealth {
    /// Equity including any pending withdrawal (the maintenance basis, DESIGN §3).
    int256 equityWad;
    uint256 maintenanceMarginWad;
    /// maintenance / equity (wad): liquidatable at 1e18 or more; type(uint256).max when equity ≤ 0 with positions.
    uint256 marginRatioWad;
    /// equity < maintenance.
    bool liquidatable;
}

/// @notice Where an order stands on chain.
enum OrderState {
    /// Never filled; fillable until its expiry.
    Open,
    /// Partly filled at the end of an earlier batch; the rest is fillable.
    PartiallyFilled,
    /// Completely filled or cancelled (its nonce bit is set and no partial record is left).
    Dead,
    /// Past its expiry.
    Expired,
    /// Its nonce is below the account's `cancelUpTo` floor.
    BelowNonceFloor
}

/// @notice A market's trading state in the PositionManager.
struct MarketState {
    /// Open interest, one side (Σ positive sizes = Σ |negative sizes|), base units, wad.
    uint256 openInterestWad;
    /// Σ of every `fundingPerUnitWad` applied (USD per unit of base, wad).
    int256 cumulativeFundingWad;
    /// Number of funding payments applied so far.
    uint32 fundingEpoch;
    /// Block time of the last `applyFunding` (0 = never).
    uint64 lastFundingAt;
}

/// @title IPositionManager
/// @notice Positions, signed orders, batched settlement, cross margin and the funding index (DESIGN §4–§7); the
///         liquidation waterfall and pause ({ILiquidationWaterfall}, DESIGN §3, §8) and market resolution
///         ({IMarketResolution}, DESIGN §9).
/// @dev Balances live in the CollateralVault; each batch moves them with one zero-sum `settleBalances` call. The
///      PositionManager's own vault account is the clearing account: realized PnL and funding flow through it, and
///      rounding dust stays in it (every rounding goes against the user, DESIGN §2).
interface IPositionManager is ILiquidationWaterfall, IMarketResolution {
    /* ERRORS — batch */

    /// @notice `batchId` is not the next batch id (the batch already landed, or one is missing).
    error BatchIdMismatch(uint64 batchId, uint64 expectedBatchId);
    /// @notice `orders` and `signatures` differ in length, or the batch has no fill.
    error BatchMalformed(uint256 ordersLength, uint256 signaturesLength, uint256 fillsLength);
    /// @notice The same order appears twice in one batch.
    error BatchDuplicateOrder(uint256 orderIndex, bytes32 orderHash);
    /// @notice An account ends the batch below its requirement: initial margin when its exposure grew, otherwise
    ///         maintenance unless its margin ratio did not worsen. `fillIndex` is the last fill that touched it.
    error BatchMarginInsufficient(uint256 fillIndex, address account, int256 equityWad, uint256 requiredWad);
    /// @notice A market's open interest ends the batch above its cap (checked only when it grew).
    error BatchOpenInterestCap(uint32 marketId, uint256 openInterestWad, uint256 maxOpenInterestWad);

    /* ERRORS — orders (named by the fill that used them) */

    /// @notice No valid signature: not the account, not an unexpired agent of it, not ERC-1271 valid.
    error OrderInvalidSignature(uint256 fillIndex, uint256 orderIndex, address recoveredSigner);
    /// @notice Reserved flag bits, post-only with IOC, or stop with take-profit.
    error OrderInvalidFlags(uint256 fillIndex, uint256 orderIndex, uint8 flags);
    /// @notice The order's expiry has passed.
    error OrderExpired(uint256 fillIndex, uint256 orderIndex, uint64 expiry, uint256 nowTimestamp);
    /// @notice The order was completely filled or cancelled, or its nonce was used by another order.
    error OrderDead(uint256 fillIndex, uint256 orderIndex, bytes32 orderHash);
    /// @notice The order's nonce is below the account's `cancelUpTo` floor.
    error OrderBelowNonceFloor(uint256 fillIndex, uint256 orderIndex, uint64 nonce, uint64 nonceFloor);
    /// @notice The market neither trades (Active) nor reduces (Resolving).
    error OrderMarketNotTrading(uint256 fillIndex, uint256 orderIndex, uint32 marketId, MarketStatus status);
    /// @notice A stop or take-profit order whose trigger the mark has not crossed.
    error OrderTriggerNotReached(uint256 fillIndex, uint256 orderIndex, uint256 markWad, uint256 triggerPriceWad);
    /// @notice The market id is past the highest one cross margin can track (`MAX_MARKET_ID`).
    error OrderMarketIdTooLarge(uint256 fillIndex, uint256 orderIndex, uint32 marketId);

    /* ERRORS — fills */

    /// @notice A fill's maker or taker index is out of range, or both name the same order.
    error FillInvalidOrderIndex(uint256 fillIndex, uint256 makerIndex, uint256 takerIndex);
    /// @notice Maker and taker trade different markets, the same side, or the same account.
    error FillIncompatibleOrders(uint256 fillIndex);
    /// @notice A post-only order as taker, or an immediate-or-cancel order as maker.
    error FillRoleNotAllowed(uint256 fillIndex, uint256 orderIndex, uint8 flags);
    /// @notice Zero, or not a multiple of the lot size.
    error FillSizeInvalid(uint256 fillIndex, uint256 sizeWad, uint256 lotSizeWad);
    /// @notice Not a multiple of the tick size, or outside the market's price bounds.
    error FillPriceInvalid(uint256 fillIndex, uint256 priceWad);
    /// @notice The fill price is worse than an order's limit.
    error FillPriceBeyondLimit(uint256 fillIndex, uint256 orderIndex, uint256 priceWad, uint256 limitPriceWad);
    /// @notice The fill price is further from the mark than `maxFillDeviation`.
    error FillPriceOutsideBand(uint256 fillIndex, uint256 priceWad, uint256 markWad, uint256 maxDeltaWad);
    /// @notice The order would be filled past its size.
    error FillExceedsOrder(uint256 fillIndex, uint256 orderIndex, uint256 filledWad, uint256 sizeWad);
    /// @notice A reduce-only order, or any order in a Resolving market, would grow or flip a position.
    error FillIncreasesPosition(uint256 fillIndex, uint256 orderIndex, int256 sizeBeforeWad, int256 sizeAfterWad);

    /* ERRORS — account actions and funding */

    /// @notice The caller is neither the account nor an unexpired agent of it.
    error NotAccountOrAgent(address caller, address account);
    /// @notice An agent approval for the zero address, the account itself, or with an expiry in the past.
    error AgentInvalid(address agent, uint64 expiry);
    /// @notice `cancelUpTo` must raise the floor.
    error NonceFloorNotRaised(uint64 nonce, uint64 nonceFloor);
    /// @notice `applyFunding` was called twice within one funding interval.
    error FundingTooEarly(uint32 marketId, uint64 lastFundingAt, uint32 fundingIntervalSec);
    /// @notice |fundingPerUnit| exceeds `fundingCap · interval / 1h · referencePrice`.
    error FundingAboveCap(uint32 marketId, int256 fundingPerUnitWad, uint256 maxAbsWad);
    /// @notice Funding applies to Active and Resolving markets only.
    error FundingMarketNotTrading(uint32 marketId, MarketStatus status);
    /// @notice A withdrawal would leave the account below initial margin.
    error WithdrawalBelowInitialMargin(address account, int256 equityWad, uint256 initialMarginWad);
    /// @notice A protocol account (fee recipient, insurance fund) may not be the zero address.
    error ProtocolAccountInvalid(address account);

    /* EVENTS */

    /// @notice A batch landed: `fillCount` fills, balances moved once in the vault.
    event BatchSettled(uint64 indexed batchId, uint256 fillCount, uint256 accountCount);
    /// @notice One fill of a batch, at `priceWad` for `sizeWad` (the taker's side is its order's side).
    event Filled(
        uint64 indexed batchId,
        bytes32 indexed makerOrderHash,
        bytes32 indexed takerOrderHash,
        uint256 sizeWad,
        uint256 priceWad
    );
    /// @notice `account` let `agent` sign orders and cancels for it until `expiry`.
    event AgentApproved(address indexed account, address indexed agent, uint64 expiry);
    /// @notice `account` withdrew `agent`'s approval.
    event AgentRevoked(address indexed account, address indexed agent);
    /// @notice An order was cancelled on chain (by its account or an agent).
    event OrderCancelled(address indexed account, bytes32 indexed orderHash, uint64 nonce);
    /// @notice Every order of `account` with a nonce below `nonceFloor` is void.
    event NonceFloorRaised(address indexed account, uint64 nonceFloor);
    /// @notice Funding was applied: longs pay `fundingPerUnitWad` per unit when positive (DESIGN §7).
    event FundingApplied(
        uint32 indexed marketId,
        int256 fundingPerUnitWad,
        int256 cumulativeFundingWad,
        uint256 referencePriceWad,
        uint32 fundingEpoch
    );
    /// @notice The trading-fee recipient changed.
    event FeeRecipientUpdated(address oldRecipient, address newRecipient);
    /// @notice The insurance fund's vault account changed.
    event InsuranceFundUpdated(address oldFund, address newFund);

    /* SETTLEMENT */

    /// @notice Settles matched fills of signed orders (DESIGN §5). Atomic: any invalid fill reverts the batch with
    ///         an error naming it, so the matcher can drop it and resend the rest.
    /// @dev `MATCHER_ROLE`. Each order's signature is checked once, funding is settled once per touched (account,
    ///      market), balances move in one vault call, margin is checked once per account at the end, and open
    ///      interest caps once per market whose OI grew. Fees: taker pays `takerFee`, maker pays `makerFee` (or
    ///      receives the rebate); the net goes to the insurance fund (`insuranceShare`) and the fee recipient. Debits
    ///      round up, credits down.
    /// @param batchId Must equal `nextBatchId()`; a resend of a landed batch reverts `BatchIdMismatch`.
    /// @param orders Every order the fills name, each once.
    /// @param signatures `signatures[i]` signs `orders[i]`: 65-byte ECDSA by the account or its agent, or any
    ///        ERC-1271 signature of a contract account.
    function settleBatch(
        uint64 batchId,
        Order[] calldata orders,
        bytes[] calldata signatures,
        Fill[] calldata fills
    ) external;

    /// @notice Adds `fundingPerUnitWad` (USD per unit of base, wad; > 0 longs pay) to the market's cumulative index.
    /// @dev `FUNDING_ROLE`; at most once per funding interval (clock-aligned: `block.timestamp / interval` must have
    ///      advanced); |fundingPerUnit| ≤ `fundingCap · interval / 3600 · referencePrice`, the reference being the
    ///      fresh index for ASSET markets and 1 USD for BOUNDED ones (DESIGN §7). Positions pay or receive lazily.
    ///      Reverts `FundingMarketNotTrading`, `FundingTooEarly`, `FundingAboveCap`, `OracleStale`.
    function applyFunding(uint32 marketId, int256 fundingPerUnitWad) external;

    /* ACCOUNT ACTIONS */

    /// @notice Lets `agent` (an API wallet) sign orders and cancel them for the caller until `expiry`.
    /// @dev Reverts `AgentInvalid` for the zero address, the caller itself, or an expiry not in the future.
    function approveAgent(address agent, uint64 expiry) external;

    /// @notice Withdraws `agent`'s approval at once; orders it signed stop filling.
    function revokeAgent(address agent) external;

    /// @notice Cancels `order`: it never fills again (sets its nonce bit and drops any partial record).
    /// @dev Callable by the order's account or its agent; reverts `NotAccountOrAgent` otherwise.
    function cancelOrder(Order calldata order) external;

    /// @notice Voids every order of `account` whose nonce is below `nonce`.
    /// @dev Callable by the account or its agent; reverts `NonceFloorNotRaised` unless `nonce` raises the floor.
    function cancelUpTo(address account, uint64 nonce) external;

    /* ADMIN */

    /// @notice Sets the vault account that receives the fee recipient's share of trading fees (`DEFAULT_ADMIN_ROLE`).
    function setFeeRecipient(address recipient) external;

    /// @notice Sets the insurance fund's vault account (`DEFAULT_ADMIN_ROLE`).
    function setInsuranceFund(address fund) external;

    /* VIEWS */

    /// @notice The id the next `settleBatch` must carry.
    function nextBatchId() external view returns (uint64);

    /// @notice The EIP-712 digest a signer signs for `order`.
    function orderDigest(Order calldata order) external view returns (bytes32);

    /// @notice Where `order` stands: its state and the amount filled so far when it is partly filled.
    /// @dev A dead order's filled amount is not kept on chain (the `Filled` events have it): `filledWad` is 0.
    function orderStatus(Order calldata order) external view returns (OrderState state, uint256 filledWad);

    /// @notice Whether `nonce` of `account` has been used (filled, cancelled or partly filled).
    function isNonceUsed(address account, uint64 nonce) external view returns (bool);

    /// @notice The lowest nonce `account`'s orders may carry (raised by `cancelUpTo`).
    function nonceFloor(address account) external view returns (uint64);

    /// @notice When `agent`'s approval by `account` ends (0 = not approved).
    function agentExpiry(address account, address agent) external view returns (uint64);

    /// @notice `account`'s position in `marketId` with its pending funding.
    function position(address account, uint32 marketId) external view returns (PositionView memory);

    /// @notice Market ids in which `account` holds a position.
    function openMarkets(address account) external view returns (uint32[] memory);

    /// @notice A market's open interest and funding index.
    function marketState(uint32 marketId) external view returns (MarketState memory);

    /// @notice `account`'s equity and margin requirements at the on-chain marks (DESIGN §6).
    /// @dev Reverts `OracleStale` if a market the account holds has a stale price.
    function accountMargin(address account) external view returns (AccountMargin memory);

    /// @notice `account`'s equity against maintenance margin at the on-chain marks.
    function accountHealth(address account) external view returns (AccountHealth memory);

    /// @notice The mark of `marketId` at which `account` reaches maintenance margin, other marks held still: a long
    ///         becomes liquidatable below it, a short above it; at the price itself equity is still ≥ maintenance
    ///         (0 = no position or no such price).
    /// @dev Uses the position's current maintenance tier and ignores the BOUNDED worst-case cap (see
    ///      {PositionMath-liquidationPrice}).
    function liquidationPrice(address account, uint32 marketId) external view returns (uint256 priceWad);

    /// @notice The fee recipient's vault account.
    function feeRecipient() external view returns (address);

    /// @notice The insurance fund's vault account.
    function insuranceFund() external view returns (address);

    /// @notice The CollateralVault whose balances this engine moves.
    function vault() external view returns (address);

    /// @notice The MarketRegistry read for parameters and status.
    function marketRegistry() external view returns (address);

    /// @notice The OracleRegistry read for fresh marks and indexes.
    function oracle() external view returns (address);
}
