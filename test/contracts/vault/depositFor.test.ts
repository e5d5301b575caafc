import { expect } from "chai";
import { ethers } from "hardhat";
import { deployKeel, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";

describe("CollateralVault.depositFor", function () {
  useSolvencyInvariant();

  it("credits the account with the payer's tokens", async function () {
    const { vault, usdc: token, alice, bob } = await deployKeel();
    await token.mint(alice.address, usdc(40));
    await token.connect(alice).approve(await vault.getAddress(), usdc(40));

    const tx = vault.connect(alice).depositFor(bob.address, usdc(40));

    await expect(tx).to.emit(vault, "Deposited").withArgs(bob.address, alice.address, usdc(40), wad(40));
    await expect(tx).to.changeTokenBalances(token, [alice, bob, vault], [-usdc(40), 0n, usdc(40)]);
    expect(await vault.balanceWad(bob.address)).to.equal(wad(40));
    expect(await vault.balanceWad(alice.address)).to.equal(0n);
  });

  it("reverts VaultInvalidAccount for the zero address", async function () {
    const { vault, usdc: token, alice } = await deployKeel();
    await token.mint(alice.address, usdc(1));
    await token.connect(alice).approve(await vault.getAddress(), usdc(1));
    await expect(vault.connect(alice).depositFor(ethers.ZeroAddress, usdc(1)))
      .to.be.revertedWithCustomError(vault, "VaultInvalidAccount")
      .withArgs(ethers.ZeroAddress);
  });

  it("reverts VaultZeroAmount for an amount of zero", async function () {
    const { vault, alice, bob } = await deployKeel();
    await expect(vault.connect(alice).depositFor(bob.address, 0))
      .to.be.revertedWithCustomError(vault, "VaultZeroAmount")
      .withArgs();
  });
});
