import { expect } from "chai";
import { deployKeel, fund, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";
import { settleTransfer } from "./helpers";

describe("CollateralVault.deposit", function () {
  useSolvencyInvariant();

  it("pulls the tokens and credits the caller in wad", async function () {
    const { vault, usdc: token, alice } = await deployKeel();
    await token.mint(alice.address, usdc(100));
    await token.connect(alice).approve(await vault.getAddress(), usdc(100));

    const tx = vault.connect(alice).deposit(usdc(100));

    await expect(tx).to.emit(vault, "Deposited").withArgs(alice.address, alice.address, usdc(100), wad(100));
    await expect(tx).to.changeTokenBalances(token, [alice, vault], [-usdc(100), usdc(100)]);
    expect(await vault.balanceWad(alice.address)).to.equal(wad(100));
    expect(await vault.totalCreditWad()).to.equal(wad(100));
    expect(await vault.surplusWad()).to.equal(0n);
  });

  it("credits one token unit as exactly 1e12 wad", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, 1n);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(10n ** 12n);
  });

  it("adds successive deposits", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(30));
    await fund(f, f.alice, usdc("12.5"));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("42.5"));
    expect(await f.vault.totalCreditWad()).to.equal(wad("42.5"));
  });

  it("repays a negative balance first, moving it from debt to credit", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(10));
    await settleTransfer(f, f.alice.address, f.bob.address, wad(25));
    expect(await f.vault.totalDebtWad()).to.equal(wad(15));

    await fund(f, f.alice, usdc(20));

    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad(5));
    expect(await f.vault.totalDebtWad()).to.equal(0n);
    expect(await f.vault.totalCreditWad()).to.equal(wad(30));
  });

  it("reverts VaultZeroAmount for an amount of zero", async function () {
    const { vault, alice } = await deployKeel();
    await expect(vault.connect(alice).deposit(0)).to.be.revertedWithCustomError(vault, "VaultZeroAmount").withArgs();
  });

  it("reverts with the token's ERC20InsufficientAllowance without an approval", async function () {
    const { vault, usdc: token, alice } = await deployKeel();
    await token.mint(alice.address, usdc(5));
    await expect(vault.connect(alice).deposit(usdc(5)))
      .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
      .withArgs(await vault.getAddress(), 0n, usdc(5));
  });
});
