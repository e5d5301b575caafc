import { ethers } from "hardhat";
import { expect } from "chai";
import { deployKeel, fund, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";
import { asMarginEngine, engineSigner } from "./helpers";

describe("CollateralVault.settleBalances", function () {
  useSolvencyInvariant();

  it("moves money between accounts and emits BalancesSettled", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(100));
    const engine = await asMarginEngine(f);
    const accounts = [f.alice.address, f.bob.address];
    const deltas = [-wad(30), wad(30)];

    await expect(engine.settleBalances(accounts, deltas))
      .to.emit(f.vault, "BalancesSettled")
      .withArgs((await engineSigner()).address, accounts, deltas);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad(70));
    expect(await f.vault.balanceWad(f.bob.address)).to.equal(wad(30));
    expect(await f.vault.totalCreditWad()).to.equal(wad(100));
  });

  it("lets balances go negative, totalDebtWad tracking the debt", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(100));
    const engine = await asMarginEngine(f);

    await engine.settleBalances([f.alice.address, f.bob.address], [-wad(150), wad(150)]);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(-wad(50));
    expect(await f.vault.totalDebtWad()).to.equal(wad(50));
    expect(await f.vault.totalCreditWad()).to.equal(wad(150));

    await engine.settleBalances([f.bob.address, f.alice.address], [-wad(80), wad(80)]);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad(30));
    expect(await f.vault.totalDebtWad()).to.equal(0n);
    expect(await f.vault.totalCreditWad()).to.equal(wad(100));
  });

  it("returns each account's balance after its delta, an account appearing more than once", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(100));
    const engine = await asMarginEngine(f);
    const accounts = [f.alice.address, f.bob.address, f.alice.address, f.carol.address];
    const deltas = [-wad(10), wad(25), -wad(120), wad(105)];

    expect(await engine.settleBalances.staticCall(accounts, deltas)).to.deep.equal([
      wad(90),
      wad(25),
      -wad(30),
      wad(105),
    ]);
    await engine.settleBalances(accounts, deltas);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(-wad(30));
    expect(await f.vault.totalDebtWad()).to.equal(wad(30));
    expect(await f.vault.totalCreditWad()).to.equal(wad(130));
  });

  it("accepts an empty settlement", async function () {
    const f = await deployKeel();
    const engine = await asMarginEngine(f);
    await expect(engine.settleBalances([], []))
      .to.emit(f.vault, "BalancesSettled")
      .withArgs((await engineSigner()).address, [], []);
  });

  it("reverts VaultUnbalancedSettlement with the sum of unbalanced deltas", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(100));
    const engine = await asMarginEngine(f);
    await expect(engine.settleBalances([f.alice.address, f.bob.address], [-wad(10), wad(7)]))
      .to.be.revertedWithCustomError(f.vault, "VaultUnbalancedSettlement")
      .withArgs(-wad(3));
    await expect(engine.settleBalances([f.bob.address], [1n]))
      .to.be.revertedWithCustomError(f.vault, "VaultUnbalancedSettlement")
      .withArgs(1n);
  });

  it("reverts VaultLengthMismatch when accounts and deltas differ in length", async function () {
    const f = await deployKeel();
    const engine = await asMarginEngine(f);
    await expect(engine.settleBalances([f.alice.address, f.bob.address], [0n]))
      .to.be.revertedWithCustomError(f.vault, "VaultLengthMismatch")
      .withArgs(2n, 1n);
  });

  it("reverts VaultInvalidAccount when an account is the zero address", async function () {
    const f = await deployKeel();
    const engine = await asMarginEngine(f);
    await expect(engine.settleBalances([f.alice.address, ethers.ZeroAddress], [-1n, 1n]))
      .to.be.revertedWithCustomError(f.vault, "VaultInvalidAccount")
      .withArgs(ethers.ZeroAddress);
  });
});
