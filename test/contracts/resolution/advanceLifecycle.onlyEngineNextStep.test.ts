/**
 * MarketRegistry.advanceLifecycle (DESIGN §9): the lifecycle engine (the PositionManager, LIFECYCLE_ENGINE_ROLE)
 * moves a market one resolution step at a time — Active → Resolving → Resolved → Settled — from the status it is
 * actually in. Nobody else may call it (not even the admin), and no other move is accepted.
 */
import { expect } from "chai";
import { MarketStatus } from "../../../deploy/params";
import { BTC_USD, deployKeel, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { listDraftMarket } from "../trading/revertHelpers";

/** A fixture where alice holds LIFECYCLE_ENGINE_ROLE too (to reach the transition checks behind the role). */
async function withTestEngine(): Promise<KeelFixture> {
  const f = await deployKeel();
  await f.registry.connect(f.deployer).grantRole(await f.registry.LIFECYCLE_ENGINE_ROLE(), f.alice.address);
  return f;
}

describe("MarketRegistry.advanceLifecycle", function () {
  useSolvencyInvariant();

  it("is held by the PositionManager, not by the deployer (admin) after deploy", async function () {
    const f = await deployKeel();
    const role = await f.registry.LIFECYCLE_ENGINE_ROLE();
    expect(await f.registry.hasRole(role, await f.pm.getAddress())).to.equal(true);
    expect(await f.registry.hasRole(role, f.deployer.address)).to.equal(false);
  });

  it("reverts AccessControlUnauthorizedAccount for the admin and for an outsider", async function () {
    const f = await deployKeel();
    const role = await f.registry.LIFECYCLE_ENGINE_ROLE();
    for (const caller of [f.deployer, f.outsider]) {
      await expect(f.registry.connect(caller).advanceLifecycle(BTC_USD, MarketStatus.Active, MarketStatus.Resolving))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(caller.address, role);
    }
    expect(await f.registry.marketStatus(BTC_USD)).to.equal(MarketStatus.Active);
  });

  it("walks Active → Resolving → Resolved → Settled one step at a time", async function () {
    const f = await withTestEngine();
    const engine = f.registry.connect(f.alice);
    const steps = [
      [MarketStatus.Active, MarketStatus.Resolving],
      [MarketStatus.Resolving, MarketStatus.Resolved],
      [MarketStatus.Resolved, MarketStatus.Settled],
    ] as const;
    for (const [from, to] of steps) {
      await expect(engine.advanceLifecycle(BTC_USD, from, to))
        .to.emit(f.registry, "MarketStatusChanged")
        .withArgs(BTC_USD, from, to);
      expect(await f.registry.marketStatus(BTC_USD)).to.equal(to);
    }
  });

  it("reverts MarketInvalidTransition for skips, backward moves, Draft moves and a stale `from`", async function () {
    const f = await withTestEngine();
    const engine = f.registry.connect(f.alice);
    const S = MarketStatus;
    // Skipping a step, moving backward or staying: refused on the arguments alone.
    for (const [from, to] of [
      [S.Active, S.Resolved],
      [S.Active, S.Settled],
      [S.Resolving, S.Active],
      [S.Resolved, S.Resolving],
      [S.Active, S.Active],
    ]) {
      await expect(engine.advanceLifecycle(BTC_USD, from, to))
        .to.be.revertedWithCustomError(f.registry, "MarketInvalidTransition")
        .withArgs(BTC_USD, from, to);
    }
    // Listing and activation are not the engine's: None → Draft, Draft → Active refused.
    const draft = await listDraftMarket(f, "ETH-USD");
    for (const [from, to] of [
      [S.None, S.Draft],
      [S.Draft, S.Active],
    ]) {
      await expect(engine.advanceLifecycle(draft, from, to))
        .to.be.revertedWithCustomError(f.registry, "MarketInvalidTransition")
        .withArgs(draft, from, to);
    }
    // A valid step from a status the market is not in: named with the status it is in.
    await expect(engine.advanceLifecycle(BTC_USD, S.Resolving, S.Resolved))
      .to.be.revertedWithCustomError(f.registry, "MarketInvalidTransition")
      .withArgs(BTC_USD, S.Active, S.Resolved);
    await expect(engine.advanceLifecycle(draft, S.Active, S.Resolving))
      .to.be.revertedWithCustomError(f.registry, "MarketInvalidTransition")
      .withArgs(draft, S.Draft, S.Resolving);
    expect(await f.registry.marketStatus(BTC_USD)).to.equal(S.Active);
    expect(await f.registry.marketStatus(draft)).to.equal(S.Draft);
  });

  it("reverts MarketNotFound for an unlisted market", async function () {
    const f = await withTestEngine();
    await expect(f.registry.connect(f.alice).advanceLifecycle(99, MarketStatus.Active, MarketStatus.Resolving))
      .to.be.revertedWithCustomError(f.registry, "MarketNotFound")
      .withArgs(99);
  });
});
