/**
 * Shared setup of the auto-deleveraging tests (stage 3 of the waterfall, DESIGN §8): fees at zero on both markets
 * (so every balance change is PnL alone and the insurance fund starts empty), a thinly funded trader (alice, 1,000
 * USDC) who goes bankrupt, well-funded counterparties, and small readers of the ADL events and of equity.
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { deployKeel, fund, usdc, type KeelFixture, seedInsuranceFund } from "../../../fixtures/keel";
import { BTC_USD, SENATE22_R, WAD, defaultPrices, trade, wad } from "../../trading/helpers";
import { place, setFees, walkPrices, type Account } from "../../trading/behaviourHelpers";

export { BTC_USD, SENATE22_R, WAD, wad };

/** BTC-USD mark after the walk down that bankrupts alice's 0.3 BTC long opened at 60,000 with 1,000 USDC. */
export const BANKRUPT_MARK = wad("56000");

/** The fixture plus two more funded accounts (hardhat signers 5 and 6, no role). */
export interface AdlFixture extends KeelFixture {
  dave: HardhatEthersSigner;
  erin: HardhatEthersSigner;
}

/**
 * Deploys Keel with zero fees on both markets, pushes the default prices (BTC 60,000, SENATE 0.40) and funds alice
 * with 1,000 USDC, bob, carol, dave and erin with 100,000 USDC each. The insurance fund's vault balance is 0.
 */
export async function setupAdl(): Promise<AdlFixture> {
  const f = await deployKeel();
  const signers = await ethers.getSigners();
  const x: AdlFixture = { ...f, dave: signers[5], erin: signers[6] };
  await setFees(x, BTC_USD, 0n, 0n, 0n);
  await setFees(x, SENATE22_R, 0n, 0n, 0n);
  await defaultPrices(x);
  await fund(x, x.alice, usdc(1_000));
  for (const s of [x.bob, x.carol, x.dave, x.erin]) await fund(x, s, usdc(100_000));
  return x;
}

/** `buyer` buys `size` from `seller` at `price` (prices must be fresh and near `price`). */
export async function openTrade(
  f: KeelFixture,
  buyer: Account,
  seller: Account,
  size: bigint,
  price: bigint,
  marketId: number = BTC_USD,
): Promise<void> {
  await trade(f, seller, buyer, "buy", size, price, marketId);
}

/**
 * The standard bankruptcy: alice (1,000 USDC) buys 0.3 BTC at 60,000 from `seller`, then the mark walks down to
 * 56,000: equity = 1,000 + 0.3 · (56,000 − 60,000) = 1,000 − 1,200 = −200.
 */
export async function bankruptLong(f: AdlFixture, seller: Account = f.bob): Promise<void> {
  await openTrade(f, f.alice, seller, wad("0.3"), wad("60000"));
  await walkPrices(f, { [BTC_USD]: BANKRUPT_MARK });
}

/** Deposits `amountUsdc` (token units) into the insurance fund's vault account (see `seedInsuranceFund`). */
export const fundInsurance = seedInsuranceFund;

/** `autoDeleverage` sent by the deployer (ADL_ROLE); not awaited for the receipt, so revert matchers can wrap it. */
export async function adl(
  f: KeelFixture,
  account: Account,
  marketId: number,
  counterparties: (Account | string)[],
): Promise<ContractTransactionResponse> {
  const list = counterparties.map((c) => (typeof c === "string" ? c : c.address));
  return f.pm.connect(f.deployer).autoDeleverage(account.address, marketId, list);
}

/** One `AutoDeleveraged` event. */
export interface AdlEvent {
  account: string;
  counterparty: string;
  marketId: bigint;
  sizeWad: bigint;
  priceWad: bigint;
}

/** The `AutoDeleveraged` events of a receipt, in order. */
export function adlEvents(f: KeelFixture, receipt: ContractTransactionReceipt): AdlEvent[] {
  const out: AdlEvent[] = [];
  for (const log of receipt.logs) {
    const parsed = f.pm.interface.parseLog(log);
    if (!parsed || parsed.name !== "AutoDeleveraged") continue;
    const [account, counterparty, marketId, sizeWad, priceWad] = parsed.args;
    out.push({ account, counterparty, marketId, sizeWad, priceWad });
  }
  return out;
}

/** Equity (pending withdrawal included) at the on-chain marks. */
export async function equityOf(f: KeelFixture, who: Account | string): Promise<bigint> {
  return (await f.pm.accountHealth(typeof who === "string" ? who : who.address)).equityWad;
}

/** A book liquidation of `account`'s whole `size` (> 0: a long) against one order of `maker` at `price`. */
export async function liquidateOnBook(
  f: KeelFixture,
  account: Account,
  maker: Account,
  size: bigint,
  price: bigint,
  marketId: number = BTC_USD,
): Promise<void> {
  const o = await place(f, maker, size > 0n ? "buy" : "sell", { size: size > 0n ? size : -size, price, marketId });
  const fillSize = size > 0n ? size : -size;
  await f.pm
    .connect(f.deployer)
    .liquidateOnBook(
      account.address,
      marketId,
      [o.order],
      [o.signature],
      [{ makerIndex: 0, sizeWad: fillSize, priceWad: price }],
    );
}
