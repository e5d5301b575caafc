/**
 * `renounceRole(role, account)` on every Keel contract with roles (OpenZeppelin AccessControl): an account can give
 * up its own role only; naming anyone else reverts AccessControlBadConfirmation and leaves the role in place.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { AccessControl } from "../../../keepers/sdk/typechain";
import { deployKeel, type KeelFixture } from "../../fixtures/keel";

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;

/** Every Keel contract with roles, by name, as its AccessControl interface. */
const CONTRACTS: { name: string; of: (f: KeelFixture) => { getAddress(): Promise<string> } }[] = [
  { name: "CollateralVault", of: (f) => f.vault },
  { name: "MarketRegistry", of: (f) => f.registry },
  { name: "OracleRegistry", of: (f) => f.oracle },
  { name: "PositionManager", of: (f) => f.pm },
  { name: "InsuranceFund", of: (f) => f.fund },
];

describe("renounceRole confirms the caller", function () {
  for (const { name, of } of CONTRACTS) {
    it(`${name}: reverts AccessControlBadConfirmation when renouncing for another account`, async function () {
      const f = await deployKeel();
      const contract = (await ethers.getContractAt(
        "AccessControl",
        await of(f).getAddress(),
      )) as unknown as AccessControl;
      expect(await contract.hasRole(DEFAULT_ADMIN_ROLE, f.deployer.address)).to.equal(true);

      await expect(
        contract.connect(f.outsider).renounceRole(DEFAULT_ADMIN_ROLE, f.deployer.address),
      ).to.be.revertedWithCustomError(contract, "AccessControlBadConfirmation");
      await expect(
        contract.connect(f.deployer).renounceRole(DEFAULT_ADMIN_ROLE, f.outsider.address),
      ).to.be.revertedWithCustomError(contract, "AccessControlBadConfirmation");

      expect(await contract.hasRole(DEFAULT_ADMIN_ROLE, f.deployer.address)).to.equal(true);
    });
  }
});
