import { expect } from "chai";
import type { BaseContract } from "ethers";
import { BTC_USD, SENATE22_R, deployKeel } from "../../fixtures/keel";
import {
  GROUPS,
  GROUP_NAMES,
  MarketKind,
  MarketStatus,
  UNKNOWN_ID,
  baseConfig,
  expectDeep,
  listDraft,
  minedAt,
  readGroup,
} from "./helpers";

const DEPLOYED = [
  { marketId: BTC_USD, symbol: "BTC-USD", kind: MarketKind.Asset },
  { marketId: SENATE22_R, symbol: "SENATE22-R", kind: MarketKind.Bounded },
];

describe("MarketRegistry views", function () {
  it("marketCount counts every market listed", async function () {
    const { registry } = await deployKeel();
    expect(await registry.marketCount()).to.equal(2);
    await listDraft(registry);
    expect(await registry.marketCount()).to.equal(3);
  });

  it("marketIdBySymbol finds each market and returns 0 for an unknown symbol", async function () {
    const { registry } = await deployKeel();
    for (const { marketId, symbol } of DEPLOYED) expect(await registry.marketIdBySymbol(symbol)).to.equal(marketId);
    for (const unknown of ["", "ETH-USD", "btc-usd", "BTC-USD "]) {
      expect(await registry.marketIdBySymbol(unknown), JSON.stringify(unknown)).to.equal(0);
    }
  });

  it("marketInfo returns symbol, kind, status and the time of the last status change", async function () {
    const { registry } = await deployKeel();
    for (const { marketId, symbol, kind } of DEPLOYED) {
      const info = await registry.marketInfo(marketId);
      expect([info.symbol, info.kind, info.status]).to.deep.equal([symbol, BigInt(kind), BigInt(MarketStatus.Active)]);
      expect(info.statusChangedAt).to.be.greaterThan(0n);
    }
    const listedAt = await minedAt(registry.listMarket("ETH-USD", MarketKind.Asset, baseConfig(MarketKind.Asset)));
    expectDeep(await registry.marketInfo(3), {
      symbol: "ETH-USD",
      kind: MarketKind.Asset,
      status: MarketStatus.Draft,
      statusChangedAt: listedAt,
    });
  });

  it("marketStatus returns each status, and None for an unknown id without reverting", async function () {
    const { registry } = await deployKeel();
    const draft = await listDraft(registry);
    await registry.beginResolving(SENATE22_R);
    expect(await registry.marketStatus(draft)).to.equal(MarketStatus.Draft);
    expect(await registry.marketStatus(BTC_USD)).to.equal(MarketStatus.Active);
    expect(await registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Resolving);
    for (const unknown of [0, UNKNOWN_ID]) expect(await registry.marketStatus(unknown)).to.equal(MarketStatus.None);
  });

  it("the group getters return the deployed configs", async function () {
    const { registry } = await deployKeel();
    for (const { marketId, kind } of DEPLOYED) {
      for (const group of GROUP_NAMES) {
        expectDeep(await readGroup(registry, group, marketId), baseConfig(kind)[group], `${group} of ${marketId}`);
      }
    }
  });

  it("oracleGuards returns kind, status, price limits and oracle parameters in one call", async function () {
    const { registry } = await deployKeel();
    await registry.beginResolving(SENATE22_R);
    const statuses: Record<number, MarketStatus> = {
      [BTC_USD]: MarketStatus.Active,
      [SENATE22_R]: MarketStatus.Resolving,
    };
    for (const { marketId, kind } of DEPLOYED) {
      const { trading, oracle } = baseConfig(kind);
      expectDeep(await registry.oracleGuards(marketId), {
        kind,
        status: statuses[marketId],
        minPriceWad: trading.minPriceWad,
        maxPriceWad: trading.maxPriceWad,
        oracle,
      });
    }
  });

  describe("unknown ids", function () {
    const views = ["marketInfo", ...GROUP_NAMES.map((group) => GROUPS[group].getter), "oracleGuards"];
    for (const view of views) {
      it(`${view} reverts MarketNotFound`, async function () {
        const { registry } = await deployKeel();
        for (const marketId of [0, UNKNOWN_ID]) {
          await expect((registry as BaseContract).getFunction(view)(marketId))
            .to.be.revertedWithCustomError(registry, "MarketNotFound")
            .withArgs(marketId);
        }
      });
    }
  });
});
