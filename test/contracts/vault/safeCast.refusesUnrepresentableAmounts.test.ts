/**
 * Amounts no real token supply reaches still cannot corrupt the vault's books, and every refusal is a declared error
 * (DESIGN §13.19): a deposit whose wad value passes int256 reverts VaultAmountTooLarge (before the fix, one past
 * uint256 / 1e12 token units panicked on the scaling), holdings of that size make surplusWad revert
 * SafeCastOverflowedUintToInt, and a withdrawal request of 2^128 token units or more (which the uint128 pending slot
 * cannot hold) reverts SafeCastOverflowedUintDowncast. MockUSDC mints any amount.
 */
import { expect } from "chai";
import { deployKeel, fund } from "../../fixtures/keel";

const INT256_MAX = 2n ** 255n - 1n;

describe("CollateralVault bounds on unrepresentable amounts", function () {
  it("deposit reverts VaultAmountTooLarge past int256's wad, up to the amounts that used to panic", async function () {
    const f = await deployKeel();
    const scale = await f.vault.toWad(1n);
    const maxAmount = INT256_MAX / scale;
    for (const amount of [maxAmount + 1n, (2n ** 256n - 1n) / scale + 1n]) {
      await f.usdc.mint(f.alice.address, amount);
      await f.usdc.connect(f.alice).approve(await f.vault.getAddress(), amount);
      await expect(f.vault.connect(f.alice).deposit(amount))
        .to.be.revertedWithCustomError(f.vault, "VaultAmountTooLarge")
        .withArgs(amount, maxAmount);
    }
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(0n);
  });

  it("surplusWad reverts SafeCastOverflowedUintToInt when the tokens held are worth more than int256's wad", async function () {
    const f = await deployKeel();
    const scale = await f.vault.toWad(1n);
    const amount = INT256_MAX / scale + 1n;
    await f.usdc.mint(await f.vault.getAddress(), amount);
    await expect(f.vault.surplusWad())
      .to.be.revertedWithCustomError(f.vault, "SafeCastOverflowedUintToInt")
      .withArgs(amount * scale);
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
