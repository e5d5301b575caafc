/**
 * The live-network deploy, rehearsed on the in-process chain (`KEEL_DEPLOY_PARAMS=liveRehearsal`): mainnet's steps
 * over MockUSDC. The timelock ends up the only admin, role holders come from the environment, markets are listed in
 * Draft, and a second run sends nothing.
 */
import { expect } from "chai";
import hre, { deployments, ethers } from "hardhat";
import type { MarketRegistry } from "../../keepers/sdk/typechain";
import { MarketStatus } from "../../deploy/params";

const ENV = { KEEL_DEPLOY_PARAMS: "liveRehearsal", KEEL_ORACLE_ROLE: "", KEEL_TIMELOCK_PROPOSERS: "" };

describe("deploy (live rehearsal)", function () {
  const saved: Record<string, string | undefined> = {};

  before(async function () {
    const [, oracleKeeper, multisig] = await ethers.getSigners();
    ENV.KEEL_ORACLE_ROLE = oracleKeeper.address;
    ENV.KEEL_TIMELOCK_PROPOSERS = multisig.address;
    for (const [key, value] of Object.entries(ENV)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    await deployments.fixture(["Timelock"]);
  });

  after(function () {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it("hands DEFAULT_ADMIN_ROLE and MARKET_ADMIN_ROLE to the timelock and leaves the deployer none", async function () {
    const { deployer } = await hre.getNamedAccounts();
    const timelock = (await deployments.get("KeelTimelock")).address;
    for (const name of ["MarketRegistry", "CollateralVault", "OracleRegistry"]) {
      const contract = await ethers.getContractAt("AccessControl", (await deployments.get(name)).address);
      const admin = await contract.DEFAULT_ADMIN_ROLE();
      expect(await contract.hasRole(admin, timelock), `${name}: timelock is admin`).to.equal(true);
      expect(await contract.hasRole(admin, deployer), `${name}: deployer is not admin`).to.equal(false);
    }
    const registry = (await ethers.getContractAt(
      "MarketRegistry",
      (await deployments.get("MarketRegistry")).address,
    )) as unknown as MarketRegistry;
    const marketAdmin = await registry.MARKET_ADMIN_ROLE();
    expect(await registry.hasRole(marketAdmin, timelock)).to.equal(true);
    expect(await registry.hasRole(marketAdmin, deployer)).to.equal(false);
    expect(await registry.hasRole(await registry.RESOLVER_ROLE(), deployer), "no default holder live").to.equal(false);
  });

  it("grants operational roles to the holders named in the environment", async function () {
    const oracle = await ethers.getContractAt("OracleRegistry", (await deployments.get("OracleRegistry")).address);
    expect(await oracle.hasRole(await oracle.ORACLE_ROLE(), ENV.KEEL_ORACLE_ROLE)).to.equal(true);
  });

  it("makes the multisig the timelock's proposer with the configured delay", async function () {
    const timelock = await ethers.getContractAt("KeelTimelock", (await deployments.get("KeelTimelock")).address);
    expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), ENV.KEEL_TIMELOCK_PROPOSERS)).to.equal(true);
    expect(await timelock.getMinDelay()).to.equal(60);
  });

  it("lists mainnet's markets in Draft", async function () {
    const registry = await ethers.getContractAt("MarketRegistry", (await deployments.get("MarketRegistry")).address);
    const id = await registry.marketIdBySymbol("BTC-USD");
    expect(id).to.equal(1);
    expect(await registry.marketStatus(id)).to.equal(MarketStatus.Draft);
    expect((await registry.oracleParams(id)).hyperCoreMode).to.equal(1); // Reference
  });

  it("sends no transaction when run a second time", async function () {
    const before = await ethers.provider.getBlockNumber();
    await hre.run("deploy", { noCompile: true });
    expect(await ethers.provider.getBlockNumber()).to.equal(before);
  });
});
