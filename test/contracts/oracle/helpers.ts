/**
 * Shared helpers of the OracleRegistry and HyperCorePriceSource tests: enums mirrored from the contracts, a push
 * helper that dates a push at the latest block time, and MockHyperCorePrecompile installed at HyperCore's read
 * precompile addresses.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { setCode, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BigNumberish, ContractTransactionResponse } from "ethers";
import type { MarketRegistry, MockHyperCorePrecompile, OracleRegistry } from "../../../keepers/sdk/typechain";
import { HyperCoreMode, MarketStatus, btcUsd, eventMarket } from "../../../deploy/params";
import { PriceSource } from "../../../keepers/sdk/markets";

export { MarketStatus };

/** HyperCore read precompile: perp mark price by perp index. */
export const MARK_PX_PRECOMPILE = "0x0000000000000000000000000000000000000806";
/** HyperCore read precompile: perp oracle price by perp index. */
export const ORACLE_PX_PRECOMPILE = "0x0000000000000000000000000000000000000807";
/** HyperCore read precompile: current L1 block number (empty input). */
export const L1_BLOCK_NUMBER_PRECOMPILE = "0x0000000000000000000000000000000000000809";

export { PriceSource };

/** `MockHyperCorePrecompile.Mode`. */
export enum PrecompileMode {
  Normal = 0,
  Revert = 1,
  BurnAllGas = 2,
  Malformed = 3,
}

/** The oracle parameters of the local markets, as deploy/params.ts lists them. */
export const BTC_ORACLE = btcUsd(HyperCoreMode.None).oracle;
export const BTC_TRADING = btcUsd(HyperCoreMode.None).trading;
export const EVENT_ORACLE = eventMarket().oracle;
export const EVENT_TRADING = eventMarket().trading;

/** 1.0 in wad. */
export const WAD = 10n ** 18n;

/** The BTC perp on HyperCore mainnet: index 0, szDecimals 5 (deploy/params.ts). */
export const BTC_PERP = { index: 0, szDecimals: 5 } as const;

/** A HyperCore raw perp price (units of 10^−(6 − szDecimals) USD) scaled to wad: raw · 10^(12 + szDecimals). */
export const perpRawToWad = (raw: bigint, szDecimals: number): bigint => raw * 10n ** BigInt(12 + szDecimals);

/**
 * Sends `pushPrices` for `marketIds`, dated `timestamp` or, by default, the latest block time (always ≤ the block
 * time of the push and newer than any earlier push of these tests). Not awaited by the caller for revert matchers.
 */
export async function push(
  oracle: OracleRegistry,
  marketIds: number[],
  indexWad: BigNumberish[],
  markWad: BigNumberish[],
  timestamp?: number,
): Promise<ContractTransactionResponse> {
  return oracle.pushPrices(marketIds, indexWad, markWad, timestamp ?? (await time.latest()));
}

/** `push` for one market. */
export async function pushOne(
  oracle: OracleRegistry,
  marketId: number,
  indexWad: BigNumberish,
  markWad: BigNumberish,
  timestamp?: number,
): Promise<ContractTransactionResponse> {
  return push(oracle, [marketId], [indexWad], [markWad], timestamp);
}

/** The expected fields of a stored snapshot (numbers are compared as bigints). */
export interface ExpectedSnapshot {
  indexWad: bigint;
  markWad: bigint;
  timestamp: number;
  maxStalenessSec: number;
  source: PriceSource;
  hyperCoreL1Block: number | bigint;
  reporter: string;
}

/** Asserts every field of the snapshot of `marketId`. */
export async function expectSnapshot(
  oracle: OracleRegistry,
  marketId: number,
  expected: ExpectedSnapshot,
): Promise<void> {
  const s = await oracle.snapshot(marketId);
  expect(s.indexWad, "indexWad").to.equal(expected.indexWad);
  expect(s.markWad, "markWad").to.equal(expected.markWad);
  expect(s.timestamp, "timestamp").to.equal(expected.timestamp);
  expect(s.maxStalenessSec, "maxStalenessSec").to.equal(expected.maxStalenessSec);
  expect(s.source, "source").to.equal(expected.source);
  expect(s.hyperCoreL1Block, "hyperCoreL1Block").to.equal(expected.hyperCoreL1Block);
  expect(s.reporter, "reporter").to.equal(expected.reporter);
}

/** The snapshot a plain keeper push of BTC-USD leaves: no HyperCore read, BTC-USD's staleness. */
export function btcKeeperSnapshot(
  indexWad: bigint,
  markWad: bigint,
  timestamp: number,
  reporter: string,
): ExpectedSnapshot {
  return {
    indexWad,
    markWad,
    timestamp,
    maxStalenessSec: BTC_ORACLE.maxStalenessSec,
    source: PriceSource.Keeper,
    hyperCoreL1Block: 0,
    reporter,
  };
}

/** Handles on the mocks installed at HyperCore's read precompile addresses. */
export interface Precompiles {
  mark: MockHyperCorePrecompile;
  oracle: MockHyperCorePrecompile;
  l1Block: MockHyperCorePrecompile;
}

/**
 * Installs MockHyperCorePrecompile's runtime code at 0x…0806 (mark), 0x…0807 (oracle) and 0x…0809 (L1 block
 * number). Storage starts empty: every price reads 0 (a failed read) until `setHyperCore` sets it.
 */
export async function installPrecompiles(): Promise<Precompiles> {
  const template = await ethers.deployContract("MockHyperCorePrecompile");
  const code = await ethers.provider.getCode(await template.getAddress());
  const at = async (address: string): Promise<MockHyperCorePrecompile> => {
    await setCode(address, code);
    return (await ethers.getContractAt("MockHyperCorePrecompile", address)) as unknown as MockHyperCorePrecompile;
  };
  return {
    mark: await at(MARK_PX_PRECOMPILE),
    oracle: await at(ORACLE_PX_PRECOMPILE),
    l1Block: await at(L1_BLOCK_NUMBER_PRECOMPILE),
  };
}

/** Raw HyperCore state of one perp: oracle and mark prices in 10^−(6 − szDecimals) USD, and the L1 block. */
export interface HyperCoreState {
  perpIndex: number;
  oracleRaw: bigint;
  markRaw: bigint;
  l1Block: bigint;
}

/** Sets the raw prices of a perp and the L1 block number on the installed mocks. */
export async function setHyperCore(p: Precompiles, state: HyperCoreState): Promise<void> {
  await p.oracle.setValue(state.perpIndex, state.oracleRaw);
  await p.mark.setValue(state.perpIndex, state.markRaw);
  // The L1 block number precompile takes an empty input, which the mock answers from index 0.
  await p.l1Block.setValue(0, state.l1Block);
}

/** Sets the HyperCore mode of `marketId` (BTC-USD perp 0, szDecimals 5, 2% reference deviation by default). */
export async function setHyperCoreMode(
  registry: MarketRegistry,
  marketId: number,
  mode: HyperCoreMode,
  overrides: Partial<typeof BTC_ORACLE> = {},
): Promise<void> {
  await registry.setOracleParams(marketId, { ...btcUsd(mode).oracle, ...overrides });
}
