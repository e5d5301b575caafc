/**
 * Step 10: operational roles. Holders come from `KEEL_<ROLE>` (comma-separated addresses), else the deployer on
 * local networks. A role already held is not granted again, so a second deploy sends no transaction.
 */
import type { DeployFunction } from "hardhat-deploy/types";
import { grantRoleOnce, stepContext } from "../helpers";
import { OPERATIONAL_ROLES, roleHolders } from "../params";

const func: DeployFunction = async (hre) => {
  const ctx = await stepContext(hre);
  for (const [contract, roles] of Object.entries(OPERATIONAL_ROLES)) {
    for (const role of roles) {
      for (const holder of roleHolders(role, ctx.params.live, ctx.deployer)) {
        await grantRoleOnce(ctx, contract, role, holder);
      }
    }
  }
};
func.tags = ["Keel", "Roles"];
func.dependencies = ["MarketRegistry", "CollateralVault", "OracleRegistry", "PositionManager", "InsuranceFund"];
export default func;
