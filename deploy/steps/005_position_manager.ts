/**
 * Step 5: the PositionManager (with its external libraries: BatchSettlement, BookLiquidation, Waterfall, Resolution)
 * and its wiring: the vault's MARGIN_ENGINE_ROLE and `setMarginEngine`, the registry's LIFECYCLE_ENGINE_ROLE, all
 * guarded so that a second deploy sends nothing. Its insurance fund starts as the deployer; step 6 sets the
 * InsuranceFund contract.
 */
import type { DeployFunction } from "hardhat-deploy/types";
import { grantRoleOnce, stepContext } from "../helpers";
import { protocolAccounts } from "../params";

const func: DeployFunction = async (hre) => {
  const ctx = await stepContext(hre);
  const { deploy, get, read, execute, log } = hre.deployments;
  const { feeRecipient } = protocolAccounts(ctx.params.live, await hre.getNamedAccounts());
  const vault = await get("CollateralVault");
  const libraries: Record<string, string> = {};
  for (const name of ["BatchSettlement", "BookLiquidation", "Waterfall", "Resolution"]) {
    libraries[name] = (await deploy(name, { from: ctx.deployer, log: true })).address;
  }
  const manager = await deploy("PositionManager", {
    from: ctx.deployer,
    args: [
      vault.address,
      (await get("MarketRegistry")).address,
      (await get("OracleRegistry")).address,
      ctx.deployer,
      feeRecipient,
      // Replaced by the InsuranceFund contract in step 6 (the fund needs this contract's address first).
      ctx.deployer,
    ],
    libraries,
    log: true,
  });
  await grantRoleOnce(ctx, "CollateralVault", "MARGIN_ENGINE_ROLE", manager.address);
  await grantRoleOnce(ctx, "MarketRegistry", "LIFECYCLE_ENGINE_ROLE", manager.address);
  if (((await read("CollateralVault", "marginEngine")) as string) !== manager.address) {
    await execute("CollateralVault", { from: ctx.deployer, log: true }, "setMarginEngine", manager.address);
    log(`vault margin engine set to PositionManager ${manager.address}`);
  }
};
func.tags = ["Keel", "PositionManager"];
func.dependencies = ["CollateralVault", "OracleRegistry"];
export default func;
