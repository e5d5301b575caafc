import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";
import { fundAndRequest, installMockEngine, settleTransfer } from "./helpers";

describe("CollateralVault.executeWithdrawal", function () {
  useSolvencyInvariant();

  it("reverts VaultWithdrawalNotReady before the delay has passed", async function () {
    const f = await deployKeel();
    const readyAt = await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    await time.setNextBlockTimestamp(readyAt - 1n);
    await expect(f.vault.connect(f.alice).executeWithdrawal(f.alice.address))
      .to.be.revertedWithCustomError(f.vault, "VaultWithdrawalNotReady")
      .withArgs(f.alice.address, readyAt, readyAt - 1n);
  });

  it("pays the account exactly when the delay has passed", async function () {
    const f = await deployKeel();
    const readyAt = await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    await time.setNextBlockTimestamp(readyAt);

    const tx = f.vault.connect(f.alice).executeWithdrawal(f.alice.address);

    await expect(tx).to.emit(f.vault, "WithdrawalExecuted").withArgs(f.alice.address, usdc(60), f.alice.address);
    await expect(tx).to.changeTokenBalances(f.usdc, [f.alice, f.vault], [usdc(60), -usdc(60)]);
    expect(await f.vault.pendingWithdrawal(f.alice.address)).to.deep.equal([0n, 0n]);
    expect(await f.vault.totalPendingWad()).to.equal(0n);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad(40));
  });

  it("may be called by anyone, the tokens going to the account", async function () {
    const f = await deployKeel();
    const readyAt = await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    await time.increaseTo(readyAt);

    const tx = f.vault.connect(f.outsider).executeWithdrawal(f.alice.address);

    await expect(tx).to.emit(f.vault, "WithdrawalExecuted").withArgs(f.alice.address, usdc(60), f.outsider.address);
    await expect(tx).to.changeTokenBalances(f.usdc, [f.alice, f.outsider], [usdc(60), 0n]);
  });

  it("reverts VaultNoPendingWithdrawal when nothing is pending, and after payment", async function () {
    const f = await deployKeel();
    await expect(f.vault.executeWithdrawal(f.bob.address))
      .to.be.revertedWithCustomError(f.vault, "VaultNoPendingWithdrawal")
      .withArgs(f.bob.address);

    const readyAt = await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    await time.increaseTo(readyAt);
    await f.vault.executeWithdrawal(f.alice.address);
    await expect(f.vault.executeWithdrawal(f.alice.address))
      .to.be.revertedWithCustomError(f.vault, "VaultNoPendingWithdrawal")
      .withArgs(f.alice.address);
  });

  it("re-checks margin at execution with the margin engine", async function () {
    const f = await deployKeel();
    const readyAt = await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    const engine = await installMockEngine(f);
    await engine.setUnderMargined(f.alice.address, true);
    await time.increaseTo(readyAt);

    await expect(f.vault.executeWithdrawal(f.alice.address))
      .to.be.revertedWithCustomError(engine, "MockInsufficientMargin")
      .withArgs(f.alice.address);

    await engine.setUnderMargined(f.alice.address, false);
    await expect(f.vault.executeWithdrawal(f.alice.address))
      .to.emit(f.vault, "WithdrawalExecuted")
      .withArgs(f.alice.address, usdc(60), f.deployer.address);
  });

  it("reverts VaultInsufficientBalance when a loss made the balance negative", async function () {
    const f = await deployKeel();
    const readyAt = await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    await settleTransfer(f, f.alice.address, f.bob.address, wad(50));
    await time.increaseTo(readyAt);

    await expect(f.vault.executeWithdrawal(f.alice.address))
      .to.be.revertedWithCustomError(f.vault, "VaultInsufficientBalance")
      .withArgs(f.alice.address, -wad(10), wad(60));
  });

  it("pays when the balance is exactly zero", async function () {
    const f = await deployKeel();
    const readyAt = await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    await settleTransfer(f, f.alice.address, f.bob.address, wad(40));
    await time.increaseTo(readyAt);

    await expect(f.vault.executeWithdrawal(f.alice.address))
      .to.emit(f.vault, "WithdrawalExecuted")
      .withArgs(f.alice.address, usdc(60), f.deployer.address);
  });
});
