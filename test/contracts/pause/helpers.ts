/**
 * Helpers of the pause tests (DESIGN §3, §13.20): a small set of accounts holding BTC-USD positions (fees set to 0 so
 * that balances stay at the deposits when positions close at the entry price), the pause itself, and a withdrawal
 * carried through its delay.
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { BTC_USD, deployKeel, usdc, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, defaultPrices, fundAll, trade, wad } from "../trading/helpers";
import { setFees } from "../trading/behaviourHelpers";

/** Each account's deposit (USDC). */
export const DEPOSIT_USDC = 10_000;
/** The vault's withdrawal delay on local networks. */
export const WITHDRAWAL_DELAY = 300;

/**
 * alice long 0.3 BTC at 60,000 — 0.1 from bob, 0.2 from carol (both short) — 10,000 USDC each, fees 0; the protocol
 * is then paused by the deployer (PAUSER_ROLE) unless `pause` is false.
 */
export async function positionsThenPause(pause = true): Promise<KeelFixture> {
  const f = await deployKeel();
  await fundAll(f, [f.alice, f.bob, f.carol], usdc(DEPOSIT_USDC));
  await setFees(f, BTC_USD, 0n, 0n, 0n);
  await defaultPrices(f);
  await trade(f, f.bob, f.alice, "buy", wad("0.1"), BTC_PRICE);
  await trade(f, f.carol, f.alice, "buy", wad("0.2"), BTC_PRICE);
  if (pause) await f.pm.connect(f.deployer).pause();
  return f;
}

/** Requests a withdrawal of `amount` USDC for `account` and executes it after the delay (prices pushed before each). */
export async function withdraw(f: KeelFixture, account: HardhatEthersSigner, amount: bigint): Promise<void> {
  await defaultPrices(f);
  await f.vault.connect(account).requestWithdrawal(amount);
  await time.increase(WITHDRAWAL_DELAY);
  await defaultPrices(f);
  await f.vault.connect(account).executeWithdrawal(account.address);
}
