/** Step 4: the HyperCore price source and the OracleRegistry that guards every push. */
import type { DeployFunction } from "hardhat-deploy/types";
import { stepContext } from "../helpers";

const func: DeployFunction = async (hre) => {
  const { deployer } = await stepContext(hre);
  const registry = await hre.deployments.get("MarketRegistry");
  const hyperCore = await hre.deployments.deploy("HyperCorePriceSource", { from: deployer, log: true });
  await hre.deployments.deploy("OracleRegistry", {
    from: deployer,
    args: [registry.address, deployer, hyperCore.address],
    log: true,
  });
};
func.tags = ["Keel", "OracleRegistry"];
func.dependencies = ["MarketRegistry"];
export default func;
