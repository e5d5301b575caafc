/**
 * The vault moves tokens with SafeERC20: a token that returns false instead of reverting makes the deposit or the
 * withdrawal revert SafeERC20FailedOperation(token), so a failed transfer is never credited or marked paid.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, fund, usdc } from "../../fixtures/keel";
import { useFalseReturningToken } from "./tokenDoubles";

describe("CollateralVault with a token that returns false", function () {
  it("deposit reverts SafeERC20FailedOperation and credits nothing", async function () {
    const f = await deployKeel();
    await useFalseReturningToken(f);

    await expect(f.vault.connect(f.alice).deposit(usdc(10)))
      .to.be.revertedWithCustomError(f.vault, "SafeERC20FailedOperation")
      .withArgs(await f.usdc.getAddress());
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(0n);
  });

  it("executeWithdrawal reverts SafeERC20FailedOperation and keeps the withdrawal pending", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(10));
    await f.vault.connect(f.alice).requestWithdrawal(usdc(10));
    await time.increase(await f.vault.withdrawalDelay());
    await useFalseReturningToken(f);

    await expect(f.vault.executeWithdrawal(f.alice.address))
      .to.be.revertedWithCustomError(f.vault, "SafeERC20FailedOperation")
      .withArgs(await f.usdc.getAddress());
    expect((await f.vault.pendingWithdrawal(f.alice.address)).amount).to.equal(usdc(10));
  });
});
