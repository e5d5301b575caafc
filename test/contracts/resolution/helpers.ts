/**
 * Helpers of the resolution tests (DESIGN §9): the dispute windows and dead-man delays of deploy/params.ts, moving a
 * market to Resolving and on to Resolved through the real proposal path, extra funded accounts, and the exact
 * arithmetic of the pro-rata haircut.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import { BTC_USD, SENATE22_R, fund, seedInsuranceFund, usdc, type KeelFixture } from "../../fixtures/keel";

/** Dispute windows: 3 days for BTC-USD (outlasts the mainnet timelock), 1 hour for SENATE22-R. */
export const DISPUTE_WINDOW: Record<number, number> = { [BTC_USD]: 3 * 86400, [SENATE22_R]: 3600 };
/** Dead-man delays of both local markets: freeze 1 day after the oracle went stale, resolve after 7 days Resolving. */
export const FREEZE_AFTER = 86400;
export const MAX_RESOLVING_TIME = 7 * 86400;
/** Oracle staleness: 60 s on BTC-USD, 300 s on SENATE22-R. */
export const MAX_STALENESS: Record<number, number> = { [BTC_USD]: 60, [SENATE22_R]: 300 };
/** The vault's withdrawal delay on local networks. */
export const WITHDRAWAL_DELAY = 300;

/** Moves an Active market to Resolving (the registry's RESOLVER_ROLE is the deployer's locally). */
export async function beginResolving(f: KeelFixture, marketId: number): Promise<void> {
  await f.registry.connect(f.deployer).beginResolving(marketId);
}

/** Proposes `priceWad` (the deployer holds the PositionManager's RESOLVER_ROLE) and returns the `finalAt` it got. */
export async function propose(f: KeelFixture, marketId: number, priceWad: bigint): Promise<bigint> {
  await f.pm.connect(f.deployer).proposeFinalPrice(marketId, priceWad);
  return (await f.pm.resolution(marketId)).finalAt;
}

/**
 * Takes a Resolving market to Resolved at `priceWad` the normal way: proposal, dispute window, finalization (sent by
 * `caller`, anyone). Returns the finalization transaction.
 */
export async function resolveAt(
  f: KeelFixture,
  marketId: number,
  priceWad: bigint,
  caller: HardhatEthersSigner = f.outsider,
): Promise<ContractTransactionResponse> {
  const finalAt = await propose(f, marketId, priceWad);
  await time.setNextBlockTimestamp(finalAt);
  return f.pm.connect(caller).finalizeResolution(marketId);
}

/** Signers beyond the fixture's five (hardhat has twenty), each with `amountUsdc` deposited (none if 0). */
export async function extraAccounts(
  f: KeelFixture,
  n: number,
  amountUsdc: bigint = 0n,
): Promise<HardhatEthersSigner[]> {
  const signers = (await ethers.getSigners()).slice(5, 5 + n);
  if (amountUsdc !== 0n) for (const s of signers) await fund(f, s, amountUsdc);
  return signers;
}

/** Deposits the same USDC amount for each signer. */
export async function fundEach(f: KeelFixture, signers: HardhatEthersSigner[], amount: string | number): Promise<void> {
  for (const s of signers) await fund(f, s, usdc(amount));
}

/** Seeds the insurance fund's vault account with `amount` USDC (minted to the deployer and deposited for the fund). */
export async function seedInsurance(f: KeelFixture, amount: string | number): Promise<void> {
  await seedInsuranceFund(f, usdc(amount));
}

/** `⌈a / b⌉` for non-negative bigints. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** What `claimSettlement` pays on `claimWad`: `claim − ⌈claim · haircut / totalClaims⌉` (IMarketResolution). */
export function paidAfterHaircut(claimWad: bigint, haircutWad: bigint, totalClaimsWad: bigint): bigint {
  const cut = ceilDiv(claimWad * haircutWad, totalClaimsWad);
  return claimWad - (cut < claimWad ? cut : claimWad);
}
