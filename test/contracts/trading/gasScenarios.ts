/**
 * The steady-state settlement scenarios whose gas is measured by the gas snapshot test (gasSnapshot.test.ts) and by
 * the gas benchmark (bench/gas.ts): distinct funded accounts that already hold positions (opened in a setup batch)
 * trade fresh orders whose nonces follow their previous ones (1, then 2), so each nonce bit lands in a bitmap word
 * that is already non-zero.
 *
 * Accounts are derived from fixed keys, so the same scenario always sends the same calldata and signatures: its gas
 * is deterministic.
 */
import { ethers } from "hardhat";
import type { SignedOrder } from "../../../keepers/sdk/batch";
import { usdc, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, defaultPrices, fundAll, settle, wad, type FillSpec } from "./helpers";
import { place, receiptOf, type Account } from "./behaviourHelpers";

/** The size of every fill of the scenarios: 0.01 BTC (wad). */
export const FILL_SIZE_WAD = wad("0.01");

/** Sells `FILL_SIZE_WAD` for each maker and buys it for each taker, pairwise, with the given nonce. */
export async function pairFills(
  f: KeelFixture,
  makers: Account[],
  takers: Account[],
  nonce: bigint,
): Promise<FillSpec[]> {
  if (makers.length !== takers.length) {
    throw new Error(`pairFills needs as many makers as takers, got ${makers.length} and ${takers.length}`);
  }
  const fills: FillSpec[] = [];
  for (let i = 0; i < makers.length; i++) {
    fills.push({
      maker: await place(f, makers[i], "sell", { size: FILL_SIZE_WAD, nonce }),
      taker: await place(f, takers[i], "buy", { size: FILL_SIZE_WAD, nonce }),
      size: FILL_SIZE_WAD,
      price: BTC_PRICE,
    });
  }
  return fills;
}

/** One maker order (nonce `nonce`) filled by every taker (each its own order with the same nonce). */
export async function makerFills(
  f: KeelFixture,
  maker: Account,
  takers: Account[],
  nonce: bigint,
): Promise<FillSpec[]> {
  const ask: SignedOrder = await place(f, maker, "sell", { size: FILL_SIZE_WAD * BigInt(takers.length), nonce });
  const fills: FillSpec[] = [];
  for (const t of takers) {
    fills.push({
      maker: ask,
      taker: await place(f, t, "buy", { size: FILL_SIZE_WAD, nonce }),
      size: FILL_SIZE_WAD,
      price: BTC_PRICE,
    });
  }
  return fills;
}

/**
 * `n` accounts with fixed keys (`keccak256("keel.gasScenario.<i>")`), each sent 1 ETH for gas by the deployer and
 * 10,000 USDC deposited into the vault.
 */
export async function fundedAccounts(f: KeelFixture, n: number): Promise<Account[]> {
  const out: Account[] = [];
  for (let i = 0; i < n; i++) {
    const w = new ethers.Wallet(ethers.id(`keel.gasScenario.${i}`), ethers.provider);
    await f.deployer.sendTransaction({ to: w.address, value: ethers.parseEther("1") });
    out.push(w);
  }
  await fundAll(f, out, usdc(10_000));
  return out;
}

/**
 * Most fills settled by one setup batch: opening positions writes fresh slots, so a setup batch of 100 pairs would
 * pass the network's per-transaction gas cap.
 */
const SETUP_FILLS_PER_BATCH = 50;

/**
 * Settles `setup` (opening positions, in batches of at most 50 fills), then settles `measure` as one batch and returns
 * the gas its transaction used.
 */
export async function measureAfterSetup(f: KeelFixture, setup: FillSpec[], measure: FillSpec[]): Promise<bigint> {
  await defaultPrices(f);
  for (let i = 0; i < setup.length; i += SETUP_FILLS_PER_BATCH) {
    await receiptOf(await settle(f, setup.slice(i, i + SETUP_FILLS_PER_BATCH)));
  }
  await defaultPrices(f);
  const receipt = await receiptOf(await settle(f, measure));
  return receipt.gasUsed;
}

/** Gas of a batch of `pairs` matched pairs of distinct accounts holding positions (on `f`, freshly deployed). */
export async function pairBatchGas(f: KeelFixture, pairs: number): Promise<bigint> {
  const signers = await fundedAccounts(f, 2 * pairs);
  const makers = signers.slice(0, pairs);
  const takers = signers.slice(pairs);
  return measureAfterSetup(f, await pairFills(f, makers, takers, 1n), await pairFills(f, makers, takers, 2n));
}

/** Gas of a batch of one maker order filled by `takers` distinct takers, all holding positions (on `f`). */
export async function makerBatchGas(f: KeelFixture, takers: number): Promise<bigint> {
  const [maker, ...rest] = await fundedAccounts(f, takers + 1);
  return measureAfterSetup(f, await makerFills(f, maker, rest, 1n), await makerFills(f, maker, rest, 2n));
}
