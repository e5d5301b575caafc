import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { CollateralVault, MockFeeOnTransferToken } from "../../../keepers/sdk/typechain";
import { deployKeel, expectVaultSolvent, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";

interface FeeVault {
  token: MockFeeOnTransferToken;
  vault: CollateralVault;
  alice: HardhatEthersSigner;
}

/** A CollateralVault over a 6-decimal token that burns `feeBps` of every transfer; `alice` holds 1,000 tokens. */
async function feeVault(feeBps: number): Promise<FeeVault> {
  const { deployer, alice } = await deployKeel();
  const token = await ethers.deployContract("MockFeeOnTransferToken", [feeBps]);
  const vault = await ethers.deployContract("CollateralVault", [await token.getAddress(), deployer.address, 60]);
  await token.mint(alice.address, usdc(1000));
  await token.connect(alice).approve(await vault.getAddress(), usdc(1000));
  return { token, vault, alice };
}

describe("CollateralVault with a fee-on-transfer token", function () {
  useSolvencyInvariant();

  it("credits what the vault received, not the amount asked", async function () {
    const { token, vault, alice } = await feeVault(100); // 1%

    const tx = vault.connect(alice).deposit(usdc(1000));

    await expect(tx).to.emit(vault, "Deposited").withArgs(alice.address, alice.address, usdc(990), wad(990));
    await expect(tx).to.changeTokenBalances(token, [alice, vault], [-usdc(1000), usdc(990)]);
    expect(await vault.balanceWad(alice.address)).to.equal(wad(990));
    expect(await vault.surplusWad()).to.equal(0n);
    await expectVaultSolvent(vault);
  });

  it("pays out the credited amount, the token's fee falling on the receiver", async function () {
    const { token, vault, alice } = await feeVault(100);
    await vault.connect(alice).deposit(usdc(1000));
    await vault.connect(alice).requestWithdrawal(usdc(990));
    await time.increase(60);

    await expect(vault.connect(alice).executeWithdrawal(alice.address)).to.changeTokenBalances(
      token,
      [alice, vault],
      [usdc("980.1"), -usdc(990)],
    );
    expect(await token.balanceOf(await vault.getAddress())).to.equal(0n);
    await expectVaultSolvent(vault);
  });

  it("reverts VaultZeroAmount when the deposit delivers no tokens", async function () {
    const { vault, alice } = await feeVault(10_000); // 100%: everything is burned
    await expect(vault.connect(alice).deposit(usdc(10)))
      .to.be.revertedWithCustomError(vault, "VaultZeroAmount")
      .withArgs();
  });
});
