/**
 * Amounts no real token supply reaches still cannot corrupt the vault's books: a deposit whose wad value passes
 * int256 reverts SafeCastOverflowedUintToInt, and a withdrawal request of 2^128 token units or more (which the
 * uint128 pending slot cannot hold) reverts SafeCastOverflowedUintDowncast. MockUSDC mints any amount.
 */
import { expect } from "chai";
import { deployKeel, fund } from "../../fixtures/keel";

const INT256_MAX = 2n ** 255n - 1n;

describe("CollateralVault bounds on unrepresentable amounts", function () {
  it("deposit reverts SafeCastOverflowedUintToInt when the amount in wad passes int256", async function () {
    const f = await deployKeel();
    const scale = await f.vault.toWad(1n);
    const amount = INT256_MAX / scale + 1n;
    await f.usdc.mint(f.alice.address, amount);
    await f.usdc.connect(f.alice).approve(await f.vault.getAddress(), amount);

    await expect(f.vault.connect(f.alice).deposit(amount))
      .to.be.revertedWithCustomError(f.vault, "SafeCastOverflowedUintToInt")
      .withArgs(amount * scale);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(0n);
  });

  it("requestWithdrawal reverts SafeCastOverflowedUintDowncast for 2^128 token units", async function () {
    const f = await deployKeel();
    const amount = 2n ** 128n;
    await fund(f, f.alice, amount);

    await expect(f.vault.connect(f.alice).requestWithdrawal(amount))
      .to.be.revertedWithCustomError(f.vault, "SafeCastOverflowedUintDowncast")
      .withArgs(128, amount);
    expect((await f.vault.pendingWithdrawal(f.alice.address)).amount).to.equal(0n);
  });
});
