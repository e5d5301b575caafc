/** Step 1: the collateral token: the configured USDC, or MockUSDC where the parameters say "mock". */
import type { DeployFunction } from "hardhat-deploy/types";
import { stepContext } from "../helpers";

const func: DeployFunction = async (hre) => {
  const { deployer, params } = await stepContext(hre);
  if (params.collateral === "mock") {
    const usdc = await hre.deployments.deploy("MockUSDC", { from: deployer, log: true });
    await hre.deployments.save("CollateralToken", { address: usdc.address, abi: usdc.abi });
    return;
  }
  if (!params.collateral) {
    throw new Error(
      `No collateral token for network "${hre.network.name}": set its USDC address in deploy/params.ts ` +
        "(testnet: KEEL_TESTNET_USDC)",
    );
  }
  const { abi } = await hre.artifacts.readArtifact("IERC20Metadata");
  await hre.deployments.save("CollateralToken", { address: params.collateral, abi });
};
func.tags = ["Keel", "CollateralToken"];
export default func;
