/**
 * Step 5: the PositionManager (with its BatchSettlement library) and its wiring to the vault: the vault's
 * MARGIN_ENGINE_ROLE and `setMarginEngine`, both guarded so that a second deploy sends nothing.
 */
import type { DeployFunction } from "hardhat-deploy/types";
import { grantRoleOnce, stepContext } from "../helpers";
import { protocolAccounts } from "../params";

const func: DeployFunction = async (hre) => {
  const ctx = await stepContext(hre);
  const { deploy, get, read, execute, log } = hre.deployments;
  const { feeRecipient, insuranceFund } = protocolAccounts(ctx.params.live, await hre.getNamedAccounts());
  const vault = await get("CollateralVault");
  const settlement = await deploy("BatchSettlement", { from: ctx.deployer, log: true });
  const manager = await deploy("PositionManager", {
    from: ctx.deployer,
    args: [
      vault.address,
      (await get("MarketRegistry")).address,
      (await get("OracleRegistry")).address,
      ctx.deployer,
      feeRecipient,
      insuranceFund,
    ],
    libraries: { BatchSettlement: settlement.address },
    log: true,
  });
  await grantRoleOnce(ctx, "CollateralVault", "MARGIN_ENGINE_ROLE", manager.address);
  if (((await read("CollateralVault", "marginEngine")) as string) !== manager.address) {
    await execute("CollateralVault", { from: ctx.deployer, log: true }, "setMarginEngine", manager.address);
    log(`vault margin engine set to PositionManager ${manager.address}`);
  }
};
func.tags = ["Keel", "PositionManager"];
func.dependencies = ["CollateralVault", "OracleRegistry"];
export default func;
