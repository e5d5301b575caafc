/**
 * PositionManager.pause / unpause (DESIGN §3, §13.16): PAUSER_ROLE pauses, only DEFAULT_ADMIN_ROLE lifts the pause —
 * a pauser alone cannot undo it — and neither may be repeated (OpenZeppelin Pausable's EnforcedPause / ExpectedPause).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { deployKeel, useSolvencyInvariant } from "../../fixtures/keel";

describe("PositionManager.pause and unpause", function () {
  useSolvencyInvariant();

  it("PAUSER_ROLE pauses and the admin unpauses, each emitting its event", async function () {
    const f = await deployKeel();
    expect(await f.pm.paused()).to.equal(false);
    await expect(f.pm.connect(f.deployer).pause()).to.emit(f.pm, "Paused").withArgs(f.deployer.address);
    expect(await f.pm.paused()).to.equal(true);
    await expect(f.pm.connect(f.deployer).unpause()).to.emit(f.pm, "Unpaused").withArgs(f.deployer.address);
    expect(await f.pm.paused()).to.equal(false);
  });

  it("reverts AccessControlUnauthorizedAccount: pause without PAUSER_ROLE, unpause without DEFAULT_ADMIN_ROLE", async function () {
    const f = await deployKeel();
    const pauserRole = await f.pm.PAUSER_ROLE();
    await expect(f.pm.connect(f.outsider).pause())
      .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
      .withArgs(f.outsider.address, pauserRole);

    // alice may pause but not unpause: lifting a pause is the admin's (timelock's) decision.
    await f.pm.connect(f.deployer).grantRole(pauserRole, f.alice.address);
    await f.pm.connect(f.alice).pause();
    for (const caller of [f.alice, f.outsider]) {
      await expect(f.pm.connect(caller).unpause())
        .to.be.revertedWithCustomError(f.pm, "AccessControlUnauthorizedAccount")
        .withArgs(caller.address, ethers.ZeroHash);
    }
    expect(await f.pm.paused()).to.equal(true);
  });

  it("reverts EnforcedPause when already paused and ExpectedPause when not paused", async function () {
    const f = await deployKeel();
    await expect(f.pm.connect(f.deployer).unpause()).to.be.revertedWithCustomError(f.pm, "ExpectedPause");
    await f.pm.connect(f.deployer).pause();
    await expect(f.pm.connect(f.deployer).pause()).to.be.revertedWithCustomError(f.pm, "EnforcedPause");
  });
});
