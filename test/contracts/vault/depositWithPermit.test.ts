import { expect } from "chai";
import { ethers } from "hardhat";
import { deployKeel, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";
import { permitDeadline, signPermit } from "./helpers";

describe("CollateralVault.depositWithPermit", function () {
  useSolvencyInvariant();

  it("deposits with a real EIP-2612 signature and no prior approval", async function () {
    const { vault, usdc: token, alice, bob } = await deployKeel();
    const vaultAddress = await vault.getAddress();
    await token.mint(alice.address, usdc(50));
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(token, alice, vaultAddress, usdc(50), deadline);

    const tx = vault.connect(alice).depositWithPermit(bob.address, usdc(50), deadline, v, r, s);

    await expect(tx).to.emit(vault, "Deposited").withArgs(bob.address, alice.address, usdc(50), wad(50));
    await expect(tx).to.emit(token, "Approval").withArgs(alice.address, vaultAddress, usdc(50));
    await expect(tx).to.changeTokenBalances(token, [alice, vault], [-usdc(50), usdc(50)]);
    expect(await token.nonces(alice.address)).to.equal(1n);
    expect(await token.allowance(alice.address, vaultAddress)).to.equal(0n);
    expect(await vault.balanceWad(bob.address)).to.equal(wad(50));
  });

  it("still deposits when the permit was front-run and already used", async function () {
    const { vault, usdc: token, alice, outsider } = await deployKeel();
    const vaultAddress = await vault.getAddress();
    await token.mint(alice.address, usdc(20));
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(token, alice, vaultAddress, usdc(20), deadline);
    await token.connect(outsider).permit(alice.address, vaultAddress, usdc(20), deadline, v, r, s);

    await expect(vault.connect(alice).depositWithPermit(alice.address, usdc(20), deadline, v, r, s))
      .to.emit(vault, "Deposited")
      .withArgs(alice.address, alice.address, usdc(20), wad(20));
    expect(await vault.balanceWad(alice.address)).to.equal(wad(20));
  });

  it("reverts with the token's ERC20InsufficientAllowance for a bad permit and no allowance", async function () {
    const { vault, usdc: token, alice, bob } = await deployKeel();
    const vaultAddress = await vault.getAddress();
    await token.mint(alice.address, usdc(20));
    const deadline = await permitDeadline();
    // Signed by bob, so it is not a valid permit of alice (the caller).
    const { v, r, s } = await signPermit(token, bob, vaultAddress, usdc(20), deadline);

    await expect(vault.connect(alice).depositWithPermit(alice.address, usdc(20), deadline, v, r, s))
      .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
      .withArgs(vaultAddress, 0n, usdc(20));
  });

  it("does not let another caller spend a permit signed by the account", async function () {
    const { vault, usdc: token, alice, outsider } = await deployKeel();
    const vaultAddress = await vault.getAddress();
    await token.mint(alice.address, usdc(20));
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(token, alice, vaultAddress, usdc(20), deadline);

    await expect(vault.connect(outsider).depositWithPermit(outsider.address, usdc(20), deadline, v, r, s))
      .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
      .withArgs(vaultAddress, 0n, usdc(20));
    expect(await token.nonces(alice.address)).to.equal(0n);
    expect(await token.balanceOf(alice.address)).to.equal(usdc(20));
  });

  it("reverts VaultInvalidAccount for the zero address", async function () {
    const { vault, usdc: token, alice } = await deployKeel();
    await token.mint(alice.address, usdc(1));
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(token, alice, await vault.getAddress(), usdc(1), deadline);

    await expect(vault.connect(alice).depositWithPermit(ethers.ZeroAddress, usdc(1), deadline, v, r, s))
      .to.be.revertedWithCustomError(vault, "VaultInvalidAccount")
      .withArgs(ethers.ZeroAddress);
  });

  it("reverts VaultZeroAmount for an amount of zero", async function () {
    const { vault, usdc: token, alice } = await deployKeel();
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(token, alice, await vault.getAddress(), 0n, deadline);

    await expect(vault.connect(alice).depositWithPermit(alice.address, 0, deadline, v, r, s))
      .to.be.revertedWithCustomError(vault, "VaultZeroAmount")
      .withArgs();
  });
});
