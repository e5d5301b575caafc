/**
 * Step 90 (live networks only): deploy an OpenZeppelin TimelockController and hand it the admin role of every
 * contract, then renounce the deployer's admin role. Guarded: once handed over, nothing is sent again.
 */
import type { DeployFunction } from "hardhat-deploy/types";
import { grantRoleOnce, stepContext } from "../helpers";
import { timelockMembers } from "../params";

const ADMINISTERED = ["MarketRegistry", "CollateralVault", "OracleRegistry"];
const DEFAULT_ADMIN_ROLE = "0x0000000000000000000000000000000000000000000000000000000000000000";

const func: DeployFunction = async (hre) => {
  const ctx = await stepContext(hre);
  const { deploy, read, execute, log } = hre.deployments;
  const { proposers, executors } = timelockMembers(ctx.deployer);
  const timelock = await deploy("TimelockController", {
    from: ctx.deployer,
    args: [ctx.params.timelockMinDelaySec, proposers, executors, "0x0000000000000000000000000000000000000000"],
    log: true,
  });
  for (const contract of ADMINISTERED) {
    await grantRoleOnce(ctx, contract, "DEFAULT_ADMIN_ROLE", timelock.address);
    for (const role of ["DEFAULT_ADMIN_ROLE", "MARKET_ADMIN_ROLE"]) {
      const abi = (await hre.deployments.get(contract)).abi as { name?: string }[];
      if (!abi.some((f) => f.name === role)) continue;
      const roleId = role === "DEFAULT_ADMIN_ROLE" ? DEFAULT_ADMIN_ROLE : ((await read(contract, role)) as string);
      if (role === "MARKET_ADMIN_ROLE") await grantRoleOnce(ctx, contract, role, timelock.address);
      if (await read(contract, "hasRole", roleId, ctx.deployer)) {
        await execute(contract, { from: ctx.deployer, log: true }, "renounceRole", roleId, ctx.deployer);
        log(`deployer renounced ${role} on ${contract}`);
      }
    }
  }
};
func.tags = ["Keel", "Timelock"];
func.dependencies = ["Markets"];
func.skip = async (hre) => !(await stepContext(hre)).params.live;
export default func;
