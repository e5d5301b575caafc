/**
 * Settlement of the SENATE22-R event market (BOUNDED) at its final price (DESIGN §9, IMarketResolution): anyone
 * closes each position at the final price; a loser pays its loss from its balance at once, a winner's gain becomes a
 * claim; the last position to close settles the market (MarketSettled) and only then are claims paid. Once Resolved,
 * the margin views price the market at its final price without the oracle (no OracleStale though no price is pushed).
 *
 * Setup (fees set to 0 so that every balance move is PnL): 10,000 USDC each; at mark 0.40
 *   alice buys 1,000 from bob at 0.40 (basis 400), carol buys 500 from bob at 0.45 (basis 225);
 *   bob is short 1,500 with basis −(400 + 225) = −625. Then the resolver moves the market to Resolving.
 * Final price 0 (the real 2022 outcome): alice −400, carol −225, bob +625 (claims 625).
 * Final price 1: alice +(1,000 − 400) = +600, carol +(500 − 225) = +275, bob −(1,500 − 625) = −875 (claims 875).
 */
import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { MarketStatus } from "../../../deploy/params";
import { SENATE22_R, deployKeel, usdc, useSolvencyInvariant, wad, type KeelFixture } from "../../fixtures/keel";
import { WAD, defaultPrices, fundAll, trade } from "../trading/helpers";
import { balanceOf, clearingBalance, setFees } from "../trading/behaviourHelpers";
import { MAX_STALENESS, beginResolving, resolveAt } from "./helpers";

const DEPOSIT = wad("10000");

async function resolvingEvent(): Promise<KeelFixture> {
  const f = await deployKeel();
  await fundAll(f, [f.alice, f.bob, f.carol], usdc(10_000));
  await setFees(f, SENATE22_R, 0n, 0n, 0n);
  await defaultPrices(f);
  await trade(f, f.bob, f.alice, "buy", wad("1000"), wad("0.4"), SENATE22_R);
  await trade(f, f.bob, f.carol, "buy", wad("500"), wad("0.45"), SENATE22_R);
  await beginResolving(f, SENATE22_R);
  return f;
}

describe("PositionManager.settlePosition in a BOUNDED market", function () {
  useSolvencyInvariant();

  it("at final price 0: longs pay, the short gets a claim, Settled at the last close, the claim pays", async function () {
    const f = await resolvingEvent();
    const clearingBefore = await clearingBalance(f);
    await resolveAt(f, SENATE22_R, 0n);
    expect(await f.registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Resolved);

    // Losers pay at once (anyone calls): alice 1,000 · 0 − 400 = −400, all collected.
    await expect(f.pm.connect(f.outsider).settlePosition(f.alice.address, SENATE22_R))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(f.alice.address, SENATE22_R, wad("1000"), -wad("400"), wad("400"));
    expect(await balanceOf(f, f.alice)).to.equal(DEPOSIT - wad("400"));
    expect((await f.pm.position(f.alice.address, SENATE22_R)).sizeWad).to.equal(0n);
    expect(await f.pm.openMarkets(f.alice.address)).to.deep.equal([]);
    // Not the last position: still Resolved, and nothing can be claimed yet.
    expect(await f.registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Resolved);

    // The winner's gain is a claim, not a balance move: bob −1,500 · 0 + 625 = +625.
    await expect(f.pm.connect(f.outsider).settlePosition(f.bob.address, SENATE22_R))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(f.bob.address, SENATE22_R, -wad("1500"), wad("625"), 0n);
    expect(await balanceOf(f, f.bob)).to.equal(DEPOSIT);
    expect(await f.pm.settlementClaim(f.bob.address, SENATE22_R)).to.equal(wad("625"));
    await expect(f.pm.claimSettlement(f.bob.address, SENATE22_R))
      .to.be.revertedWithCustomError(f.pm, "ResolutionWrongStatus")
      .withArgs(SENATE22_R, MarketStatus.Resolved, MarketStatus.Settled);

    // carol closes last (500 · 0 − 225 = −225): OI 0, the market is Settled with no shortfall.
    await expect(f.pm.connect(f.outsider).settlePosition(f.carol.address, SENATE22_R))
      .to.emit(f.pm, "MarketSettled")
      .withArgs(SENATE22_R, wad("625"), 0n, 0n, 0n)
      .and.to.emit(f.registry, "MarketStatusChanged")
      .withArgs(SENATE22_R, MarketStatus.Resolved, MarketStatus.Settled);
    expect(await f.registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Settled);
    expect((await f.pm.marketState(SENATE22_R)).openInterestWad).to.equal(0n);
    const r = await f.pm.resolution(SENATE22_R);
    expect([r.finalized, r.finalPriceWad, r.settled]).to.deep.equal([true, 0n, true]);
    expect([r.totalClaimsWad, r.uncollectedWad, r.haircutWad]).to.deep.equal([wad("625"), 0n, 0n]);

    // The claim pays in full (no haircut), once.
    await expect(f.pm.connect(f.outsider).claimSettlement(f.bob.address, SENATE22_R))
      .to.emit(f.pm, "SettlementClaimed")
      .withArgs(f.bob.address, SENATE22_R, wad("625"), wad("625"));
    expect(await balanceOf(f, f.bob)).to.equal(DEPOSIT + wad("625"));
    expect(await balanceOf(f, f.carol)).to.equal(DEPOSIT - wad("225"));
    expect(await f.pm.settlementClaim(f.bob.address, SENATE22_R)).to.equal(0n);
    // Zero-sum: the clearing account took 400 + 225 and paid 625.
    expect(await clearingBalance(f)).to.equal(clearingBefore);
  });

  it("at final price 1: the short pays 875, the longs get claims of 600 and 275", async function () {
    const f = await resolvingEvent();
    await resolveAt(f, SENATE22_R, WAD);
    // The loser first this time: bob −1,500 · 1 + 625 = −875, collected in full from 10,000.
    await expect(f.pm.settlePosition(f.bob.address, SENATE22_R))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(f.bob.address, SENATE22_R, -wad("1500"), -wad("875"), wad("875"));
    await expect(f.pm.settlePosition(f.alice.address, SENATE22_R))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(f.alice.address, SENATE22_R, wad("1000"), wad("600"), 0n);
    await expect(f.pm.settlePosition(f.carol.address, SENATE22_R))
      .to.emit(f.pm, "MarketSettled")
      .withArgs(SENATE22_R, wad("875"), 0n, 0n, 0n);
    await expect(f.pm.claimSettlement(f.carol.address, SENATE22_R))
      .to.emit(f.pm, "SettlementClaimed")
      .withArgs(f.carol.address, SENATE22_R, wad("275"), wad("275"));
    await expect(f.pm.claimSettlement(f.alice.address, SENATE22_R))
      .to.emit(f.pm, "SettlementClaimed")
      .withArgs(f.alice.address, SENATE22_R, wad("600"), wad("600"));
    expect(await balanceOf(f, f.alice)).to.equal(DEPOSIT + wad("600"));
    expect(await balanceOf(f, f.carol)).to.equal(DEPOSIT + wad("275"));
    expect(await balanceOf(f, f.bob)).to.equal(DEPOSIT - wad("875"));
  });

  it("is not Settled when the longs close first: the open short still pays (open interest counts longs only)", async function () {
    const f = await resolvingEvent();
    const clearingBefore = await clearingBalance(f);
    await resolveAt(f, SENATE22_R, WAD);
    // Both longs (the winners at 1) close first: long OI is 0, but bob's short 1,500 is still open.
    await f.pm.settlePosition(f.alice.address, SENATE22_R);
    await f.pm.settlePosition(f.carol.address, SENATE22_R);
    expect((await f.pm.marketState(SENATE22_R)).openInterestWad).to.equal(0n);
    expect(await f.registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Resolved);
    await expect(f.pm.claimSettlement(f.alice.address, SENATE22_R))
      .to.be.revertedWithCustomError(f.pm, "ResolutionWrongStatus")
      .withArgs(SENATE22_R, MarketStatus.Resolved, MarketStatus.Settled);
    // bob's loss of 875 is collected, and only then is the market Settled (claims 600 + 275 = 875).
    await expect(f.pm.settlePosition(f.bob.address, SENATE22_R))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(f.bob.address, SENATE22_R, -wad("1500"), -wad("875"), wad("875"))
      .and.to.emit(f.pm, "MarketSettled")
      .withArgs(SENATE22_R, wad("875"), 0n, 0n, 0n);
    for (const a of [f.alice, f.carol]) await f.pm.claimSettlement(a.address, SENATE22_R);
    expect(await clearingBalance(f)).to.equal(clearingBefore);
  });

  it("a loser's pending withdrawal is released to pay its loss", async function () {
    const f = await resolvingEvent();
    await defaultPrices(f);
    // bob (short 1,500 at mark 0.4: equity 10,000 + (−600 + 625) = 10,025, IM 600 · 10.015% = 60.09) asks for
    // 9,500 back: balance 500, pending 9,500.
    await f.vault.connect(f.bob).requestWithdrawal(usdc(9_500));
    expect(await balanceOf(f, f.bob)).to.equal(wad("500"));
    await resolveAt(f, SENATE22_R, WAD);
    // Loss 875 > balance 500: the 9,500 comes back first (10,000), then 875 is paid: 9,125, nothing uncollected.
    await expect(f.pm.settlePosition(f.bob.address, SENATE22_R))
      .to.emit(f.vault, "WithdrawalCancelled")
      .withArgs(f.bob.address, usdc(9_500), wad("9500"), await f.pm.getAddress())
      .and.to.emit(f.pm, "PositionSettled")
      .withArgs(f.bob.address, SENATE22_R, -wad("1500"), -wad("875"), wad("875"));
    expect(await balanceOf(f, f.bob)).to.equal(DEPOSIT - wad("875"));
    expect((await f.vault.pendingWithdrawal(f.bob.address)).amount).to.equal(0n);
    expect((await f.pm.resolution(SENATE22_R)).uncollectedWad).to.equal(0n);
  });

  it("after Resolved the margin views use the final price: no OracleStale though no price is pushed", async function () {
    const f = await resolvingEvent();
    const pushedAt = (await f.oracle.snapshot(SENATE22_R)).timestamp;
    await time.increase(MAX_STALENESS[SENATE22_R] + 1);
    // Resolving: still priced by the oracle, now stale.
    await expect(f.pm.accountMargin(f.alice.address))
      .to.be.revertedWithCustomError(f.oracle, "OracleStale")
      .withArgs(SENATE22_R, pushedAt, MAX_STALENESS[SENATE22_R], anyValue);

    await resolveAt(f, SENATE22_R, WAD);
    // alice long 1,000 at final 1: unrealized 1,000 − 400 = 600; OI 1,500 so imf = 10% + 10% · 1,500 / 1,000,000
    // = 10.015%: IM 1,000 · 10.015% = 100.15 (below the worst case 1,000), MM 1,000 · 5% = 50.
    const am = await f.pm.accountMargin(f.alice.address);
    expect(am.balanceWad).to.equal(DEPOSIT);
    expect(am.unrealizedPnlWad).to.equal(wad("600"));
    expect(am.equityWad).to.equal(DEPOSIT + wad("600"));
    expect(am.initialMarginWad).to.equal(wad("100.15"));
    expect(am.maintenanceMarginWad).to.equal(wad("50"));
    // bob short 1,500 at final 1: unrealized −1,500 + 625 = −875; the worst case of a short at 1 is 0, so IM = MM = 0.
    const bob = await f.pm.accountMargin(f.bob.address);
    expect(bob.unrealizedPnlWad).to.equal(-wad("875"));
    expect(bob.equityWad).to.equal(DEPOSIT - wad("875"));
    expect(bob.initialMarginWad).to.equal(0n);
    expect(bob.maintenanceMarginWad).to.equal(0n);
    expect((await f.pm.accountHealth(f.bob.address)).liquidatable).to.equal(false);
  });

  describe("reverts", function () {
    it("ResolutionWrongStatus: settling before Resolved", async function () {
      const f = await resolvingEvent();
      await expect(f.pm.settlePosition(f.alice.address, SENATE22_R))
        .to.be.revertedWithCustomError(f.pm, "ResolutionWrongStatus")
        .withArgs(SENATE22_R, MarketStatus.Resolving, MarketStatus.Resolved);
    });

    it("ResolutionNoPosition: an account without a position, or settled twice", async function () {
      const f = await resolvingEvent();
      await resolveAt(f, SENATE22_R, 0n);
      await expect(f.pm.settlePosition(f.outsider.address, SENATE22_R))
        .to.be.revertedWithCustomError(f.pm, "ResolutionNoPosition")
        .withArgs(f.outsider.address, SENATE22_R);
      await f.pm.settlePosition(f.alice.address, SENATE22_R);
      await expect(f.pm.settlePosition(f.alice.address, SENATE22_R))
        .to.be.revertedWithCustomError(f.pm, "ResolutionNoPosition")
        .withArgs(f.alice.address, SENATE22_R);
    });

    it("ResolutionNoClaim: a loser, an outsider, or a claim already paid", async function () {
      const f = await resolvingEvent();
      await resolveAt(f, SENATE22_R, 0n);
      for (const a of [f.alice, f.carol, f.bob]) await f.pm.settlePosition(a.address, SENATE22_R);
      for (const a of [f.alice, f.outsider]) {
        await expect(f.pm.claimSettlement(a.address, SENATE22_R))
          .to.be.revertedWithCustomError(f.pm, "ResolutionNoClaim")
          .withArgs(a.address, SENATE22_R);
      }
      await f.pm.claimSettlement(f.bob.address, SENATE22_R);
      await expect(f.pm.claimSettlement(f.bob.address, SENATE22_R))
        .to.be.revertedWithCustomError(f.pm, "ResolutionNoClaim")
        .withArgs(f.bob.address, SENATE22_R);
    });
  });
});
