import { expect } from "chai";
import { deployKeel, fund, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";
import { atNextBlock, fundAndRequest, installMockEngine, requestWithdrawal, settleTransfer } from "./helpers";

describe("CollateralVault.requestWithdrawal", function () {
  useSolvencyInvariant();

  it("moves the amount from the balance into a pending withdrawal ready after the delay", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(100));
    const delay = await f.vault.withdrawalDelay();
    const now = await atNextBlock();

    const tx = f.vault.connect(f.alice).requestWithdrawal(usdc(60));

    await expect(tx)
      .to.emit(f.vault, "WithdrawalRequested")
      .withArgs(f.alice.address, usdc(60), wad(60), now + delay);
    await expect(tx).to.changeTokenBalances(f.usdc, [f.alice, f.vault], [0n, 0n]);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad(40));
    expect(await f.vault.pendingWithdrawal(f.alice.address)).to.deep.equal([usdc(60), now + delay]);
    expect(await f.vault.totalPendingWad()).to.equal(wad(60));
    expect(await f.vault.totalCreditWad()).to.equal(wad(40));
  });

  it("may take the whole balance", async function () {
    const f = await deployKeel();
    await fundAndRequest(f, f.alice, usdc(25), usdc(25));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(0n);
    expect(await f.vault.totalPendingWad()).to.equal(wad(25));
  });

  it("reverts VaultZeroAmount for an amount of zero", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(1));
    await expect(f.vault.connect(f.alice).requestWithdrawal(0))
      .to.be.revertedWithCustomError(f.vault, "VaultZeroAmount")
      .withArgs();
  });

  it("reverts VaultInsufficientBalance for more than the balance", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(100));
    await expect(f.vault.connect(f.alice).requestWithdrawal(usdc(100) + 1n))
      .to.be.revertedWithCustomError(f.vault, "VaultInsufficientBalance")
      .withArgs(f.alice.address, wad(100), wad(100) + 10n ** 12n);
  });

  it("reverts VaultInsufficientBalance for a negative balance", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(10));
    await settleTransfer(f, f.alice.address, f.bob.address, wad(15));
    await expect(f.vault.connect(f.alice).requestWithdrawal(usdc(1)))
      .to.be.revertedWithCustomError(f.vault, "VaultInsufficientBalance")
      .withArgs(f.alice.address, -wad(5), wad(1));
  });

  it("reverts VaultWithdrawalPending while a withdrawal is pending", async function () {
    const f = await deployKeel();
    const readyAt = await fundAndRequest(f, f.alice, usdc(100), usdc(30));
    await expect(f.vault.connect(f.alice).requestWithdrawal(usdc(10)))
      .to.be.revertedWithCustomError(f.vault, "VaultWithdrawalPending")
      .withArgs(f.alice.address, usdc(30), readyAt);
  });

  it("reverts with the margin engine's error for an under-margined account", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(100));
    const engine = await installMockEngine(f);
    await engine.setUnderMargined(f.alice.address, true);

    await expect(f.vault.connect(f.alice).requestWithdrawal(usdc(10)))
      .to.be.revertedWithCustomError(engine, "MockInsufficientMargin")
      .withArgs(f.alice.address);
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad(100));
  });

  it("passes when the margin engine accepts the account", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(100));
    const engine = await installMockEngine(f);
    await engine.setUnderMargined(f.bob.address, true);

    await requestWithdrawal(f.vault, f.alice, usdc(10));
    expect(await f.vault.totalPendingWad()).to.equal(wad(10));
  });
});
