import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { BTC_USD, deployKeel, wad } from "../../fixtures/keel";

describe("OracleRegistry access control", function () {
  it("reverts pushPrices without ORACLE_ROLE", async function () {
    const { oracle, outsider } = await deployKeel();
    const oracleRole = await oracle.ORACLE_ROLE();
    await expect(oracle.connect(outsider).pushPrices([BTC_USD], [wad(95_000)], [wad(95_000)], await time.latest()))
      .to.be.revertedWithCustomError(oracle, "AccessControlUnauthorizedAccount")
      .withArgs(outsider.address, oracleRole);
  });

  it("lets a new ORACLE_ROLE holder push, recorded as the reporter", async function () {
    const { oracle, alice } = await deployKeel();
    await oracle.grantRole(await oracle.ORACLE_ROLE(), alice.address);
    await oracle.connect(alice).pushPrices([BTC_USD], [wad(95_000)], [wad(95_000)], await time.latest());
    expect((await oracle.snapshot(BTC_USD)).reporter).to.equal(alice.address);
  });

  it("reverts setHyperCoreSource without DEFAULT_ADMIN_ROLE, even for an ORACLE_ROLE holder", async function () {
    const { oracle, alice, outsider } = await deployKeel();
    const adminRole = await oracle.DEFAULT_ADMIN_ROLE();
    expect(adminRole).to.equal(ethers.ZeroHash);
    await expect(oracle.connect(outsider).setHyperCoreSource(ethers.ZeroAddress))
      .to.be.revertedWithCustomError(oracle, "AccessControlUnauthorizedAccount")
      .withArgs(outsider.address, adminRole);

    await oracle.grantRole(await oracle.ORACLE_ROLE(), alice.address);
    await expect(oracle.connect(alice).setHyperCoreSource(ethers.ZeroAddress))
      .to.be.revertedWithCustomError(oracle, "AccessControlUnauthorizedAccount")
      .withArgs(alice.address, adminRole);
  });
});
