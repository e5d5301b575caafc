/** Shared helpers of the deploy steps: idempotent role grants and the deployer's context. */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { networkParams, type NetworkParams } from "./params";

/** The deployer, the network's parameters and hardhat-deploy's helpers, for one step. */
export interface StepContext {
  deployer: string;
  params: NetworkParams;
  hre: HardhatRuntimeEnvironment;
}

/** Reads the deployer and the network's parameters. */
export async function stepContext(hre: HardhatRuntimeEnvironment): Promise<StepContext> {
  const { deployer } = await hre.getNamedAccounts();
  return { deployer, params: networkParams(hre.network.name), hre };
}

/** Grants `role` (a role constant's name, e.g. "ORACLE_ROLE") on `contract` to `account` unless it already has it. */
export async function grantRoleOnce(ctx: StepContext, contract: string, role: string, account: string): Promise<void> {
  const { read, execute, log } = ctx.hre.deployments;
  const roleId = (await read(contract, role)) as string;
  if (await read(contract, "hasRole", roleId, account)) return;
  const adminRole = (await read(contract, "getRoleAdmin", roleId)) as string;
  if (!(await read(contract, "hasRole", adminRole, ctx.deployer))) {
    throw new Error(
      `The deployer ${ctx.deployer} no longer administers ${contract} (handed over to the timelock): ` +
        `grant ${role} to ${account} with a timelock operation instead`,
    );
  }
  await execute(contract, { from: ctx.deployer, log: true }, "grantRole", roleId, account);
  log(`granted ${role} on ${contract} to ${account}`);
}
