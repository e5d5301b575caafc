/**
 * Step 20: list the network's markets (deploy/params.ts) and activate those marked so. A symbol already listed is
 * left alone: parameter changes on a live market are timelock operations, never a redeploy. While it still
 * administers the registry, the deployer takes MARKET_ADMIN_ROLE to list (the hand-over step takes it back on live
 * networks); once handed over, listing is a timelock operation and this step only reports.
 */
import type { DeployFunction } from "hardhat-deploy/types";
import { grantRoleOnce, stepContext, type StepContext } from "../helpers";
import { MarketStatus } from "../params";

async function deployerCanList(ctx: StepContext): Promise<boolean> {
  const { read } = ctx.hre.deployments;
  const marketAdmin = (await read("MarketRegistry", "MARKET_ADMIN_ROLE")) as string;
  if (await read("MarketRegistry", "hasRole", marketAdmin, ctx.deployer)) return true;
  const admin = (await read("MarketRegistry", "DEFAULT_ADMIN_ROLE")) as string;
  if (!(await read("MarketRegistry", "hasRole", admin, ctx.deployer))) return false;
  await grantRoleOnce(ctx, "MarketRegistry", "MARKET_ADMIN_ROLE", ctx.deployer);
  return true;
}

const func: DeployFunction = async (hre) => {
  const ctx = await stepContext(hre);
  const { read, execute, log } = hre.deployments;
  const idOf = async (symbol: string) => Number(await read("MarketRegistry", "marketIdBySymbol", symbol));
  const unlisted = [];
  for (const market of ctx.params.markets) if ((await idOf(market.symbol)) === 0) unlisted.push(market.symbol);
  const toActivate = [];
  for (const market of ctx.params.markets) {
    const id = await idOf(market.symbol);
    if (
      market.activate &&
      (id === 0 || Number(await read("MarketRegistry", "marketStatus", id)) === MarketStatus.Draft)
    ) {
      toActivate.push(market.symbol);
    }
  }
  if (unlisted.length + toActivate.length === 0) return;
  if (!(await deployerCanList(ctx))) {
    log(
      `not listing ${[...new Set([...unlisted, ...toActivate])].join(", ")}: the registry is administered by the timelock`,
    );
    return;
  }
  for (const market of ctx.params.markets) {
    if (unlisted.includes(market.symbol)) {
      await execute(
        "MarketRegistry",
        { from: ctx.deployer, log: true },
        "listMarket",
        market.symbol,
        market.kind,
        market.config,
      );
      log(`listed ${market.symbol} as market ${await idOf(market.symbol)}`);
    }
    if (toActivate.includes(market.symbol)) {
      await execute("MarketRegistry", { from: ctx.deployer, log: true }, "activateMarket", await idOf(market.symbol));
      log(`activated ${market.symbol}`);
    }
  }
};
func.tags = ["Keel", "Markets"];
func.dependencies = ["Roles"];
export default func;
