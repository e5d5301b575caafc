/**
 * Per-network deployment parameters of Keel: the one file a deployer edits.
 *
 * Keys and URLs come from the environment (see README "Deploying to HyperEVM"); everything else is here.
 * Units follow DESIGN §2: prices, sizes and fractions are wad (1e18), times are seconds.
 */
import { parseUnits } from "ethers";

/** A wad (18-decimal) bigint from a decimal string: `wad("0.02")` is 2% or 0.02 units. */
export const wad = (value: string): bigint => parseUnits(value, 18);

import { HyperCoreMode, MarketKind, MarketStatus } from "../keepers/sdk/markets";

// The market enums live in the SDK; re-exported here for the deploy steps and the tests that read parameters.
export { HyperCoreMode, MarketKind, MarketStatus };

/** A market's parameters, shaped as the `MarketConfig` struct of MarketTypes.sol. */
export interface MarketConfig {
  trading: {
    lotSizeWad: bigint;
    tickSizeWad: bigint;
    minPriceWad: bigint;
    maxPriceWad: bigint;
    maxFillDeviationWad: bigint;
  };
  fees: { makerFeeWad: bigint; takerFeeWad: bigint; insuranceShareWad: bigint };
  margin: { imfLowWad: bigint; imfHighWad: bigint; oiSaturationWad: bigint; maxOpenInterestWad: bigint };
  tiers: { maxNotionalWad: bigint; imfWad: bigint; mmfWad: bigint }[];
  funding: { fundingIntervalSec: number; fundingCapWad: bigint; interestRate8hWad: bigint };
  liquidation: {
    liquidationFeeWad: bigint;
    partialFractionWad: bigint;
    liquidationBandWad: bigint;
    cooldownSec: number;
    permissionlessAfterSec: number;
    partialThresholdWad: bigint;
    maxLiquidationNotionalPerBlockWad: bigint;
  };
  oracle: {
    maxStalenessSec: number;
    maxPushDeviationWad: bigint;
    hyperCoreMode: HyperCoreMode;
    hyperCorePerpIndex: number;
    hyperCoreSzDecimals: number;
    maxRefDeviationWad: bigint;
  };
  lifecycle: { freezeAfterSec: number; maxResolvingTimeSec: number; disputeWindowSec: number };
}

/** A market the deploy lists (once: an existing symbol is left alone) and optionally activates. */
export interface MarketListing {
  symbol: string;
  kind: MarketKind;
  config: MarketConfig;
  /** Move Draft → Active right after listing (on mainnet activation goes through the timelock instead). */
  activate: boolean;
  /** The insurance fund's backstop exposure cap in this market: notional at the mark (USD wad; 0 = no takeovers). */
  backstopExposureCapWad: bigint;
}

/** The insurance fund's limits (InsuranceFund constructor; DESIGN §8). */
export interface InsuranceParams {
  /** Most the fund covers per block (USD wad). */
  maxDrawPerBlockWad: bigint;
  /** Circuit-breaker window (seconds). */
  breakerWindowSec: number;
  /** A market drawing more than this fraction of the fund within the window goes reduce-only (wad). */
  breakerThresholdWad: bigint;
}

/** Everything that differs between networks. */
export interface NetworkParams {
  /** A real network: the admin ends up a TimelockController and role holders must come from the environment. */
  live: boolean;
  /** The collateral token's address, or "mock" to deploy MockUSDC (never on a real chain). */
  collateral: string | undefined;
  /** Seconds between a withdrawal request and its execution. */
  withdrawalDelaySec: number;
  /** Minimum delay of the TimelockController admin (live networks). */
  timelockMinDelaySec: number;
  /** Markets to list. */
  markets: MarketListing[];
  /** The insurance fund's limits. */
  insurance: InsuranceParams;
}

/** Insurance limits of every network: $1M per block, a market drawing 30% of the fund within a day trips. */
const INSURANCE: InsuranceParams = {
  maxDrawPerBlockWad: wad("1000000"),
  breakerWindowSec: 86400,
  breakerThresholdWad: wad("0.3"),
};

const UINT128_MAX = (1n << 128n) - 1n;

/** BTC-USD: Hyperliquid-like fees and leverage (50x at the smallest tier), HyperCore perp 0 with szDecimals 5. */
export function btcUsd(hyperCoreMode: HyperCoreMode): MarketConfig {
  return {
    trading: {
      lotSizeWad: wad("0.0001"),
      tickSizeWad: wad("0.1"),
      minPriceWad: wad("1000"),
      maxPriceWad: wad("10000000"),
      maxFillDeviationWad: wad("0.05"),
    },
    fees: { makerFeeWad: wad("0.00015"), takerFeeWad: wad("0.00045"), insuranceShareWad: wad("0.2") },
    margin: {
      imfLowWad: wad("0.02"),
      imfHighWad: wad("0.05"),
      oiSaturationWad: wad("1000"),
      maxOpenInterestWad: wad("5000"),
    },
    tiers: [
      { maxNotionalWad: wad("5000000"), imfWad: wad("0.02"), mmfWad: wad("0.01") },
      { maxNotionalWad: wad("50000000"), imfWad: wad("0.05"), mmfWad: wad("0.025") },
      { maxNotionalWad: UINT128_MAX, imfWad: wad("0.1"), mmfWad: wad("0.05") },
    ],
    funding: { fundingIntervalSec: 3600, fundingCapWad: wad("0.04"), interestRate8hWad: wad("0.0001") },
    liquidation: {
      liquidationFeeWad: wad("0.005"),
      partialFractionWad: wad("0.2"),
      liquidationBandWad: wad("0.02"),
      cooldownSec: 30,
      permissionlessAfterSec: 300,
      partialThresholdWad: wad("100000"),
      maxLiquidationNotionalPerBlockWad: wad("10000000"),
    },
    oracle: {
      maxStalenessSec: 60,
      maxPushDeviationWad: wad("0.02"),
      hyperCoreMode,
      hyperCorePerpIndex: 0,
      hyperCoreSzDecimals: 5,
      maxRefDeviationWad: wad("0.02"),
    },
    // The dispute window outlasts the mainnet timelock's delay (2 days): the admin's dispute must land in time.
    lifecycle: { freezeAfterSec: 86400, maxResolvingTimeSec: 7 * 86400, disputeWindowSec: 3 * 86400 },
  };
}

/** An event market priced as a probability in [ε, 1−ε] (ε = 0.001); deviation limits are absolute. */
export function eventMarket(): MarketConfig {
  return {
    trading: {
      lotSizeWad: wad("0.01"),
      tickSizeWad: wad("0.001"),
      minPriceWad: wad("0.001"),
      maxPriceWad: wad("0.999"),
      maxFillDeviationWad: wad("0.1"),
    },
    fees: { makerFeeWad: 0n, takerFeeWad: wad("0.001"), insuranceShareWad: wad("0.2") },
    margin: {
      imfLowWad: wad("0.1"),
      imfHighWad: wad("0.2"),
      oiSaturationWad: wad("1000000"),
      maxOpenInterestWad: wad("10000000"),
    },
    tiers: [{ maxNotionalWad: UINT128_MAX, imfWad: wad("0.1"), mmfWad: wad("0.05") }],
    funding: { fundingIntervalSec: 3600, fundingCapWad: wad("0.01"), interestRate8hWad: 0n },
    liquidation: {
      liquidationFeeWad: wad("0.005"),
      partialFractionWad: wad("0.2"),
      liquidationBandWad: wad("0.05"),
      cooldownSec: 30,
      permissionlessAfterSec: 300,
      partialThresholdWad: wad("50000"),
      maxLiquidationNotionalPerBlockWad: wad("1000000"),
    },
    oracle: {
      maxStalenessSec: 300,
      maxPushDeviationWad: wad("0.05"),
      hyperCoreMode: HyperCoreMode.None,
      hyperCorePerpIndex: 0,
      hyperCoreSzDecimals: 0,
      maxRefDeviationWad: wad("0.02"),
    },
    lifecycle: { freezeAfterSec: 86400, maxResolvingTimeSec: 7 * 86400, disputeWindowSec: 3600 },
  };
}

const local: NetworkParams = {
  live: false,
  collateral: "mock",
  withdrawalDelaySec: 300,
  timelockMinDelaySec: 0,
  markets: [
    {
      symbol: "BTC-USD",
      kind: MarketKind.Asset,
      config: btcUsd(HyperCoreMode.None),
      activate: true,
      backstopExposureCapWad: wad("5000000"),
    },
    {
      symbol: "SENATE22-R",
      kind: MarketKind.Bounded,
      config: eventMarket(),
      activate: true,
      backstopExposureCapWad: wad("500000"),
    },
  ],
  insurance: INSURANCE,
};

/** Parameters by hardhat network name. */
export const NETWORK_PARAMS: Record<string, NetworkParams> = {
  hardhat: local,
  localhost: local,
  hyperevmTestnet: {
    live: true,
    collateral: process.env.KEEL_TESTNET_USDC,
    withdrawalDelaySec: 300,
    timelockMinDelaySec: 600,
    markets: [
      {
        symbol: "BTC-USD",
        kind: MarketKind.Asset,
        config: btcUsd(HyperCoreMode.Reference),
        activate: true,
        backstopExposureCapWad: wad("1000000"),
      },
    ],
    insurance: INSURANCE,
  },
  hyperevm: {
    live: true,
    // HyperEVM native USDC.
    collateral: "0xb88339CB7199b77E23DB6E890353E22632Ba630f",
    withdrawalDelaySec: 3600,
    timelockMinDelaySec: 2 * 86400,
    markets: [
      // Listed in Draft: activation is a timelock operation once keepers are running.
      {
        symbol: "BTC-USD",
        kind: MarketKind.Asset,
        config: btcUsd(HyperCoreMode.Reference),
        activate: false,
        backstopExposureCapWad: wad("5000000"),
      },
    ],
    insurance: INSURANCE,
  },
};

/**
 * A dress rehearsal of a live deploy on a local chain (`KEEL_DEPLOY_PARAMS=liveRehearsal`): the mainnet steps —
 * timelock hand-over, roles from the environment, Draft listing — over MockUSDC.
 */
export const LIVE_REHEARSAL: NetworkParams = {
  ...NETWORK_PARAMS.hyperevm,
  collateral: "mock",
  timelockMinDelaySec: 60,
};

/**
 * The parameters of `network`, or of the profile named by `KEEL_DEPLOY_PARAMS` (a network name or `liveRehearsal`);
 * throws a message naming the known profiles for any other.
 */
export function networkParams(network: string): NetworkParams {
  const profile = process.env.KEEL_DEPLOY_PARAMS ?? network;
  const params = profile === "liveRehearsal" ? LIVE_REHEARSAL : NETWORK_PARAMS[profile];
  if (!params) {
    throw new Error(
      `No Keel deploy parameters for "${profile}"; known: ${[...Object.keys(NETWORK_PARAMS), "liveRehearsal"].join(", ")}`,
    );
  }
  return params;
}

/** Operational roles granted at deploy time, by the contract that checks them. */
export const OPERATIONAL_ROLES = {
  MarketRegistry: ["MARKET_ADMIN_ROLE", "RESOLVER_ROLE"],
  OracleRegistry: ["ORACLE_ROLE"],
  PositionManager: ["MATCHER_ROLE", "FUNDING_ROLE", "LIQUIDATOR_ROLE", "ADL_ROLE", "RESOLVER_ROLE", "PAUSER_ROLE"],
  InsuranceFund: ["BACKSTOP_OPERATOR_ROLE"],
} as const;

/**
 * The fee recipient's vault account: `KEEL_FEE_RECIPIENT`, else the named account `feeRecipient` (local networks) or
 * the deployer (live networks; change it later with a timelock operation calling `setFeeRecipient`). The insurance
 * fund's account is the InsuranceFund contract (step 6).
 */
export function protocolAccounts(live: boolean, named: Record<string, string | undefined>): { feeRecipient: string } {
  const pick = (env: string, name: string): string => {
    const value = process.env[env]?.trim() || (live ? named.deployer : named[name]) || named.deployer;
    if (!value) throw new Error(`No ${name} account: set ${env} to an address`);
    return value;
  };
  return { feeRecipient: pick("KEEL_FEE_RECIPIENT", "feeRecipient") };
}

/**
 * Holders of `role`: the comma-separated addresses in `KEEL_<ROLE>` (e.g. `KEEL_ORACLE_ROLE=0xabc,0xdef`), else the
 * deployer on local networks and nobody on live ones (grant later through the timelock).
 */
export function roleHolders(role: string, live: boolean, deployer: string): string[] {
  const fromEnv = process.env[`KEEL_${role}`];
  if (fromEnv)
    return fromEnv
      .split(",")
      .map((a) => a.trim())
      .filter((a) => a.length > 0);
  return live ? [] : [deployer];
}

/** Proposers and executors of the TimelockController: `KEEL_TIMELOCK_PROPOSERS` / `KEEL_TIMELOCK_EXECUTORS`. */
export function timelockMembers(deployer: string): { proposers: string[]; executors: string[] } {
  const list = (name: string) =>
    (process.env[name] ?? deployer)
      .split(",")
      .map((a) => a.trim())
      .filter((a) => a.length > 0);
  return { proposers: list("KEEL_TIMELOCK_PROPOSERS"), executors: list("KEEL_TIMELOCK_EXECUTORS") };
}
