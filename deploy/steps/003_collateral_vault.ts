/** Step 3: the CollateralVault over the collateral token. */
import type { DeployFunction } from "hardhat-deploy/types";
import { stepContext } from "../helpers";

const func: DeployFunction = async (hre) => {
  const { deployer, params } = await stepContext(hre);
  const token = await hre.deployments.get("CollateralToken");
  await hre.deployments.deploy("CollateralVault", {
    from: deployer,
    args: [token.address, deployer, params.withdrawalDelaySec],
    log: true,
  });
};
func.tags = ["Keel", "CollateralVault"];
func.dependencies = ["CollateralToken"];
export default func;
