/**
 * loadDeployment reads Keel's addresses from hardhat-deploy's files and names every missing file with the command
 * that deploys; connectKeel returns typed contracts that talk to the deployed ones.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { deployments, ethers } from "hardhat";
import { DeploymentError, KEEL_CONTRACTS, connectKeel, loadDeployment } from "../../../keepers/core";
import { deployKeel } from "../../fixtures/keel";

/** Writes hardhat-deploy style files for the Hardhat network's deployment into a temporary deployments folder. */
async function writeDeployment(network: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "keel-deployments-"));
  mkdirSync(path.join(dir, network));
  for (const name of KEEL_CONTRACTS) {
    const { address, abi } = await deployments.get(name);
    writeFileSync(path.join(dir, network, `${name}.json`), JSON.stringify({ address, abi }));
  }
  writeFileSync(path.join(dir, network, ".chainId"), "31337");
  return dir;
}

describe("loadDeployment and connectKeel", function () {
  it("reads every address and the chain id, and connects typed contracts to them", async function () {
    const f = await deployKeel();
    const dir = await writeDeployment("localhost");
    const deployment = loadDeployment(dir, "localhost");
    expect(deployment.chainId).to.equal(31337);
    expect(deployment.addresses.PositionManager).to.equal(await f.pm.getAddress());
    expect(deployment.addresses.CollateralToken).to.equal(await f.usdc.getAddress());

    const keel = connectKeel(deployment.addresses, ethers.provider);
    expect(await keel.positionManager.nextBatchId()).to.equal(await f.pm.nextBatchId());
    expect(await keel.collateralToken.decimals()).to.equal(6n);
    expect(await keel.collateralVault.getAddress()).to.equal(await f.vault.getAddress());
  });

  it("names each missing file and how to deploy", async function () {
    await deployKeel();
    const dir = await writeDeployment("localhost");
    rmSync(path.join(dir, "localhost", "PositionManager.json"));
    rmSync(path.join(dir, "localhost", "InsuranceFund.json"));
    let error: unknown;
    try {
      loadDeployment(dir, "localhost");
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(DeploymentError);
    const message = (error as Error).message;
    expect(message).to.contain(`${path.join(dir, "localhost", "PositionManager.json")} does not exist`);
    expect(message).to.contain(`${path.join(dir, "localhost", "InsuranceFund.json")} does not exist`);
    expect(message).to.contain("npm run deploy:localhost");
    expect(message).not.to.contain("CollateralVault");
  });

  it("rejects a file without a valid address", async function () {
    await deployKeel();
    const dir = await writeDeployment("hyperevm");
    writeFileSync(path.join(dir, "hyperevm", "OracleRegistry.json"), JSON.stringify({ address: "0x1234" }));
    expect(() => loadDeployment(dir, "hyperevm")).to.throw(DeploymentError, /OracleRegistry: .*"0x1234"/);
  });
});
