import { expect } from "chai";
import { BTC_USD, SENATE22_R, deployKeel, wad } from "../../fixtures/keel";
import {
  GROUPS,
  GROUP_NAMES,
  HyperCoreMode,
  MarketKind,
  MarketStatus,
  baseConfig,
  expectDeep,
  expectEvent,
  expectOutOfBounds,
  minedAt,
  parsedEvents,
  readGroup,
  zeroed,
  type MarketConfig,
} from "./helpers";

/** A new market of each kind (ids 3 and up: the deploy listed 1 and 2). */
const LISTINGS = [
  { title: "ASSET", symbol: "ETH-USD", kind: MarketKind.Asset, config: () => baseConfig(MarketKind.Asset) },
  {
    title: "BOUNDED",
    symbol: "ELECTION28-D",
    kind: MarketKind.Bounded,
    config: () => baseConfig(MarketKind.Bounded),
  },
];

describe("MarketRegistry.listMarket", function () {
  for (const { title, symbol, kind, config } of LISTINGS) {
    it(`lists a market in Draft with every parameter stored (${title})`, async function () {
      const { registry } = await deployKeel();
      expect(await registry.listMarket.staticCall(symbol, kind, config())).to.equal(3);
      const listedAt = await minedAt(registry.listMarket(symbol, kind, config()));

      expect(await registry.marketCount()).to.equal(3);
      expect(await registry.marketIdBySymbol(symbol)).to.equal(3);
      expect(await registry.marketStatus(3)).to.equal(MarketStatus.Draft);
      expectDeep(await registry.marketInfo(3), { symbol, kind, status: MarketStatus.Draft, statusChangedAt: listedAt });
      for (const group of GROUP_NAMES) {
        expectDeep(await readGroup(registry, group, 3), config()[group], group);
      }
    });

    const emitted = `MarketListed, MarketStatusChanged None→Draft and each group with zero old values (${title})`;
    it(`emits ${emitted}`, async function () {
      const { registry } = await deployKeel();
      const tx = registry.listMarket(symbol, kind, config());
      await expect(tx).to.emit(registry, "MarketListed").withArgs(3, symbol, kind);
      await expect(tx).to.emit(registry, "MarketStatusChanged").withArgs(3, MarketStatus.None, MarketStatus.Draft);

      const events = await parsedEvents(registry, tx);
      expect(events.map((e) => e.name)).to.deep.equal([
        "MarketListed",
        "MarketStatusChanged",
        ...GROUP_NAMES.map((group) => GROUPS[group].event),
      ]);
      for (const group of GROUP_NAMES) {
        await expectEvent(registry, tx, GROUPS[group].event, [3, zeroed(config()[group]), config()[group]]);
      }
    });
  }

  it("gives increasing ids and counts every market", async function () {
    const { registry } = await deployKeel();
    expect(await registry.marketCount()).to.equal(2);
    for (const [i, { symbol, kind, config }] of LISTINGS.entries()) {
      await expect(registry.listMarket(symbol, kind, config()))
        .to.emit(registry, "MarketListed")
        .withArgs(3 + i, symbol, kind);
      expect(await registry.marketCount()).to.equal(3 + i);
      expect(await registry.marketIdBySymbol(symbol)).to.equal(3 + i);
    }
  });

  describe("symbol", function () {
    const invalid: [string, string][] = [
      ["the empty symbol", ""],
      ["a 33-byte symbol", "A".repeat(33)],
      ["a 33-byte symbol of 11 characters", "€".repeat(11)],
    ];
    for (const [what, symbol] of invalid) {
      it(`reverts MarketSymbolInvalid for ${what}`, async function () {
        const { registry } = await deployKeel();
        await expect(registry.listMarket(symbol, MarketKind.Asset, baseConfig(MarketKind.Asset)))
          .to.be.revertedWithCustomError(registry, "MarketSymbolInvalid")
          .withArgs(symbol);
      });
    }

    it("accepts symbols of 1 and 32 bytes", async function () {
      const { registry } = await deployKeel();
      for (const symbol of ["X", "A".repeat(32)]) {
        await expect(registry.listMarket(symbol, MarketKind.Asset, baseConfig(MarketKind.Asset))).to.not.be.reverted;
        expect((await registry.marketInfo(await registry.marketIdBySymbol(symbol))).symbol).to.equal(symbol);
      }
    });

    it("reverts MarketSymbolTaken with the id of the market holding the symbol", async function () {
      const { registry } = await deployKeel();
      await registry.listMarket("ETH-USD", MarketKind.Asset, baseConfig(MarketKind.Asset));
      const taken: [string, number][] = [
        ["BTC-USD", BTC_USD],
        ["SENATE22-R", SENATE22_R],
        ["ETH-USD", 3],
      ];
      for (const [symbol, existing] of taken) {
        // Even with the other kind: symbols are unique across kinds.
        await expect(registry.listMarket(symbol, MarketKind.Bounded, baseConfig(MarketKind.Bounded)))
          .to.be.revertedWithCustomError(registry, "MarketSymbolTaken")
          .withArgs(symbol, existing);
      }
      expect(await registry.marketCount()).to.equal(3);
    });
  });

  describe("validation", function () {
    type Mutation = (config: MarketConfig) => void;
    /** [what, kind, mutation of the kind's base config, expected param, value, min, max] */
    const outOfBounds: [string, MarketKind, Mutation, string, bigint, bigint, bigint][] = [
      ["trading", MarketKind.Asset, (c) => void (c.trading.lotSizeWad = 0n), "lotSizeWad", 0n, 1n, 10n ** 24n],
      [
        "fees",
        MarketKind.Asset,
        (c) => void (c.fees.takerFeeWad = wad("0.01") + 1n),
        "takerFeeWad",
        wad("0.01") + 1n,
        0n,
        wad("0.01"),
      ],
      ["margin", MarketKind.Asset, (c) => void (c.margin.imfLowWad = 0n), "imfLowWad", 0n, wad("0.001"), wad("1")],
      ["tiers", MarketKind.Asset, (c) => void (c.tiers = []), "tiers.length", 0n, 1n, 8n],
      [
        "funding",
        MarketKind.Asset,
        (c) => void (c.funding.fundingIntervalSec = 299),
        "fundingIntervalSec",
        299n,
        300n,
        28800n,
      ],
      [
        "liquidation",
        MarketKind.Asset,
        (c) => void (c.liquidation.permissionlessAfterSec = 29),
        "permissionlessAfterSec",
        29n,
        30n,
        86400n,
      ],
      ["oracle", MarketKind.Asset, (c) => void (c.oracle.maxStalenessSec = 0), "maxStalenessSec", 0n, 1n, 3600n],
      [
        "lifecycle",
        MarketKind.Asset,
        (c) => void (c.lifecycle.disputeWindowSec = 599),
        "disputeWindowSec",
        599n,
        600n,
        7n * 86400n,
      ],
      // The bounds of the market's own kind apply from the listing on.
      [
        "BOUNDED trading with ASSET prices",
        MarketKind.Bounded,
        (c) => void (c.trading = baseConfig(MarketKind.Asset).trading),
        "minPriceWad",
        wad("1000"),
        10n ** 12n,
        wad("0.1"),
      ],
      [
        "a BOUNDED oracle referencing HyperCore",
        MarketKind.Bounded,
        (c) => void (c.oracle.hyperCoreMode = HyperCoreMode.Reference),
        "hyperCoreMode",
        1n,
        0n,
        0n,
      ],
    ];
    for (const [what, kind, mutate, param, value, min, max] of outOfBounds) {
      it(`reverts MarketParamOutOfBounds for ${what} and lists nothing`, async function () {
        const { registry } = await deployKeel();
        const config = baseConfig(kind);
        mutate(config);
        await expectOutOfBounds(registry, registry.listMarket("NEW-1", kind, config), param, value, min, max);
        expect(await registry.marketCount()).to.equal(2);
        expect(await registry.marketIdBySymbol("NEW-1")).to.equal(0);
      });
    }

    it("reverts MarketTiersNotAscending for tiers out of order", async function () {
      const { registry } = await deployKeel();
      const config = baseConfig(MarketKind.Asset);
      config.tiers = [config.tiers[1], config.tiers[0], config.tiers[2]];
      await expect(registry.listMarket("NEW-1", MarketKind.Asset, config))
        .to.be.revertedWithCustomError(registry, "MarketTiersNotAscending")
        .withArgs(1);
    });
  });
});
