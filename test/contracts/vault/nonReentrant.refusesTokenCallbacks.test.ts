/**
 * The vault's token-moving functions are `nonReentrant`: a collateral token that calls back into the vault while it
 * moves tokens makes the outer call revert ReentrancyGuardReentrantCall, and nothing is credited or paid.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, fund, usdc } from "../../fixtures/keel";
import { useReentrantToken } from "./tokenDoubles";

describe("CollateralVault nonReentrant against token callbacks", function () {
  it("deposit reverts ReentrancyGuardReentrantCall when transferFrom re-enters deposit", async function () {
    const f = await deployKeel();
    await useReentrantToken(f);

    await expect(f.vault.connect(f.alice).deposit(usdc(10))).to.be.revertedWithCustomError(
      f.vault,
      "ReentrancyGuardReentrantCall",
    );
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(0n);
  });

  it("executeWithdrawal reverts ReentrancyGuardReentrantCall when transfer re-enters deposit", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(10));
    await f.vault.connect(f.alice).requestWithdrawal(usdc(10));
    await time.increase(await f.vault.withdrawalDelay());
    await useReentrantToken(f);

    await expect(f.vault.executeWithdrawal(f.alice.address)).to.be.revertedWithCustomError(
      f.vault,
      "ReentrancyGuardReentrantCall",
    );
    expect((await f.vault.pendingWithdrawal(f.alice.address)).amount).to.equal(usdc(10));
  });
});
