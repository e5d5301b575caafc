import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";
import { fundAndRequest, installMockEngine, requestWithdrawal, settleTransfer } from "./helpers";

describe("CollateralVault.cancelWithdrawal", function () {
  useSolvencyInvariant();

  it("returns the pending withdrawal to the balance", async function () {
    const f = await deployKeel();
    await fundAndRequest(f, f.alice, usdc(100), usdc(60));

    await expect(f.vault.connect(f.alice).cancelWithdrawal())
      .to.emit(f.vault, "WithdrawalCancelled")
      .withArgs(f.alice.address, usdc(60), wad(60), f.alice.address);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad(100));
    expect(await f.vault.pendingWithdrawal(f.alice.address)).to.deep.equal([0n, 0n]);
    expect(await f.vault.totalPendingWad()).to.equal(0n);
    expect(await f.vault.totalCreditWad()).to.equal(wad(100));
  });

  it("allows a new request afterwards", async function () {
    const f = await deployKeel();
    await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    await f.vault.connect(f.alice).cancelWithdrawal();
    await requestWithdrawal(f.vault, f.alice, usdc(100));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(0n);
  });

  it("needs no margin check", async function () {
    const f = await deployKeel();
    await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    const engine = await installMockEngine(f);
    await engine.setUnderMargined(f.alice.address, true);
    await expect(f.vault.connect(f.alice).cancelWithdrawal())
      .to.emit(f.vault, "WithdrawalCancelled")
      .withArgs(f.alice.address, usdc(60), wad(60), f.alice.address);
  });

  it("repays a debt booked since the request", async function () {
    const f = await deployKeel();
    await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    await settleTransfer(f, f.alice.address, f.bob.address, wad(50));
    expect(await f.vault.totalDebtWad()).to.equal(wad(10));

    await f.vault.connect(f.alice).cancelWithdrawal();

    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad(50));
    expect(await f.vault.totalDebtWad()).to.equal(0n);
  });

  it("reverts VaultNoPendingWithdrawal when nothing is pending", async function () {
    const { vault, alice } = await deployKeel();
    await expect(vault.connect(alice).cancelWithdrawal())
      .to.be.revertedWithCustomError(vault, "VaultNoPendingWithdrawal")
      .withArgs(alice.address);
  });

  it("reverts VaultNoPendingWithdrawal once the withdrawal was executed", async function () {
    const f = await deployKeel();
    const readyAt = await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    await time.increaseTo(readyAt);
    await f.vault.executeWithdrawal(f.alice.address);
    await expect(f.vault.connect(f.alice).cancelWithdrawal())
      .to.be.revertedWithCustomError(f.vault, "VaultNoPendingWithdrawal")
      .withArgs(f.alice.address);
  });
});
