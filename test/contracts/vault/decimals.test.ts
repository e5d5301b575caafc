import { expect } from "chai";
import { ethers } from "hardhat";
import type { CollateralVault } from "../../../keepers/sdk/typechain";
import { deployKeel, useSolvencyInvariant, wad } from "../../fixtures/keel";

/** A CollateralVault over a fresh MockTokenDecimals with `decimals` decimals. */
async function vaultOver(decimals: number): Promise<CollateralVault> {
  const { deployer } = await deployKeel();
  const token = await ethers.deployContract("MockTokenDecimals", [decimals]);
  return ethers.deployContract("CollateralVault", [await token.getAddress(), deployer.address, 60]);
}

describe("CollateralVault decimals", function () {
  useSolvencyInvariant();

  it("reverts VaultUnsupportedDecimals for a 19-decimal token", async function () {
    const { deployer } = await deployKeel();
    const token = await ethers.deployContract("MockTokenDecimals", [19]);
    const factory = await ethers.getContractFactory("CollateralVault");
    await expect(factory.deploy(await token.getAddress(), deployer.address, 60))
      .to.be.revertedWithCustomError(factory, "VaultUnsupportedDecimals")
      .withArgs(19);
  });

  it("uses a scale of 1 for an 18-decimal token", async function () {
    const vault = await vaultOver(18);
    expect(await vault.toWad(1n)).to.equal(1n);
    expect(await vault.toWad(wad("123.456"))).to.equal(wad("123.456"));
    expect(await vault.toTokenAmount(7n)).to.equal(7n);
  });

  it("uses a scale of 1e18 for a 0-decimal token", async function () {
    const vault = await vaultOver(0);
    expect(await vault.toWad(3n)).to.equal(wad(3));
    expect(await vault.toTokenAmount(wad(3) - 1n)).to.equal(2n);
  });

  it("converts USDC units to wad exactly (scale 1e12)", async function () {
    const { vault } = await deployKeel();
    expect(await vault.toWad(1n)).to.equal(10n ** 12n);
    expect(await vault.toWad(1_500_000n)).to.equal(wad("1.5"));
  });

  it("rounds toTokenAmount down", async function () {
    const { vault } = await deployKeel();
    expect(await vault.toTokenAmount(10n ** 12n - 1n)).to.equal(0n);
    expect(await vault.toTokenAmount(10n ** 12n)).to.equal(1n);
    expect(await vault.toTokenAmount(wad("1.9999999999999"))).to.equal(1_999_999n);
  });
});
