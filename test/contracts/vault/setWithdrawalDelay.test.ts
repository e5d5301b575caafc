import { expect } from "chai";
import { ethers } from "hardhat";
import { deployKeel, fund, usdc, useSolvencyInvariant } from "../../fixtures/keel";
import { networkParams } from "../../../deploy/params";
import { atNextBlock } from "./helpers";

/** The delay the local deploy sets (deploy/params.ts). */
const DEPLOYED = BigInt(networkParams("hardhat").withdrawalDelaySec);
const MIN = 10n;
const MAX = 7n * 24n * 3600n;

describe("CollateralVault.setWithdrawalDelay", function () {
  useSolvencyInvariant();

  it("exposes the hard bounds and the deployed delay", async function () {
    const { vault } = await deployKeel();
    expect(await vault.MIN_WITHDRAWAL_DELAY()).to.equal(MIN);
    expect(await vault.MAX_WITHDRAWAL_DELAY()).to.equal(MAX);
    expect(await vault.withdrawalDelay()).to.equal(DEPLOYED);
  });

  it("sets the delay and emits WithdrawalDelayUpdated", async function () {
    const { vault, deployer } = await deployKeel();
    await expect(vault.connect(deployer).setWithdrawalDelay(3600))
      .to.emit(vault, "WithdrawalDelayUpdated")
      .withArgs(DEPLOYED, 3600n);
    expect(await vault.withdrawalDelay()).to.equal(3600n);
  });

  it("accepts both bounds", async function () {
    const { vault, deployer } = await deployKeel();
    await expect(vault.connect(deployer).setWithdrawalDelay(MIN))
      .to.emit(vault, "WithdrawalDelayUpdated")
      .withArgs(DEPLOYED, MIN);
    await expect(vault.connect(deployer).setWithdrawalDelay(MAX))
      .to.emit(vault, "WithdrawalDelayUpdated")
      .withArgs(MIN, MAX);
  });

  it("reverts VaultParamOutOfBounds below the minimum and above the maximum", async function () {
    const { vault, deployer } = await deployKeel();
    await expect(vault.connect(deployer).setWithdrawalDelay(MIN - 1n))
      .to.be.revertedWithCustomError(vault, "VaultParamOutOfBounds")
      .withArgs("withdrawalDelay", MIN - 1n, MIN, MAX);
    await expect(vault.connect(deployer).setWithdrawalDelay(MAX + 1n))
      .to.be.revertedWithCustomError(vault, "VaultParamOutOfBounds")
      .withArgs("withdrawalDelay", MAX + 1n, MIN, MAX);
  });

  it("applies to requests made after the change only", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(10));
    await fund(f, f.bob, usdc(10));
    const aliceAt = await atNextBlock();
    await f.vault.connect(f.alice).requestWithdrawal(usdc(10));

    await f.vault.connect(f.deployer).setWithdrawalDelay(3600);
    const bobAt = await atNextBlock();
    await f.vault.connect(f.bob).requestWithdrawal(usdc(10));

    expect((await f.vault.pendingWithdrawal(f.alice.address)).readyAt).to.equal(aliceAt + DEPLOYED);
    expect((await f.vault.pendingWithdrawal(f.bob.address)).readyAt).to.equal(bobAt + 3600n);
  });

  it("checks the initial delay in the constructor", async function () {
    const { usdc: token, deployer } = await deployKeel();
    const factory = await ethers.getContractFactory("CollateralVault");
    const tokenAddress = await token.getAddress();
    await expect(factory.deploy(tokenAddress, deployer.address, MAX + 1n))
      .to.be.revertedWithCustomError(factory, "VaultParamOutOfBounds")
      .withArgs("withdrawalDelay", MAX + 1n, MIN, MAX);

    const vault = await factory.deploy(tokenAddress, deployer.address, MIN);
    await expect(vault.deploymentTransaction()).to.emit(vault, "WithdrawalDelayUpdated").withArgs(0n, MIN);
  });
});
