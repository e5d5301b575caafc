/**
 * Gas of moving collateral: a first deposit, a later deposit, and a withdrawal's two steps (`requestWithdrawal`, which
 * checks initial margin through the PositionManager, and `executeWithdrawal` after the delay) by a trader with one
 * open BTC-USD position.
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, usdc } from "../../test/fixtures/keel";
import { fundedAccounts, pairFills } from "../../test/contracts/trading/gasScenarios";
import { defaultPrices, settle } from "../../test/contracts/trading/helpers";
import { refreshPrices } from "../../test/contracts/trading/behaviourHelpers";
import type { BenchFigure, SuiteOptions } from "../figures";
import { gasFigure, gasOf } from "./figure";

const TARGET = { op: "<=", bound: 70_000 } as const;
const FIRST_DEPOSIT_NOTE =
  "dominated by the 21k transaction base and the account's vault balance written from zero (22.1k), then the token's" +
  " transferFrom (≈15k: balance, allowance, the vault's token balance) and the credit total; approve not counted";
const LATER_DEPOSIT_NOTE =
  "as the first deposit, but the vault balance slot is already non-zero (2.9k instead of 22.1k)";
const REQUEST_NOTE =
  "trader with one open position: ≈55k is the margin check through PositionManager.requireInitialMargin (registry and" +
  " oracle calls per open market; 92.7k for a flat account), the rest the 21k base and the pending slot from zero";
const EXECUTE_NOTE =
  "trader with one open position: ≈55k is the second margin check (a flat account paying USDC into an empty wallet:" +
  " 72.5k), the rest the 21k base, the token transfer and deleting the pending slot";

/** Deposit and withdrawal gas figures. */
export async function vaultFigures(options: SuiteOptions): Promise<BenchFigure[]> {
  options.log("gas: deposit and withdrawal");
  const f = await deployKeel();
  const [trader, counterparty] = await fundedAccounts(f, 2);
  await f.usdc.mint(trader.address, usdc(2_000));
  await f.usdc.connect(trader).approve(await f.vault.getAddress(), usdc(2_000));
  const laterDeposit = await gasOf(f.vault.connect(trader).deposit(usdc(1_000)));

  const newcomer = f.outsider;
  await f.usdc.mint(newcomer.address, usdc(2_000));
  await f.usdc.connect(newcomer).approve(await f.vault.getAddress(), usdc(2_000));
  const firstDeposit = await gasOf(f.vault.connect(newcomer).deposit(usdc(1_000)));

  await defaultPrices(f);
  await settle(f, await pairFills(f, [counterparty], [trader], 1n));
  await refreshPrices(f);
  const request = await gasOf(f.vault.connect(trader).requestWithdrawal(usdc(500)));
  const delaySec = Number(await f.vault.withdrawalDelay());
  await time.increase(delaySec);
  await refreshPrices(f);
  const execute = await gasOf(f.vault.connect(trader).executeWithdrawal(trader.address));
  return [
    gasFigure("deposit.first", "deposit, first (empty vault balance)", firstDeposit, FIRST_DEPOSIT_NOTE, {
      target: TARGET,
    }),
    gasFigure("deposit.later", "deposit, account already funded", laterDeposit, LATER_DEPOSIT_NOTE, { target: TARGET }),
    gasFigure("withdrawal.request", "requestWithdrawal", request, REQUEST_NOTE, { target: TARGET }),
    gasFigure("withdrawal.execute", "executeWithdrawal (after the delay)", execute, EXECUTE_NOTE, { target: TARGET }),
  ];
}
