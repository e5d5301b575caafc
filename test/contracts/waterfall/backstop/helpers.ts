/**
 * Shared setup of the backstop (stage 2) and insurance-fund tests: fees off (every balance change is PnL or a
 * takeover), a seeded insurance fund, leveraged longs that the mark then walks against, and signed orders of the fund
 * account (ERC-1271: the fund's orders are signed by a BACKSTOP_OPERATOR_ROLE key over the order's own digest).
 *
 * The standard book: alice holds 1,000 USD and buys 0.3 BTC from bob (100,000 USD) at 60,000 (notional 18,000,
 * initial margin ≈ 2% = 360). Her equity is 1,000 + 0.3 · (mark − 60,000) and her maintenance margin 0.3 · mark · 1%.
 */
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import {
  BTC_USD,
  SENATE22_R,
  deployKeel,
  fund,
  usdc,
  wad,
  type KeelFixture,
  seedInsuranceFund,
} from "../../../fixtures/keel";
import type { SignedOrder } from "../../../../keepers/sdk/batch";
import type { Order } from "../../../../keepers/sdk/orders";
import { BTC_PRICE, OrderFlag, defaultPrices, order, signed, trade } from "../../trading/helpers";
import { setFees, walkPrices, type Account } from "../../trading/behaviourHelpers";

export { BTC_USD, SENATE22_R, BTC_PRICE, OrderFlag, wad, usdc };

/** Deposits `amountUsdc` (token units) into the insurance fund's vault account (see `seedInsuranceFund`). */
export const seedFund = seedInsuranceFund;

/** Options of {@link backstopSetup}. */
export interface BackstopSetup {
  /** Alice's deposit (USDC); default 1,000. */
  aliceUsdc?: bigint;
  /** The insurance fund's seed (USDC); default 10,000. */
  fundUsdc?: bigint;
  /** Alice's long (BTC, wad), bought from bob at 60,000; default 0.3. */
  aliceLongWad?: bigint;
}

/**
 * Fees off on both markets, bob and carol funded with 100,000 USDC, alice with `aliceUsdc`, the fund seeded, prices
 * at the defaults, and alice long `aliceLongWad` against bob's short at 60,000.
 */
export async function backstopSetup(options: BackstopSetup = {}): Promise<KeelFixture> {
  const f = await deployKeel();
  await setFees(f, BTC_USD, 0n, 0n, 0n);
  await setFees(f, SENATE22_R, 0n, 0n, 0n);
  await fund(f, f.alice, options.aliceUsdc ?? usdc(1_000));
  await fund(f, f.bob, usdc(100_000));
  await fund(f, f.carol, usdc(100_000));
  const seed = options.fundUsdc ?? usdc(10_000);
  if (seed > 0n) await seedFund(f, seed);
  await defaultPrices(f);
  await trade(f, f.bob, f.alice, "buy", options.aliceLongWad ?? wad("0.3"), BTC_PRICE);
  return f;
}

/** Walks the BTC-USD mark to `markWad` within the push clamp (every price is fresh afterwards). */
export async function moveBtc(f: KeelFixture, markWad: bigint): Promise<void> {
  await walkPrices(f, { [BTC_USD]: markWad });
}

/** The insurance fund's address: its vault account and backstop account. */
export async function fundAddress(f: KeelFixture): Promise<string> {
  return f.fund.getAddress();
}

/** A fresh funded signer (the fixture names five; a few tests need one more liquidatable account). */
export async function extraAccount(f: KeelFixture, depositUsdc: bigint): Promise<Account> {
  const w = ethers.Wallet.createRandom().connect(ethers.provider);
  await f.deployer.sendTransaction({ to: w.address, value: ethers.parseEther("1") });
  await fund(f, w as never, depositUsdc);
  return w;
}

/**
 * An order of the insurance fund's account signed by `signer` (the deployer holds BACKSTOP_OPERATOR_ROLE): the
 * signature is an ordinary EIP-712 signature of the order digest, which the fund's `isValidSignature` accepts when
 * it recovers to an operator.
 */
export async function fundOrder(
  f: KeelFixture,
  side: "buy" | "sell",
  overrides: Partial<Order> = {},
  signer: Signer = f.deployer,
): Promise<SignedOrder> {
  return signed(f, signer, order({ address: await fundAddress(f) }, side, overrides));
}
