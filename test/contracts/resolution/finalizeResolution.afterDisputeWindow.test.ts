/**
 * The final price (DESIGN §9, IMarketResolution): the resolver proposes it for a Resolving market, the admin may
 * dispute it within the dispute window (3 days on BTC-USD, 1 hour on SENATE22-R), a new proposal replaces a pending
 * one and restarts the window, and anyone finalizes an undisputed proposal once the window has passed: the market is
 * Resolved (Settled at once if no position is open). Every wrong status, bound, timing and role reverts.
 *
 * Setup: BTC-USD with alice long 0.1 / bob short 0.1 at 60,000 (so finalization leaves it Resolved, OI 0.1).
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { MarketStatus } from "../../../deploy/params";
import { BTC_USD, SENATE22_R, deployKeel, useSolvencyInvariant, wad, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, WAD, trade } from "../trading/helpers";
import { fundedWithPrices, listDraftMarket } from "../trading/revertHelpers";
import { DISPUTE_WINDOW, beginResolving, propose } from "./helpers";

const BTC_MAX_PRICE = wad("10000000");

async function resolvingBtc(): Promise<KeelFixture> {
  const f = await deployKeel();
  await fundedWithPrices(f);
  await trade(f, f.bob, f.alice, "buy", wad("0.1"), BTC_PRICE);
  await beginResolving(f, BTC_USD);
  return f;
}

describe("PositionManager final price: propose, dispute, finalize", function () {
  useSolvencyInvariant();

  it("propose → dispute → propose again → finalize after the window: Resolved at the second price", async function () {
    const f = await resolvingBtc();
    const window = BigInt(DISPUTE_WINDOW[BTC_USD]);

    const t1 = BigInt(await time.latest()) + 10n;
    await time.setNextBlockTimestamp(t1);
    await expect(f.pm.connect(f.deployer).proposeFinalPrice(BTC_USD, wad("61000")))
      .to.emit(f.pm, "FinalPriceProposed")
      .withArgs(BTC_USD, wad("61000"), t1 + window);
    let r = await f.pm.resolution(BTC_USD);
    expect(r.proposedPriceWad).to.equal(wad("61000"));
    expect(r.finalAt).to.equal(t1 + window);
    expect(r.finalized).to.equal(false);

    // The admin disputes one second before the window closes (t1 + 3 days − 1).
    await time.setNextBlockTimestamp(t1 + window - 1n);
    await expect(f.pm.connect(f.deployer).disputeFinalPrice(BTC_USD))
      .to.emit(f.pm, "FinalPriceDisputed")
      .withArgs(BTC_USD, wad("61000"));
    r = await f.pm.resolution(BTC_USD);
    expect(r.proposedPriceWad).to.equal(0n);
    expect(r.finalAt).to.equal(0n);
    await expect(f.pm.finalizeResolution(BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "ResolutionNoProposal")
      .withArgs(BTC_USD);

    const finalAt = await propose(f, BTC_USD, wad("62000"));
    expect(finalAt).to.equal(BigInt(await time.latest()) + window);
    // One second early: the window is open (finalize needs block.timestamp ≥ finalAt).
    await time.setNextBlockTimestamp(finalAt - 1n);
    await expect(f.pm.connect(f.outsider).finalizeResolution(BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "ResolutionDisputeWindowOpen")
      .withArgs(BTC_USD, finalAt);
    // At finalAt the window is closed: too late to dispute, and anyone may finalize.
    await time.setNextBlockTimestamp(finalAt);
    await expect(f.pm.connect(f.deployer).disputeFinalPrice(BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "ResolutionDisputeWindowClosed")
      .withArgs(BTC_USD, finalAt);
    // (The reverted dispute was mined at finalAt: finalization lands at finalAt + 1.)
    await expect(f.pm.connect(f.outsider).finalizeResolution(BTC_USD))
      .to.emit(f.pm, "MarketResolved")
      .withArgs(BTC_USD, wad("62000"), false)
      .and.to.emit(f.registry, "MarketStatusChanged")
      .withArgs(BTC_USD, MarketStatus.Resolving, MarketStatus.Resolved);

    expect(await f.registry.marketStatus(BTC_USD)).to.equal(MarketStatus.Resolved);
    r = await f.pm.resolution(BTC_USD);
    expect(r.finalized).to.equal(true);
    expect(r.finalPriceWad).to.equal(wad("62000"));
    expect(r.proposedPriceWad).to.equal(0n);
    expect(r.finalAt).to.equal(0n);
    // OI 0.1 is still open: not Settled.
    expect(r.settled).to.equal(false);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.1"));

    // Nothing more to propose, dispute or finalize.
    await expect(f.pm.connect(f.deployer).proposeFinalPrice(BTC_USD, wad("63000")))
      .to.be.revertedWithCustomError(f.pm, "ResolutionWrongStatus")
      .withArgs(BTC_USD, MarketStatus.Resolved, MarketStatus.Resolving);
    await expect(f.pm.finalizeResolution(BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "ResolutionWrongStatus")
      .withArgs(BTC_USD, MarketStatus.Resolved, MarketStatus.Resolving);
    await expect(f.pm.connect(f.deployer).disputeFinalPrice(BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "ResolutionNoProposal")
      .withArgs(BTC_USD);
  });

  it("a new proposal replaces the pending one and restarts the window", async function () {
    const f = await resolvingBtc();
    const window = BigInt(DISPUTE_WINDOW[BTC_USD]);
    const first = await propose(f, BTC_USD, wad("61000"));
    await time.setNextBlockTimestamp(first - window + 100n);
    const second = await propose(f, BTC_USD, wad("61500"));
    // Proposed 100 s later: final 100 s later.
    expect(second).to.equal(first + 100n);
    expect((await f.pm.resolution(BTC_USD)).proposedPriceWad).to.equal(wad("61500"));
    await time.setNextBlockTimestamp(first);
    await expect(f.pm.finalizeResolution(BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "ResolutionDisputeWindowOpen")
      .withArgs(BTC_USD, second);
    await time.setNextBlockTimestamp(second);
    await expect(f.pm.finalizeResolution(BTC_USD))
      .to.emit(f.pm, "MarketResolved")
      .withArgs(BTC_USD, wad("61500"), false);
  });

  it("finalizing a market without open positions settles it at once", async function () {
    const f = await deployKeel();
    // SENATE22-R: nobody traded it, OI 0. Window 1 hour.
    await beginResolving(f, SENATE22_R);
    const finalAt = await propose(f, SENATE22_R, 0n);
    expect(finalAt).to.equal(BigInt(await time.latest()) + BigInt(DISPUTE_WINDOW[SENATE22_R]));
    await time.setNextBlockTimestamp(finalAt);
    await expect(f.pm.finalizeResolution(SENATE22_R))
      .to.emit(f.pm, "MarketResolved")
      .withArgs(SENATE22_R, 0n, false)
      .and.to.emit(f.pm, "MarketSettled")
      .withArgs(SENATE22_R, 0n, 0n, 0n, 0n);
    expect(await f.registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Settled);
    const r = await f.pm.resolution(SENATE22_R);
    expect(r.finalized).to.equal(true);
    expect(r.settled).to.equal(true);
  });

  describe("reverts", function () {
    it("ResolutionWrongStatus: proposing or finalizing outside Resolving", async function () {
      const f = await deployKeel();
      await expect(f.pm.connect(f.deployer).proposeFinalPrice(BTC_USD, BTC_PRICE))
        .to.be.revertedWithCustomError(f.pm, "ResolutionWrongStatus")
        .withArgs(BTC_USD, MarketStatus.Active, MarketStatus.Resolving);
      await expect(f.pm.finalizeResolution(BTC_USD))
        .to.be.revertedWithCustomError(f.pm, "ResolutionWrongStatus")
        .withArgs(BTC_USD, MarketStatus.Active, MarketStatus.Resolving);
      const draft = await listDraftMarket(f, "ETH-USD");
      await expect(f.pm.connect(f.deployer).proposeFinalPrice(draft, BTC_PRICE))
        .to.be.revertedWithCustomError(f.pm, "ResolutionWrongStatus")
        .withArgs(draft, MarketStatus.Draft, MarketStatus.Resolving);
    });

    it("ResolutionPriceOutOfBounds: ASSET outside (0, maxPrice], BOUNDED above 1", async function () {
      const f = await deployKeel();
      await beginResolving(f, BTC_USD);
      await beginResolving(f, SENATE22_R);
      const resolver = f.pm.connect(f.deployer);
      // ASSET: 0 and maxPrice + 1 wei refused (maxPrice 10,000,000); maxPrice itself and 1 wei accepted.
      await expect(resolver.proposeFinalPrice(BTC_USD, 0n))
        .to.be.revertedWithCustomError(f.pm, "ResolutionPriceOutOfBounds")
        .withArgs(BTC_USD, 0n, BTC_MAX_PRICE);
      await expect(resolver.proposeFinalPrice(BTC_USD, BTC_MAX_PRICE + 1n))
        .to.be.revertedWithCustomError(f.pm, "ResolutionPriceOutOfBounds")
        .withArgs(BTC_USD, BTC_MAX_PRICE + 1n, BTC_MAX_PRICE);
      await expect(resolver.proposeFinalPrice(BTC_USD, BTC_MAX_PRICE)).to.emit(f.pm, "FinalPriceProposed");
      await expect(resolver.proposeFinalPrice(BTC_USD, 1n)).to.emit(f.pm, "FinalPriceProposed");
      // BOUNDED: [0, 1e18] — the outcome 0 and 1 are both valid, 1e18 + 1 is not.
      await expect(resolver.proposeFinalPrice(SENATE22_R, WAD + 1n))
        .to.be.revertedWithCustomError(f.pm, "ResolutionPriceOutOfBounds")
        .withArgs(SENATE22_R, WAD + 1n, WAD);
      await expect(resolver.proposeFinalPrice(SENATE22_R, WAD)).to.emit(f.pm, "FinalPriceProposed");
      await expect(resolver.proposeFinalPrice(SENATE22_R, 0n)).to.emit(f.pm, "FinalPriceProposed");
    });

    it("ResolutionNoProposal: disputing or finalizing with nothing pending", async function () {
      const f = await resolvingBtc();
      await expect(f.pm.connect(f.deployer).disputeFinalPrice(BTC_USD))
        .to.be.revertedWithCustomError(f.pm, "ResolutionNoProposal")
        .withArgs(BTC_USD);
      await expect(f.pm.finalizeResolution(BTC_USD))
        .to.be.revertedWithCustomError(f.pm, "ResolutionNoProposal")
        .withArgs(BTC_USD);
    });

    it("AccessControlUnauthorizedAccount: propose without RESOLVER_ROLE, dispute without DEFAULT_ADMIN_ROLE", async function () {
      const f = await resolvingBtc();
      const resolverRole = await f.pm.RESOLVER_ROLE();
      await expect(f.pm.connect(f.outsider).proposeFinalPrice(BTC_USD, BTC_PRICE))
        .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
        .withArgs(f.outsider.address, resolverRole);
      // A resolver may not dispute (its own or anyone's) proposal: that is the admin's check on it.
      await f.pm.connect(f.deployer).grantRole(resolverRole, f.alice.address);
      await f.pm.connect(f.alice).proposeFinalPrice(BTC_USD, BTC_PRICE);
      for (const caller of [f.alice, f.outsider]) {
        await expect(f.pm.connect(caller).disputeFinalPrice(BTC_USD))
          .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ethers.ZeroHash);
      }
      expect((await f.pm.resolution(BTC_USD)).proposedPriceWad).to.equal(BTC_PRICE);
    });
  });
});
