import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, fund, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";
import { asMarginEngine, engineSigner, fundAndRequest, settleTransfer } from "./helpers";

describe("CollateralVault.releaseWithdrawal", function () {
  useSolvencyInvariant();

  it("returns the pending withdrawal to the balance and reports the amount", async function () {
    const f = await deployKeel();
    await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    const engine = await asMarginEngine(f);

    expect(await engine.releaseWithdrawal.staticCall(f.alice.address)).to.equal(wad(60));
    await expect(engine.releaseWithdrawal(f.alice.address))
      .to.emit(f.vault, "WithdrawalCancelled")
      .withArgs(f.alice.address, usdc(60), wad(60), (await engineSigner()).address);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad(100));
    expect(await f.vault.pendingWithdrawal(f.alice.address)).to.deep.equal([0n, 0n]);
    expect(await f.vault.totalPendingWad()).to.equal(0n);
  });

  it("returns 0 and emits nothing when nothing is pending", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(100));
    const engine = await asMarginEngine(f);

    expect(await engine.releaseWithdrawal.staticCall(f.alice.address)).to.equal(0n);
    await expect(engine.releaseWithdrawal(f.alice.address)).not.to.emit(f.vault, "WithdrawalCancelled");
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad(100));
  });

  it("covers a loss booked since the request, so the withdrawal can no longer be paid", async function () {
    const f = await deployKeel();
    const readyAt = await fundAndRequest(f, f.alice, usdc(100), usdc(60));
    await settleTransfer(f, f.alice.address, f.bob.address, wad(50));
    expect(await f.vault.totalDebtWad()).to.equal(wad(10));

    await (await asMarginEngine(f)).releaseWithdrawal(f.alice.address);

    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad(50));
    expect(await f.vault.totalDebtWad()).to.equal(0n);
    await time.increaseTo(readyAt);
    await expect(f.vault.executeWithdrawal(f.alice.address))
      .to.be.revertedWithCustomError(f.vault, "VaultNoPendingWithdrawal")
      .withArgs(f.alice.address);
  });
});
