/**
 * Step 20: list the network's markets (deploy/params.ts) and activate those marked so. A symbol already listed is
 * left alone: parameter changes on a live market are timelock operations, never a redeploy.
 */
import type { DeployFunction } from "hardhat-deploy/types";
import { stepContext } from "../helpers";

const MARKET_STATUS_DRAFT = 1;

const func: DeployFunction = async (hre) => {
  const { deployer, params } = await stepContext(hre);
  const { read, execute, log } = hre.deployments;
  const canList = (await read(
    "MarketRegistry",
    "hasRole",
    await read("MarketRegistry", "MARKET_ADMIN_ROLE"),
    deployer,
  )) as boolean;
  for (const market of params.markets) {
    let marketId = Number(await read("MarketRegistry", "marketIdBySymbol", market.symbol));
    if (marketId === 0) {
      if (!canList) {
        log(`skipping ${market.symbol}: the deployer does not hold MARKET_ADMIN_ROLE`);
        continue;
      }
      await execute(
        "MarketRegistry",
        { from: deployer, log: true },
        "listMarket",
        market.symbol,
        market.kind,
        market.config,
      );
      marketId = Number(await read("MarketRegistry", "marketIdBySymbol", market.symbol));
      log(`listed ${market.symbol} as market ${marketId}`);
    }
    const status = Number(await read("MarketRegistry", "marketStatus", marketId));
    if (market.activate && status === MARKET_STATUS_DRAFT && canList) {
      await execute("MarketRegistry", { from: deployer, log: true }, "activateMarket", marketId);
      log(`activated ${market.symbol}`);
    }
  }
};
func.tags = ["Keel", "Markets"];
func.dependencies = ["Roles"];
export default func;
