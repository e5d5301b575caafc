import { wad } from "../../fixtures/keel";
import { MarketKind, WAD, baseGroup, describeBounds, describeSetter } from "./helpers";

const asset = baseGroup("trading", MarketKind.Asset);
const bounded = baseGroup("trading", MarketKind.Bounded);

describe("MarketRegistry.setTradingParams", function () {
  describeSetter("trading", [
    {
      kind: MarketKind.Asset,
      changed: () => ({
        lotSizeWad: wad("0.001"),
        tickSizeWad: wad("1"),
        minPriceWad: wad("500"),
        maxPriceWad: wad("20000000"),
        maxFillDeviationWad: wad("0.03"),
      }),
    },
    {
      kind: MarketKind.Bounded,
      changed: () => ({
        lotSizeWad: wad("1"),
        tickSizeWad: wad("0.0001"),
        minPriceWad: wad("0.01"),
        maxPriceWad: wad("0.99"),
        maxFillDeviationWad: wad("0.05"),
      }),
    },
  ]);

  describeBounds("trading", MarketKind.Asset, [
    { param: "lotSizeWad", field: "lotSizeWad", type: "uint128", min: 1n, max: 10n ** 24n },
    { param: "tickSizeWad", field: "tickSizeWad", type: "uint128", min: 1n, max: 10n ** 24n },
    {
      param: "minPriceWad",
      field: "minPriceWad",
      type: "uint128",
      min: 1n,
      max: 10n ** 30n - 1n,
      with: { maxPriceWad: 10n ** 30n },
    },
    // Relational: maxPriceWad > minPriceWad.
    {
      param: "maxPriceWad",
      note: "(> minPriceWad)",
      field: "maxPriceWad",
      type: "uint128",
      min: asset.minPriceWad + 1n,
      max: 10n ** 30n,
    },
    { param: "maxFillDeviationWad", field: "maxFillDeviationWad", type: "uint64", min: 10n ** 14n, max: WAD / 2n },
  ]);

  describeBounds("trading", MarketKind.Bounded, [
    { param: "lotSizeWad", field: "lotSizeWad", type: "uint128", min: 1n, max: 10n ** 24n },
    // Relational: a tick no larger than ε = minPriceWad; 0 fails the kind-independent check first.
    {
      param: "tickSizeWad",
      note: "(≤ minPriceWad)",
      field: "tickSizeWad",
      type: "uint128",
      min: 1n,
      max: bounded.minPriceWad,
      reportedBelow: [1n, 10n ** 24n],
    },
    // ε in [1e-6, 10%]; the tick is lowered so that ε = 1e-6 still holds a whole tick.
    {
      param: "minPriceWad",
      field: "minPriceWad",
      type: "uint128",
      min: 10n ** 12n,
      max: WAD / 10n,
      with: { tickSizeWad: 10n ** 12n },
    },
    // 1 − ε in [90%, 1 − 1e-6].
    { param: "maxPriceWad", field: "maxPriceWad", type: "uint128", min: WAD - WAD / 10n, max: WAD - 10n ** 12n },
    { param: "maxFillDeviationWad", field: "maxFillDeviationWad", type: "uint64", min: 10n ** 14n, max: WAD / 2n },
  ]);
});
