/**
 * A small demo run on the real contracts for the invariant checks (keepers/demo/invariants.ts), with default fees:
 *
 * - BTC-USD at 60,000: alice (1,000 USDC) buys 0.3 from bob; carol buys 0.1 from dave. Funding of 1 USD per BTC.
 * - SENATE22-R at 0.40: carol buys 1,000 and bob 500, both from dave (short 1,500). Funding of 0.001 per unit.
 * - BTC walks to 56,000: alice is bankrupt (≈ −208 USD) and the insurance fund (a share of the fees, ≈ 3 USD) cannot
 *   cover her, so she is auto-deleveraged against bob at her bankruptcy price.
 * - SENATE22-R goes Resolving and is Resolved at 0 (the 2022 outcome): longs carol and bob lose, dave has a claim.
 * - Bystanders: erin only deposits (5,000); frank deposits 2,000, withdraws 500 and leaves 200 pending.
 *
 * {@link resolvedRun} stops at Resolved; {@link settledRun} settles every position and pays every claim.
 */
import { expect } from "chai";
import { deployments, ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { connectKeel } from "../../../../keepers/core/deployment";
import type { InvariantInput, InvariantResult } from "../../../../keepers/demo/invariants";
import {
  ADL_INVARIANT,
  BOUNDED_MARKET_INVARIANT,
  BYSTANDERS_INVARIANT,
  OPEN_INTEREST_INVARIANT,
  VAULT_CLAIMS_INVARIANT,
} from "../../../../keepers/demo/invariants";
import {
  BTC_USD,
  SENATE22_R,
  deployKeel,
  fund,
  keelAddresses,
  usdc,
  wad,
  type KeelFixture,
} from "../../../fixtures/keel";
import { defaultPrices } from "../../../contracts/trading/helpers";
import { walkPrices } from "../../../contracts/trading/behaviourHelpers";
import { adl, openTrade } from "../../../contracts/waterfall/adl/helpers";
import { beginResolving, resolveAt } from "../../../contracts/resolution/helpers";

/** The five invariant names in the order checkInvariants returns them. */
export const INVARIANT_NAMES = [
  VAULT_CLAIMS_INVARIANT,
  OPEN_INTEREST_INVARIANT,
  BYSTANDERS_INVARIANT,
  ADL_INVARIANT,
  BOUNDED_MARKET_INVARIANT,
];

/** The run: the fixture, its named traders and bystanders, and the checker's input. */
export interface DemoRun {
  f: KeelFixture;
  dave: HardhatEthersSigner;
  erin: HardhatEthersSigner;
  frank: HardhatEthersSigner;
  input: InvariantInput;
}

/** The run up to SENATE22-R Resolved at 0 (positions not yet settled). Snapshotted. */
export const resolvedRun = deployments.createFixture(async (): Promise<DemoRun> => {
  const f = await deployKeel();
  const [dave, erin, frank] = (await ethers.getSigners()).slice(5, 8);
  await fund(f, f.alice, usdc(1_000));
  for (const s of [f.bob, f.carol, dave]) await fund(f, s, usdc(100_000));
  await fund(f, erin, usdc(5_000));
  await fund(f, frank, usdc(2_000));
  await f.vault.connect(frank).requestWithdrawal(usdc(500));

  await defaultPrices(f);
  await openTrade(f, f.alice, f.bob, wad("0.3"), wad("60000"));
  await openTrade(f, f.carol, dave, wad("0.1"), wad("60000"));
  await openTrade(f, f.carol, dave, wad("1000"), wad("0.4"), SENATE22_R);
  await openTrade(f, f.bob, dave, wad("500"), wad("0.4"), SENATE22_R);
  await f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("1"));
  await f.pm.connect(f.deployer).applyFunding(SENATE22_R, wad("0.001"));

  await walkPrices(f, { [BTC_USD]: wad("56000") });
  expect((await f.pm.accountHealth(f.alice.address)).equityWad, "alice is bankrupt").to.be.lt(0n);
  await adl(f, f.alice, BTC_USD, [f.bob]);

  await beginResolving(f, SENATE22_R);
  await resolveAt(f, SENATE22_R, 0n);
  // The resolution's dispute window (1 h) outlasted the withdrawal delay (300 s).
  await f.vault.executeWithdrawal(frank.address);
  await f.vault.connect(frank).requestWithdrawal(usdc(200));

  const netDepositsWad = new Map<string, bigint>([
    [f.alice.address, wad(1_000)],
    [f.bob.address, wad(100_000)],
    [f.carol.address, wad(100_000)],
    [dave.address, wad(100_000)],
    [erin.address, wad(5_000)],
    [frank.address, wad(1_500)],
  ]);
  const input: InvariantInput = {
    contracts: connectKeel(keelAddresses(f), ethers.provider),
    accounts: [...netDepositsWad.keys()],
    netDepositsWad,
    neverTraded: [erin.address, frank.address],
    boundedMarketId: SENATE22_R,
    fromBlock: 0,
  };
  return { f, dave, erin, frank, input };
});

/** The whole run: every SENATE22-R position settled (the market is Settled) and dave's claim paid. Snapshotted. */
export const settledRun = deployments.createFixture(async (): Promise<DemoRun> => {
  const run = await resolvedRun();
  const { f } = run;
  for (const account of [f.carol.address, f.bob.address, run.dave.address]) {
    await f.pm.connect(f.outsider).settlePosition(account, SENATE22_R);
  }
  await f.pm.connect(f.outsider).claimSettlement(run.dave.address, SENATE22_R);
  return run;
});

/** Asserts the five results come in order and that exactly the invariants named in `failing` fail. */
export function expectVerdicts(results: InvariantResult[], failing: string[] = []): void {
  expect(results.map((r) => r.name)).to.deep.equal(INVARIANT_NAMES);
  for (const r of results) {
    expect(r.pass, `${r.name}: ${r.detail}`).to.equal(!failing.includes(r.name));
    expect(r.detail, r.name).to.be.a("string").and.not.equal("");
  }
}

/** The result of the invariant `name`. */
export function resultOf(results: InvariantResult[], name: string): InvariantResult {
  const found = results.find((r) => r.name === name);
  if (!found) throw new Error(`no result named "${name}" among ${results.map((r) => r.name).join(", ")}`);
  return found;
}
