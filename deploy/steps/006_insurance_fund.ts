/**
 * Step 6: the InsuranceFund — the insurance fund's vault account and the backstop account — wired to the
 * PositionManager both ways: the fund grants it MARGIN_ENGINE_ROLE (to ask for cover) and becomes its insurance fund.
 * Guarded: a second deploy sends nothing.
 */
import type { DeployFunction } from "hardhat-deploy/types";
import { grantRoleOnce, stepContext } from "../helpers";

const func: DeployFunction = async (hre) => {
  const ctx = await stepContext(hre);
  const { deploy, get, read, execute, log } = hre.deployments;
  const manager = await get("PositionManager");
  const { maxDrawPerBlockWad, breakerWindowSec, breakerThresholdWad } = ctx.params.insurance;
  const fund = await deploy("InsuranceFund", {
    from: ctx.deployer,
    args: [manager.address, ctx.deployer, maxDrawPerBlockWad, breakerWindowSec, breakerThresholdWad],
    log: true,
  });
  await grantRoleOnce(ctx, "InsuranceFund", "MARGIN_ENGINE_ROLE", manager.address);
  if (((await read("PositionManager", "insuranceFund")) as string) !== fund.address) {
    await execute("PositionManager", { from: ctx.deployer, log: true }, "setInsuranceFund", fund.address);
    log(`PositionManager insurance fund set to InsuranceFund ${fund.address}`);
  }
};
func.tags = ["Keel", "InsuranceFund"];
func.dependencies = ["PositionManager"];
export default func;
