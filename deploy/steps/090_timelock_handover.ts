/**
 * Step 90 (live networks only): deploy the KeelTimelock (an OpenZeppelin TimelockController), hand it
 * DEFAULT_ADMIN_ROLE on every contract and MARKET_ADMIN_ROLE on the registry, then renounce the deployer's roles.
 * Guarded: once handed over, nothing is sent again.
 */
import type { DeployFunction } from "hardhat-deploy/types";
import { grantRoleOnce, stepContext, type StepContext } from "../helpers";
import { timelockMembers } from "../params";

/** Roles the timelock takes over, by contract. */
const HANDED_OVER: Record<string, string[]> = {
  MarketRegistry: ["DEFAULT_ADMIN_ROLE", "MARKET_ADMIN_ROLE"],
  CollateralVault: ["DEFAULT_ADMIN_ROLE"],
  OracleRegistry: ["DEFAULT_ADMIN_ROLE"],
  PositionManager: ["DEFAULT_ADMIN_ROLE"],
  InsuranceFund: ["DEFAULT_ADMIN_ROLE"],
};

async function renounceOnce(ctx: StepContext, contract: string, role: string): Promise<void> {
  const { read, execute, log } = ctx.hre.deployments;
  const roleId = (await read(contract, role)) as string;
  if (!(await read(contract, "hasRole", roleId, ctx.deployer))) return;
  await execute(contract, { from: ctx.deployer, log: true }, "renounceRole", roleId, ctx.deployer);
  log(`deployer renounced ${role} on ${contract}`);
}

const func: DeployFunction = async (hre) => {
  const ctx = await stepContext(hre);
  const { proposers, executors } = timelockMembers(ctx.deployer);
  const timelock = await hre.deployments.deploy("KeelTimelock", {
    from: ctx.deployer,
    args: [ctx.params.timelockMinDelaySec, proposers, executors],
    log: true,
  });
  for (const [contract, roles] of Object.entries(HANDED_OVER)) {
    // Grant everything before renouncing anything: granting needs the admin role the deployer gives up.
    for (const role of roles) await grantRoleOnce(ctx, contract, role, timelock.address);
    for (const role of roles) await renounceOnce(ctx, contract, role);
  }
};
func.tags = ["Keel", "Timelock"];
func.dependencies = ["Markets"];
func.skip = async (hre) => !(await stepContext(hre)).params.live;
export default func;
