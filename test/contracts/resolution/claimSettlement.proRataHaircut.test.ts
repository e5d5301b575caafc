/**
 * A shortfall at settlement (DESIGN §9, §13.11–12, IMarketResolution): a loser that cannot pay leaves its loss
 * uncollected; when the market is Settled the insurance fund covers what it can and the rest is one pro-rata haircut
 * fixed at that moment, so every winner gives up the same fraction of its claim (rounded against the claimant), no
 * matter in which order positions are settled or claims are paid. Accounts without a position never lose anything.
 *
 * Setup on SENATE22-R (fees 0, mark 0.40): the loser L deposits 50 USDC and sells to three winners
 *   W1 buys 500 at 0.400 (basis 200), W2 buys 300 at 0.413 (basis 123.9), W3 buys 200 at 0.427 (basis 85.4);
 *   L is short 1,000 with basis −409.3: IM at 0.40 is 400 · (10% + 10% · 1,000 / 1,000,000) = 40.04 ≤ equity 59.3.
 * carol only deposits; alice and bob open and close 100 at 0.40 before resolution (flat, balances unchanged).
 * Final price 1: L loses 1,000 − 409.3 = 590.7 and pays its 50: uncollected 540.7.
 *   Claims: W1 500 − 200 = 300, W2 300 − 123.9 = 176.1, W3 200 − 85.4 = 114.6; total 590.7.
 */
import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { MarketStatus } from "../../../deploy/params";
import { SENATE22_R, deployKeel, usdc, useSolvencyInvariant, wad, type KeelFixture } from "../../fixtures/keel";
import { WAD, defaultPrices, fundAll, trade } from "../trading/helpers";
import { balanceOf, clearingBalance, setFees } from "../trading/behaviourHelpers";
import { beginResolving, extraAccounts, paidAfterHaircut, resolveAt, seedInsurance } from "./helpers";

const TOTAL_CLAIMS = wad("590.7");
const UNCOLLECTED = wad("540.7");
const CLAIMS = [wad("300"), wad("176.1"), wad("114.6")];

interface Shortfall {
  f: KeelFixture;
  loser: HardhatEthersSigner;
  winners: HardhatEthersSigner[];
  bystanders: HardhatEthersSigner[];
  bystanderBalances: bigint[];
  clearingBefore: bigint;
  fundBefore: bigint;
}

/** The setup above, Resolved at 1, with `insuranceUsdc` in the fund. */
async function shortfall(insuranceUsdc: number): Promise<Shortfall> {
  const f = await deployKeel();
  const [loser, ...winners] = await extraAccounts(f, 4);
  await fundAll(f, [loser], usdc(50));
  await fundAll(f, [...winners, f.alice, f.bob, f.carol], usdc(1_000));
  await setFees(f, SENATE22_R, 0n, 0n, 0n);
  await defaultPrices(f);
  await trade(f, loser, winners[0], "buy", wad("500"), wad("0.4"), SENATE22_R);
  await trade(f, loser, winners[1], "buy", wad("300"), wad("0.413"), SENATE22_R);
  await trade(f, loser, winners[2], "buy", wad("200"), wad("0.427"), SENATE22_R);
  await trade(f, f.bob, f.alice, "buy", wad("100"), wad("0.4"), SENATE22_R);
  await trade(f, f.bob, f.alice, "sell", wad("100"), wad("0.4"), SENATE22_R);
  if (insuranceUsdc !== 0) await seedInsurance(f, insuranceUsdc);
  await beginResolving(f, SENATE22_R);
  await resolveAt(f, SENATE22_R, WAD);
  const bystanders = [f.alice, f.bob, f.carol];
  return {
    f,
    loser,
    winners,
    bystanders,
    bystanderBalances: await Promise.all(bystanders.map((b) => balanceOf(f, b))),
    clearingBefore: await clearingBalance(f),
    fundBefore: await balanceOf(f, await f.fund.getAddress()),
  };
}

/** Settles every position in `order` (indexes into [loser, W1, W2, W3]), then pays the claims in `claimOrder`. */
async function settleAndClaim(s: Shortfall, order: number[], claimOrder: number[]): Promise<bigint[]> {
  const all = [s.loser, ...s.winners];
  for (const i of order) await s.f.pm.settlePosition(all[i].address, SENATE22_R);
  expect(await s.f.registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Settled);
  const paid: bigint[] = [0n, 0n, 0n];
  for (const i of claimOrder) {
    const before = await balanceOf(s.f, s.winners[i]);
    await s.f.pm.claimSettlement(s.winners[i].address, SENATE22_R);
    paid[i] = (await balanceOf(s.f, s.winners[i])) - before;
  }
  return paid;
}

/** Every winner is paid `claim · (T − h) / T` rounded down: the same fraction, within 1 wei, never in its favour. */
function expectSameFraction(paid: bigint[], haircutWad: bigint): void {
  const kept = TOTAL_CLAIMS - haircutWad;
  CLAIMS.forEach((claim, i) => {
    expect(paid[i] * TOTAL_CLAIMS, `W${i + 1} never paid above its share`).to.be.lte(claim * kept);
    expect(claim * kept - paid[i] * TOTAL_CLAIMS, `W${i + 1} within 1 wei of its share`).to.be.lt(TOTAL_CLAIMS);
    expect(paid[i]).to.equal(paidAfterHaircut(claim, haircutWad, TOTAL_CLAIMS));
  });
  // Pairwise: paid_i / claim_i and paid_j / claim_j differ by less than 1 wei of either claim.
  for (let i = 0; i < 3; i++) {
    for (let j = i + 1; j < 3; j++) {
      const gap = paid[i] * CLAIMS[j] - paid[j] * CLAIMS[i];
      const bound = CLAIMS[i] > CLAIMS[j] ? CLAIMS[i] : CLAIMS[j];
      expect(gap < 0n ? -gap : gap, `W${i + 1} and W${j + 1} take the same cut`).to.be.lt(bound);
    }
  }
}

async function expectBystandersUntouched(s: Shortfall): Promise<void> {
  for (const [i, b] of s.bystanders.entries()) {
    expect(await balanceOf(s.f, b), "an account without a position loses nothing").to.equal(s.bystanderBalances[i]);
    await expect(s.f.pm.settlePosition(b.address, SENATE22_R))
      .to.be.revertedWithCustomError(s.f.pm, "ResolutionWrongStatus")
      .withArgs(SENATE22_R, MarketStatus.Settled, MarketStatus.Resolved);
    await expect(s.f.pm.claimSettlement(b.address, SENATE22_R))
      .to.be.revertedWithCustomError(s.f.pm, "ResolutionNoClaim")
      .withArgs(b.address, SENATE22_R);
  }
}

describe("PositionManager.claimSettlement after a shortfall", function () {
  useSolvencyInvariant();

  it("records what the loser could not pay and leaves its balance at 0", async function () {
    const s = await shortfall(0);
    // 1,000 · 1 − 409.3 = 590.7 lost, 50 collected.
    await expect(s.f.pm.settlePosition(s.loser.address, SENATE22_R))
      .to.emit(s.f.pm, "PositionSettled")
      .withArgs(s.loser.address, SENATE22_R, -wad("1000"), -TOTAL_CLAIMS, wad("50"));
    expect(await balanceOf(s.f, s.loser)).to.equal(0n);
    expect((await s.f.pm.resolution(SENATE22_R)).uncollectedWad).to.equal(UNCOLLECTED);
    // The claims are recorded as the winners settle: 300, 176.1, 114.6.
    for (const [i, w] of s.winners.entries()) {
      await s.f.pm.settlePosition(w.address, SENATE22_R);
      expect(await s.f.pm.settlementClaim(w.address, SENATE22_R)).to.equal(CLAIMS[i]);
    }
    expect((await s.f.pm.resolution(SENATE22_R)).totalClaimsWad).to.equal(TOTAL_CLAIMS);
  });

  it("a fund that holds enough covers it all: no haircut", async function () {
    const s = await shortfall(1_000);
    expect(s.fundBefore).to.equal(wad("1000"));
    const all = [s.loser, ...s.winners];
    for (const a of all.slice(0, 3)) await s.f.pm.settlePosition(a.address, SENATE22_R);
    // The last close: the fund covers all 540.7 of 1,000.
    await expect(s.f.pm.settlePosition(all[3].address, SENATE22_R))
      .to.emit(s.f.pm, "MarketSettled")
      .withArgs(SENATE22_R, TOTAL_CLAIMS, UNCOLLECTED, UNCOLLECTED, 0n)
      .and.to.emit(s.f.fund, "BadDebtCovered")
      .withArgs(SENATE22_R, UNCOLLECTED, UNCOLLECTED);
    expect(await balanceOf(s.f, await s.f.fund.getAddress())).to.equal(wad("1000") - UNCOLLECTED);
    const paid = await settleAndClaim(s, [], [0, 1, 2]);
    expect(paid).to.deep.equal(CLAIMS);
    // 50 collected + 540.7 covered = 590.7 paid out: the clearing account is back where it was.
    expect(await clearingBalance(s.f)).to.equal(s.clearingBefore);
    await expectBystandersUntouched(s);
  });

  it("a fund short of the loss covers what it holds and the rest is the haircut", async function () {
    const s = await shortfall(200);
    const all = [s.loser, ...s.winners];
    for (const a of all.slice(0, 3)) await s.f.pm.settlePosition(a.address, SENATE22_R);
    // Fund 200 of 540.7: haircut 340.7 of 590.7 (each winner keeps 250 / 590.7 ≈ 42.32%).
    const haircut = UNCOLLECTED - wad("200");
    await expect(s.f.pm.settlePosition(all[3].address, SENATE22_R))
      .to.emit(s.f.pm, "MarketSettled")
      .withArgs(SENATE22_R, TOTAL_CLAIMS, UNCOLLECTED, wad("200"), haircut);
    expect(await balanceOf(s.f, await s.f.fund.getAddress())).to.equal(0n);
    const paid = await settleAndClaim(s, [], [0, 1, 2]);
    // W1 ≈ 126.97, W2 ≈ 74.53, W3 ≈ 48.50.
    expectSameFraction(paid, haircut);
    // Σ paid ≤ 50 + 200 (at most 3 wei of dust stays with the protocol).
    const sum = paid[0] + paid[1] + paid[2];
    expect(sum).to.be.lte(wad("250"));
    expect(wad("250") - sum).to.be.lte(3n);
    await expectBystandersUntouched(s);
  });

  it("an empty fund: the whole shortfall is one pro-rata haircut, the same whatever the order", async function () {
    // Run 1: the loser settles first, claims W1, W2, W3.
    const s1 = await shortfall(0);
    expect(s1.fundBefore).to.equal(0n);
    const paid1 = await settleAndClaim(s1, [0, 1, 2, 3], [0, 1, 2]);
    const r = await s1.f.pm.resolution(SENATE22_R);
    // Nothing covered: haircut 540.7 of 590.7, each winner keeps 50 / 590.7 ≈ 8.46%.
    expect([r.totalClaimsWad, r.uncollectedWad, r.haircutWad]).to.deep.equal([TOTAL_CLAIMS, UNCOLLECTED, UNCOLLECTED]);
    // W1 ≈ 25.394, W2 ≈ 14.906, W3 ≈ 9.700.
    expectSameFraction(paid1, UNCOLLECTED);
    const sum = paid1[0] + paid1[1] + paid1[2];
    expect(sum).to.be.lte(wad("50"));
    expect(wad("50") - sum).to.be.lte(3n);
    expect(await clearingBalance(s1.f)).to.equal(s1.clearingBefore + wad("50") - sum);
    await expectBystandersUntouched(s1);

    // Run 2: winners settle before and after the loser, claims in another order: every payout is the same.
    const s2 = await shortfall(0);
    const paid2 = await settleAndClaim(s2, [3, 1, 0, 2], [2, 0, 1]);
    expect(paid2).to.deep.equal(paid1);
    await expectBystandersUntouched(s2);
  });
});
