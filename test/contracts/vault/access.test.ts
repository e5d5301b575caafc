import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import type { CollateralVault } from "../../../keepers/sdk/typechain";
import { deployKeel, useSolvencyInvariant } from "../../fixtures/keel";
import { engineSigner } from "./helpers";

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const MARGIN_ENGINE_ROLE = ethers.id("MARGIN_ENGINE_ROLE");

/** A privileged call of the vault, the role it needs, as made by `caller`. */
interface Privileged {
  name: string;
  role: string;
  call: (vault: CollateralVault, caller: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
}

const PRIVILEGED: Privileged[] = [
  {
    name: "settleBalances",
    role: MARGIN_ENGINE_ROLE,
    call: (vault, caller) => vault.connect(caller).settleBalances([caller.address], [0n]),
  },
  {
    name: "releaseWithdrawal",
    role: MARGIN_ENGINE_ROLE,
    call: (vault, caller) => vault.connect(caller).releaseWithdrawal(caller.address),
  },
  {
    name: "setWithdrawalDelay",
    role: DEFAULT_ADMIN_ROLE,
    call: (vault, caller) => vault.connect(caller).setWithdrawalDelay(600),
  },
  {
    name: "setMarginEngine",
    role: DEFAULT_ADMIN_ROLE,
    call: (vault, caller) => vault.connect(caller).setMarginEngine(caller.address),
  },
  {
    name: "grantRole",
    role: DEFAULT_ADMIN_ROLE,
    call: (vault, caller) => vault.connect(caller).grantRole(MARGIN_ENGINE_ROLE, caller.address),
  },
  {
    name: "revokeRole",
    role: DEFAULT_ADMIN_ROLE,
    call: (vault, caller) => vault.connect(caller).revokeRole(DEFAULT_ADMIN_ROLE, ethers.ZeroAddress),
  },
];

describe("CollateralVault access control", function () {
  useSolvencyInvariant();

  it("gives the deployer DEFAULT_ADMIN_ROLE, which administers MARGIN_ENGINE_ROLE", async function () {
    const { vault, deployer } = await deployKeel();
    expect(await vault.MARGIN_ENGINE_ROLE()).to.equal(MARGIN_ENGINE_ROLE);
    expect(await vault.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(true);
    expect(await vault.hasRole(MARGIN_ENGINE_ROLE, deployer.address)).to.equal(false);
    expect(await vault.getRoleAdmin(MARGIN_ENGINE_ROLE)).to.equal(DEFAULT_ADMIN_ROLE);
  });

  for (const { name, role, call } of PRIVILEGED) {
    it(`reverts AccessControlUnauthorizedAccount for ${name} by an outsider`, async function () {
      const { vault, outsider } = await deployKeel();
      await expect(call(vault, outsider))
        .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, role);
    });
  }

  it("keeps the admin out of the margin engine's functions", async function () {
    const { vault, deployer } = await deployKeel();
    for (const { call } of PRIVILEGED.filter((p) => p.role === MARGIN_ENGINE_ROLE)) {
      await expect(call(vault, deployer))
        .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, MARGIN_ENGINE_ROLE);
    }
  });

  it("keeps the margin engine out of the admin's functions", async function () {
    const { vault, deployer } = await deployKeel();
    const engine = await engineSigner();
    await vault.connect(deployer).grantRole(MARGIN_ENGINE_ROLE, engine.address);
    for (const { call } of PRIVILEGED.filter((p) => p.role === DEFAULT_ADMIN_ROLE)) {
      await expect(call(vault, engine))
        .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
        .withArgs(engine.address, DEFAULT_ADMIN_ROLE);
    }
  });

  it("lets a granted margin engine settle, and not once the role is revoked", async function () {
    const { vault, deployer } = await deployKeel();
    const engine = await engineSigner();
    await expect(vault.connect(deployer).grantRole(MARGIN_ENGINE_ROLE, engine.address))
      .to.emit(vault, "RoleGranted")
      .withArgs(MARGIN_ENGINE_ROLE, engine.address, deployer.address);
    await expect(vault.connect(engine).settleBalances([], []))
      .to.emit(vault, "BalancesSettled")
      .withArgs(engine.address, [], []);

    await expect(vault.connect(deployer).revokeRole(MARGIN_ENGINE_ROLE, engine.address))
      .to.emit(vault, "RoleRevoked")
      .withArgs(MARGIN_ENGINE_ROLE, engine.address, deployer.address);
    await expect(vault.connect(engine).settleBalances([], []))
      .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
      .withArgs(engine.address, MARGIN_ENGINE_ROLE);
  });
});
