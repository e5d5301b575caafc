/**
 * A Settled market is final (DESIGN §9): every MarketRegistry setter reverts MarketNotConfigurable and the oracle
 * takes no more prices for it. SENATE22-R, never traded, goes Draft → Active → Resolving → Resolved and at once
 * Settled (no open interest) through the real resolution path.
 */
import { expect } from "chai";
import type { Result } from "ethers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { MarketStatus } from "../../../deploy/params";
import { SENATE22_R, deployKeel, wad, type KeelFixture } from "../../fixtures/keel";
import { beginResolving, resolveAt } from "../resolution/helpers";

async function settledEventMarket(): Promise<KeelFixture> {
  const f = await deployKeel();
  await beginResolving(f, SENATE22_R);
  await expect(resolveAt(f, SENATE22_R, wad("0.5"))).to.emit(f.pm, "MarketSettled");
  expect(await f.registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Settled);
  return f;
}

describe("a Settled market", function () {
  it("reverts MarketNotConfigurable(id, Settled) on every setter", async function () {
    const f = await settledEventMarket();
    const r = f.registry;
    const id = SENATE22_R;
    // Struct outputs are read-only ethers Results: copy them into plain objects to send them back.
    const plain = <T>(value: T): T => (value as unknown as Result).toObject(true) as T;
    const calls = await Promise.all([
      r.setTradingParams.populateTransaction(id, plain(await r.tradingParams(id))),
      r.setFeeParams.populateTransaction(id, plain(await r.feeParams(id))),
      r.setMarginParams.populateTransaction(id, plain(await r.marginParams(id))),
      r.setMarginTiers.populateTransaction(id, (await r.marginTiers(id)).map(plain)),
      r.setFundingParams.populateTransaction(id, plain(await r.fundingParams(id))),
      r.setLiquidationParams.populateTransaction(id, plain(await r.liquidationParams(id))),
      r.setOracleParams.populateTransaction(id, plain(await r.oracleParams(id))),
      r.setLifecycleParams.populateTransaction(id, plain(await r.lifecycleParams(id))),
    ]);

    for (const tx of calls) {
      await expect(f.deployer.sendTransaction(tx))
        .to.be.revertedWithCustomError(r, "MarketNotConfigurable")
        .withArgs(id, MarketStatus.Settled);
    }
  });

  it("reverts OracleMarketNotPriced(id, Settled) on a push", async function () {
    const f = await settledEventMarket();
    const at = (await time.latest()) + 1;
    await time.setNextBlockTimestamp(at);

    await expect(f.oracle.pushPrices([SENATE22_R], [wad("0.5")], [wad("0.5")], at))
      .to.be.revertedWithCustomError(f.oracle, "OracleMarketNotPriced")
      .withArgs(SENATE22_R, MarketStatus.Settled);
  });
});
