import { expect } from "chai";
import { BTC_USD, deployKeel } from "../../fixtures/keel";
import { MarketKind, MarketStatus, UNKNOWN_ID, baseConfig, listDraft, minedAt } from "./helpers";

describe("MarketRegistry lifecycle", function () {
  describe("activateMarket", function () {
    it("moves a Draft market to Active, emits the change and stamps statusChangedAt", async function () {
      const { registry } = await deployKeel();
      const marketId = await listDraft(registry);
      const tx = registry.activateMarket(marketId);
      await expect(tx)
        .to.emit(registry, "MarketStatusChanged")
        .withArgs(marketId, MarketStatus.Draft, MarketStatus.Active);
      expect(await registry.marketStatus(marketId)).to.equal(MarketStatus.Active);
      const info = await registry.marketInfo(marketId);
      expect(info.status).to.equal(MarketStatus.Active);
      expect(info.statusChangedAt).to.equal(await minedAt(tx));
    });

    it("reverts MarketInvalidTransition from Active and from Resolving", async function () {
      const { registry } = await deployKeel();
      await expect(registry.activateMarket(BTC_USD))
        .to.be.revertedWithCustomError(registry, "MarketInvalidTransition")
        .withArgs(BTC_USD, MarketStatus.Active, MarketStatus.Active);
      await registry.beginResolving(BTC_USD);
      await expect(registry.activateMarket(BTC_USD))
        .to.be.revertedWithCustomError(registry, "MarketInvalidTransition")
        .withArgs(BTC_USD, MarketStatus.Resolving, MarketStatus.Active);
    });

    it("reverts MarketNotFound for an unknown id", async function () {
      const { registry } = await deployKeel();
      for (const marketId of [0, UNKNOWN_ID]) {
        await expect(registry.activateMarket(marketId))
          .to.be.revertedWithCustomError(registry, "MarketNotFound")
          .withArgs(marketId);
      }
    });
  });

  describe("beginResolving", function () {
    it("moves an Active market to Resolving, emits the change and stamps statusChangedAt", async function () {
      const { registry } = await deployKeel();
      const tx = registry.beginResolving(BTC_USD);
      await expect(tx)
        .to.emit(registry, "MarketStatusChanged")
        .withArgs(BTC_USD, MarketStatus.Active, MarketStatus.Resolving);
      expect(await registry.marketStatus(BTC_USD)).to.equal(MarketStatus.Resolving);
      expect((await registry.marketInfo(BTC_USD)).statusChangedAt).to.equal(await minedAt(tx));
    });

    it("is open to a RESOLVER_ROLE holder without MARKET_ADMIN_ROLE", async function () {
      const { registry, alice } = await deployKeel();
      await registry.grantRole(await registry.RESOLVER_ROLE(), alice.address);
      expect(await registry.hasRole(await registry.MARKET_ADMIN_ROLE(), alice.address)).to.equal(false);
      await expect(registry.connect(alice).beginResolving(BTC_USD))
        .to.emit(registry, "MarketStatusChanged")
        .withArgs(BTC_USD, MarketStatus.Active, MarketStatus.Resolving);
    });

    it("reverts MarketInvalidTransition from Draft and from Resolving", async function () {
      const { registry } = await deployKeel();
      const draft = await listDraft(registry);
      await expect(registry.beginResolving(draft))
        .to.be.revertedWithCustomError(registry, "MarketInvalidTransition")
        .withArgs(draft, MarketStatus.Draft, MarketStatus.Resolving);
      await registry.beginResolving(BTC_USD);
      await expect(registry.beginResolving(BTC_USD))
        .to.be.revertedWithCustomError(registry, "MarketInvalidTransition")
        .withArgs(BTC_USD, MarketStatus.Resolving, MarketStatus.Resolving);
    });

    it("reverts MarketNotFound for an unknown id", async function () {
      const { registry } = await deployKeel();
      for (const marketId of [0, UNKNOWN_ID]) {
        await expect(registry.beginResolving(marketId))
          .to.be.revertedWithCustomError(registry, "MarketNotFound")
          .withArgs(marketId);
      }
    });
  });

  it("walks Draft → Active → Resolving, stamping each change, with the parameters untouched", async function () {
    const { registry } = await deployKeel();
    const listedAt = await minedAt(registry.listMarket("ETH-USD", MarketKind.Asset, baseConfig(MarketKind.Asset)));
    expect((await registry.marketInfo(3)).statusChangedAt).to.equal(listedAt);
    const steps = [
      [() => registry.activateMarket(3), MarketStatus.Active],
      [() => registry.beginResolving(3), MarketStatus.Resolving],
    ] as const;
    let previous = listedAt;
    for (const [step, status] of steps) {
      const at = await minedAt(step());
      expect(at).to.be.greaterThan(previous);
      expect(await registry.marketInfo(3)).to.deep.equal(["ETH-USD", BigInt(MarketKind.Asset), BigInt(status), at]);
      previous = at;
    }
    expect(await registry.tradingParams(3)).to.deep.equal(Object.values(baseConfig(MarketKind.Asset).trading));
  });
});
