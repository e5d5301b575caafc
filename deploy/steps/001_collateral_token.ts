/** Step 1: the collateral token. Local networks get MockUSDC; live networks use the configured USDC. */
import type { DeployFunction } from "hardhat-deploy/types";
import { stepContext } from "../helpers";

const func: DeployFunction = async (hre) => {
  const { deployer, params } = await stepContext(hre);
  if (params.usdc) {
    await hre.deployments.save("CollateralToken", {
      address: params.usdc,
      abi: (await hre.artifacts.readArtifact("MockUSDC")).abi,
    });
    return;
  }
  if (params.live) {
    throw new Error(
      `Network "${hre.network.name}" is live but has no USDC address: set it in deploy/params.ts or the environment`,
    );
  }
  const usdc = await hre.deployments.deploy("MockUSDC", { from: deployer, log: true });
  await hre.deployments.save("CollateralToken", { address: usdc.address, abi: usdc.abi });
};
func.tags = ["Keel", "CollateralToken"];
export default func;
