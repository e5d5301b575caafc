import { expect } from "chai";
import hre, { deployments, ethers } from "hardhat";
import { BTC_USD, SENATE22_R, deployKeel } from "../fixtures/keel";
import { MarketStatus } from "../../deploy/params";

describe("deploy", function () {
  it("deploys and wires everything on the in-process network", async function () {
    const f = await deployKeel();
    expect(await f.vault.collateralToken()).to.equal(await f.usdc.getAddress());
    expect(await f.oracle.marketRegistry()).to.equal(await f.registry.getAddress());
    expect(await f.oracle.hyperCoreSource()).to.equal(await f.hyperCoreSource.getAddress());
    expect(await f.registry.marketCount()).to.equal(2);
    expect((await f.registry.marketInfo(BTC_USD)).symbol).to.equal("BTC-USD");
    expect((await f.registry.marketInfo(SENATE22_R)).kind).to.equal(1);
    expect(await f.registry.marketStatus(BTC_USD)).to.equal(MarketStatus.Active);
    expect(await f.oracle.hasRole(await f.oracle.ORACLE_ROLE(), f.deployer.address)).to.equal(true);
  });

  it("sends no transaction when run a second time", async function () {
    await deployKeel();
    const before = await ethers.provider.getBlockNumber();
    const addresses = Object.fromEntries(Object.entries(await deployments.all()).map(([name, d]) => [name, d.address]));
    await hre.run("deploy", { noCompile: true });
    expect(await ethers.provider.getBlockNumber(), "no block was mined by the second deploy").to.equal(before);
    for (const [name, d] of Object.entries(await deployments.all())) {
      expect(d.address, `${name} reused`).to.equal(addresses[name]);
    }
  });
});
