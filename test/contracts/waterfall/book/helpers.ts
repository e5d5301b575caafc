/**
 * Helpers of the book-liquidation tests (stage 1 of DESIGN §8): a leveraged position opened at 60,000 against a
 * well-funded counterparty, marks walked against it within the oracle's push clamp, resting maker orders and
 * `liquidateOnBook` calls sent by the liquidator (the deployer holds LIQUIDATOR_ROLE on local networks).
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import type { SignedOrder } from "../../../../keepers/sdk/batch";
import type { Order } from "../../../../keepers/sdk/orders";
import { BTC_USD, fund, usdc, wad, type KeelFixture, seedInsuranceFund } from "../../../fixtures/keel";
import { BTC_PRICE, defaultPrices, trade } from "../../trading/helpers";
import { place, walkPrices, type Account } from "../../trading/behaviourHelpers";

export { BTC_USD, BTC_PRICE, usdc, wad, place, walkPrices, type Account };

/** One fill of a book liquidation, as `liquidateOnBook` takes it. */
export interface LiqFill {
  makerIndex: number;
  sizeWad: bigint;
  priceWad: bigint;
}

/** A liquidation fill against `orders[makerIndex]`. */
export function liqFill(makerIndex: number, sizeWad: bigint, priceWad: bigint): LiqFill {
  return { makerIndex, sizeWad, priceWad };
}

/**
 * Sends `liquidateOnBook(account, marketId, makers, fills)` from `caller` (the liquidator by default), with the
 * makers' own signatures unless `signatures` is given. Not awaited for the receipt, so revert matchers can wrap it.
 */
export async function liquidate(
  f: KeelFixture,
  account: { address: string },
  makers: SignedOrder[],
  fills: LiqFill[],
  options: { marketId?: number; caller?: HardhatEthersSigner; signatures?: string[] } = {},
): Promise<ContractTransactionResponse> {
  const caller = options.caller ?? f.deployer;
  return f.pm.connect(caller).liquidateOnBook(
    account.address,
    options.marketId ?? BTC_USD,
    makers.map((m) => m.order),
    options.signatures ?? makers.map((m) => m.signature),
    fills,
  );
}

/** A resting (plain limit) maker order of `maker` in BTC-USD. */
export async function makerOrder(
  f: KeelFixture,
  maker: Account,
  side: "buy" | "sell",
  size: bigint,
  price: bigint,
  overrides: Partial<Order> = {},
): Promise<SignedOrder> {
  return place(f, maker, side, { size, price, ...overrides });
}

/**
 * Deposits `depositUsdc` for `trader` (and 100,000 USDC for `counterparty` and every `others` signer), pushes the
 * default prices and opens `size` of BTC-USD for `trader` at 60,000 as the taker (`side`) against a resting order of
 * `counterparty`. The trader pays the 0.045% taker fee; the counterparty the 0.015% maker fee.
 */
export async function openAt60k(
  f: KeelFixture,
  trader: Account,
  side: "buy" | "sell",
  size: bigint,
  depositUsdc: bigint,
  counterparty: Account = f.bob,
  others: Account[] = [f.carol],
): Promise<void> {
  await fund(f, trader as HardhatEthersSigner, depositUsdc);
  for (const s of [counterparty, ...others]) await fund(f, s as HardhatEthersSigner, usdc(100_000));
  await defaultPrices(f);
  await trade(f, counterparty, trader, side, size, BTC_PRICE);
}

/** Walks the BTC-USD mark (and index) to `markWad` within the push clamp; every price is fresh afterwards. */
export async function markAt(f: KeelFixture, markWad: bigint): Promise<void> {
  await walkPrices(f, { [BTC_USD]: markWad });
}

/** An extra signer beyond the fixture's five (index 5 and up of `getSigners()`), e.g. an under-funded maker. */
export async function extraSigner(i: number): Promise<HardhatEthersSigner> {
  return (await ethers.getSigners())[5 + i];
}

/** The block time of a mined transaction. */
export async function minedAt(tx: ContractTransactionResponse): Promise<number> {
  const receipt = await tx.wait();
  if (!receipt) throw new Error("no receipt");
  const block = await ethers.provider.getBlock(receipt.blockNumber);
  if (!block) throw new Error("no block");
  return block.timestamp;
}

/** Re-pushes the current BTC-USD (and SENATE22-R) prices dated `ts`, mined at `ts` (prices stay fresh). */
export async function refreshAt(f: KeelFixture, ts: number): Promise<void> {
  await time.setNextBlockTimestamp(ts);
  const ids = [1, 2];
  const snaps = await Promise.all(ids.map((id) => f.oracle.snapshot(id)));
  await f.oracle.pushPrices(
    ids,
    snaps.map((s) => s.indexWad),
    snaps.map((s) => s.markWad),
    ts,
  );
}

/** The insurance fund's vault balance (USD wad). */
export async function insuranceBalance(f: KeelFixture): Promise<bigint> {
  return f.vault.balanceWad(await f.fund.getAddress());
}

/** The fee recipient's vault balance (USD wad). */
export async function feeRecipientBalance(f: KeelFixture): Promise<bigint> {
  return f.vault.balanceWad(await f.pm.feeRecipient());
}

/** The liquidation parameters of BTC-USD with some fields replaced (set by the deployer, MARKET_ADMIN_ROLE). */
export async function setBtcLiquidationParams(
  f: KeelFixture,
  overrides: Partial<{
    liquidationFeeWad: bigint;
    partialFractionWad: bigint;
    liquidationBandWad: bigint;
    cooldownSec: bigint;
    permissionlessAfterSec: bigint;
    partialThresholdWad: bigint;
    maxLiquidationNotionalPerBlockWad: bigint;
  }>,
): Promise<void> {
  const p = await f.registry.liquidationParams(BTC_USD);
  await f.registry.connect(f.deployer).setLiquidationParams(BTC_USD, {
    liquidationFeeWad: p.liquidationFeeWad,
    partialFractionWad: p.partialFractionWad,
    liquidationBandWad: p.liquidationBandWad,
    cooldownSec: p.cooldownSec,
    permissionlessAfterSec: p.permissionlessAfterSec,
    partialThresholdWad: p.partialThresholdWad,
    maxLiquidationNotionalPerBlockWad: p.maxLiquidationNotionalPerBlockWad,
    ...overrides,
  });
}

/**
 * The standard liquidatable long of these tests: alice deposits 1,000 USDC and buys 0.3 BTC at 60,000 from bob
 * (18,000 notional; taker fee 18,000 · 0.045% = 8.1, so her balance is 991.9), then the mark walks to 57,200:
 * equity = 991.9 + 0.3 · (57,200 − 60,000) = 991.9 − 840 = 151.9 < MM = 0.3 · 57,200 · 1% = 171.6 (and above
 * ⅔ MM = 114.4: a book liquidation, not yet the backstop). carol and bob hold 100,000 USDC each.
 */
export const LONG_SIZE = wad("0.3");
export const LIQ_MARK = wad("57200");

export async function liquidatableLong(f: KeelFixture): Promise<void> {
  await openAt60k(f, f.alice, "buy", LONG_SIZE, usdc(1000));
  await markAt(f, LIQ_MARK);
}

/** Deposits `amountUsdc` (token units) into the insurance fund's vault account (see `seedInsuranceFund`). */
export const seedInsurance = seedInsuranceFund;
