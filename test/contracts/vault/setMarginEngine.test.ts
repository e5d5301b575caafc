import { expect } from "chai";
import { ethers } from "hardhat";
import { deployKeel, fund, usdc, useSolvencyInvariant } from "../../fixtures/keel";
import { installMockEngine, requestWithdrawal } from "./helpers";

describe("CollateralVault.setMarginEngine", function () {
  useSolvencyInvariant();

  it("is wired to the PositionManager by the deploy steps", async function () {
    const { vault, pm } = await deployKeel();
    expect(await vault.marginEngine()).to.equal(await pm.getAddress());
    expect(await vault.hasRole(await vault.MARGIN_ENGINE_ROLE(), await pm.getAddress())).to.equal(true);
  });

  it("sets the engine and emits MarginEngineUpdated with the old and new engines", async function () {
    const { vault, deployer, pm } = await deployKeel();
    const first = await ethers.deployContract("MockMarginEngine");
    const second = await ethers.deployContract("MockMarginEngine");

    await expect(vault.connect(deployer).setMarginEngine(await first.getAddress()))
      .to.emit(vault, "MarginEngineUpdated")
      .withArgs(await pm.getAddress(), await first.getAddress());
    await expect(vault.connect(deployer).setMarginEngine(await second.getAddress()))
      .to.emit(vault, "MarginEngineUpdated")
      .withArgs(await first.getAddress(), await second.getAddress());
    expect(await vault.marginEngine()).to.equal(await second.getAddress());
  });

  it("consults the engine for the requesting account only", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(10));
    await fund(f, f.bob, usdc(10));
    const engine = await installMockEngine(f);
    await engine.setUnderMargined(f.alice.address, true);

    await expect(f.vault.connect(f.alice).requestWithdrawal(usdc(1)))
      .to.be.revertedWithCustomError(engine, "MockInsufficientMargin")
      .withArgs(f.alice.address);
    await requestWithdrawal(f.vault, f.bob, usdc(1));
  });

  it("stops consulting any engine once set back to the zero address", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(10));
    const engine = await installMockEngine(f);
    await engine.setUnderMargined(f.alice.address, true);

    await expect(f.vault.connect(f.deployer).setMarginEngine(ethers.ZeroAddress))
      .to.emit(f.vault, "MarginEngineUpdated")
      .withArgs(await engine.getAddress(), ethers.ZeroAddress);
    await requestWithdrawal(f.vault, f.alice, usdc(1));
  });

  it("reverts VaultMarginEngineWithoutCode for an address with no code", async function () {
    const { vault, deployer, alice } = await deployKeel();
    await expect(vault.connect(deployer).setMarginEngine(alice.address))
      .to.be.revertedWithCustomError(vault, "VaultMarginEngineWithoutCode")
      .withArgs(alice.address);
  });
});
