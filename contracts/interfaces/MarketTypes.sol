// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice What a market's price means.
/// @dev `Asset`: USD per unit of base (BTC-USD); deviation limits relative to the price.
///      `Bounded`: a probability in [0, 1e18] (an event outcome) that resolves to a final price; deviation limits
///      absolute.
enum MarketKind {
    Asset,
    Bounded
}

/// @notice Lifecycle of a market (DESIGN §9): Draft → Active → Resolving → Resolved → Settled.
/// @dev `None` marks an id that was never listed.
enum MarketStatus {
    None,
    Draft,
    Active,
    Resolving,
    Resolved,
    Settled
}

/// @notice How the OracleRegistry uses HyperCore's read precompiles for a market (ASSET markets listed on Hyperliquid).
/// @dev `None`: keeper prices only. `Reference`: pushed index and mark must stay within `maxRefDeviationWad` of
///      HyperCore's oracle and mark prices. `Index`: the index is HyperCore's oracle price; the pushed mark is checked
///      against HyperCore's mark as in `Reference`.
enum HyperCoreMode {
    None,
    Reference,
    Index
}

/// @notice Order-entry parameters: lot and tick sizes, price bounds and the fill band around the mark.
/// @dev Bit layout: slot 0 = lotSizeWad | tickSizeWad; slot 1 = minPriceWad | maxPriceWad;
///      slot 2 = maxFillDeviationWad.
struct TradingParams {
    /// Order sizes are whole multiples of this (base units, wad).
    uint128 lotSizeWad;
    /// Order and fill prices are whole multiples of this (wad).
    uint128 tickSizeWad;
    /// Lowest accepted price (wad). BOUNDED: ε, the floor of [ε, 1−ε] while trading.
    uint128 minPriceWad;
    /// Highest accepted price (wad). BOUNDED: 1−ε.
    uint128 maxPriceWad;
    /// A fill's price must lie within this distance of the mark: relative for ASSET, absolute for BOUNDED (wad).
    uint64 maxFillDeviationWad;
}

/// @notice Trading-fee parameters, fractions of fill notional (wad, 1e18 = 100%).
struct FeeParams {
    /// Maker fee; negative is a rebate, never larger than the taker fee.
    int64 makerFeeWad;
    /// Taker fee.
    uint64 takerFeeWad;
    /// Share of the net trading fee paid to the insurance fund; the rest goes to the fee recipient.
    uint64 insuranceShareWad;
}

/// @notice One margin tier: positions with |notional| up to `maxNotionalWad` use these fractions (DESIGN §6).
/// @dev Packed into one slot. Tiers are sorted by `maxNotionalWad`; the last one applies above its cap too.
struct MarginTier {
    /// Upper bound of the tier's position notional (USD, wad).
    uint128 maxNotionalWad;
    /// Initial margin fraction (wad).
    uint64 imfWad;
    /// Maintenance margin fraction (wad), strictly below `imfWad`.
    uint64 mmfWad;
}

/// @notice Open-interest scaled initial margin and the open-interest cap (DESIGN §6).
/// @dev imf = max(tierImf(|notional|), imfLow + (imfHigh − imfLow) · min(1, OI / oiSaturation)).
struct MarginParams {
    /// OI-scaled initial margin fraction at zero open interest (wad).
    uint64 imfLowWad;
    /// OI-scaled initial margin fraction at or past saturation (wad).
    uint64 imfHighWad;
    /// Open interest (one side, base units, wad) at which the scaled fraction reaches `imfHighWad`.
    uint128 oiSaturationWad;
    /// Cap on open interest per side (base units, wad); checked when OI grows.
    uint128 maxOpenInterestWad;
}

/// @notice Funding parameters (DESIGN §7, Hyperliquid's scheme).
struct FundingParams {
    /// Seconds between two `applyFunding` calls.
    uint32 fundingIntervalSec;
    /// Cap on the funding rate per hour (wad, at most 4%); the on-chain bound per interval is
    /// `fundingCapWad · fundingIntervalSec / 3600 · referencePrice`.
    uint64 fundingCapWad;
    /// Interest component per 8 hours (wad; 0.01% on Hyperliquid), read by the funding keeper.
    uint64 interestRate8hWad;
}

/// @notice Liquidation waterfall parameters (DESIGN §8).
struct LiquidationParams {
    /// Fee on liquidated notional paid to the insurance fund (wad).
    uint64 liquidationFeeWad;
    /// Fraction of a large position closed per book liquidation (wad, 20% by default).
    uint64 partialFractionWad;
    /// Book-liquidation fills must lie within this distance of the mark: relative for ASSET, absolute for BOUNDED.
    uint64 liquidationBandWad;
    /// Seconds between two partial liquidations of the same position.
    uint32 cooldownSec;
    /// Seconds an account may stay liquidatable before anyone may call the backstop.
    uint32 permissionlessAfterSec;
    /// Position notional (USD, wad) above which book liquidation is partial.
    uint128 partialThresholdWad;
    /// Cap on liquidated notional per block (USD, wad).
    uint128 maxLiquidationNotionalPerBlockWad;
}

/// @notice Oracle guards and the HyperCore source of a market (DESIGN §3, §7).
struct OracleParams {
    /// Prices older than this are stale: reads revert and pushes are refused.
    uint32 maxStalenessSec;
    /// Largest move of index or mark in one push: relative for ASSET, absolute for BOUNDED (wad).
    uint64 maxPushDeviationWad;
    /// How HyperCore's read precompiles are used; must be `None` for BOUNDED markets.
    HyperCoreMode hyperCoreMode;
    /// HyperCore perp index of the market (BTC = 0 on mainnet).
    uint32 hyperCorePerpIndex;
    /// HyperCore szDecimals of the perp: raw prices are scaled by 10^(6 − szDecimals).
    uint8 hyperCoreSzDecimals;
    /// Largest relative distance between a pushed price and HyperCore's (wad).
    uint64 maxRefDeviationWad;
}

/// @notice Lifecycle timers (DESIGN §9).
struct LifecycleParams {
    /// Oracle silence (seconds) after which anyone may move the market to Resolving.
    uint32 freezeAfterSec;
    /// Longest time (seconds) a market may stay Resolving before anyone may resolve it at the last good mark.
    uint32 maxResolvingTimeSec;
    /// Seconds during which a proposed final price may be disputed.
    uint32 disputeWindowSec;
}

/// @notice Every parameter of a market, as given to `listMarket`.
struct MarketConfig {
    TradingParams trading;
    FeeParams fees;
    MarginParams margin;
    MarginTier[] tiers;
    FundingParams funding;
    LiquidationParams liquidation;
    OracleParams oracle;
    LifecycleParams lifecycle;
}

/// @notice A market's identity and state.
struct MarketInfo {
    string symbol;
    MarketKind kind;
    MarketStatus status;
    /// Block time of the last status change.
    uint64 statusChangedAt;
}

/// @notice Everything the PositionManager reads about a market to settle fills and check margin, in one call.
struct MarketRiskParams {
    MarketKind kind;
    MarketStatus status;
    TradingParams trading;
    FeeParams fees;
    MarginParams margin;
    MarginTier[] tiers;
}
