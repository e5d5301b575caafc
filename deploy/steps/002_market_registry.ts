/** Step 2: the MarketRegistry, administered by the deployer until the hand-over step. */
import type { DeployFunction } from "hardhat-deploy/types";
import { stepContext } from "../helpers";

const func: DeployFunction = async (hre) => {
  const { deployer } = await stepContext(hre);
  await hre.deployments.deploy("MarketRegistry", { from: deployer, args: [deployer], log: true });
};
func.tags = ["Keel", "MarketRegistry"];
export default func;
