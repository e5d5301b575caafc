/**
 * Step 20: list the network's markets (deploy/params.ts), activate those marked so, and set the backstop's exposure
 * cap in each (while the deployer still administers the InsuranceFund). A symbol already listed is
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

/** Sets each listed market's backstop exposure cap where it differs (a timelock operation once handed over). */
async function setExposureCaps(ctx: StepContext, idOf: (symbol: string) => Promise<number>): Promise<void> {
  const { read, execute, log } = ctx.hre.deployments;
  const admin = (await read("InsuranceFund", "DEFAULT_ADMIN_ROLE")) as string;
  const canSet = (await read("InsuranceFund", "hasRole", admin, ctx.deployer)) as boolean;
  for (const market of ctx.params.markets) {
    const id = await idOf(market.symbol);
    if (id === 0) continue;
    const current = BigInt(String(await read("InsuranceFund", "backstopExposureCap", id)));
    if (current === market.backstopExposureCapWad) continue;
    if (!canSet) {
      log(`not setting the ${market.symbol} exposure cap: the InsuranceFund is administered by the timelock`);
      continue;
    }
    await execute(
      "InsuranceFund",
      { from: ctx.deployer, log: true },
      "setBackstopExposureCap",
      id,
      market.backstopExposureCapWad,
    );
    log(`backstop exposure cap of ${market.symbol} set to ${market.backstopExposureCapWad}`);
  }
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
  await setExposureCaps(ctx, idOf);
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
  await setExposureCaps(ctx, idOf);
};
func.tags = ["Keel", "Markets"];
func.dependencies = ["Roles"];
export default func;
