import { wad } from "../../fixtures/keel";
import { MarketKind, UINT128_MAX, WAD, describeBounds, describeSetter } from "./helpers";

describe("MarketRegistry.setLiquidationParams", function () {
  describeSetter("liquidation", [
    {
      kind: MarketKind.Asset,
      changed: () => ({
        liquidationFeeWad: wad("0.01"),
        partialFractionWad: wad("0.5"),
        liquidationBandWad: wad("0.03"),
        cooldownSec: 60,
        permissionlessAfterSec: 600,
        partialThresholdWad: wad("200000"),
        maxLiquidationNotionalPerBlockWad: wad("5000000"),
      }),
    },
  ]);

  describeBounds("liquidation", MarketKind.Asset, [
    { param: "liquidationFeeWad", field: "liquidationFeeWad", type: "uint64", min: 0n, max: wad("0.05") },
    { param: "partialFractionWad", field: "partialFractionWad", type: "uint64", min: wad("0.01"), max: WAD },
    { param: "liquidationBandWad", field: "liquidationBandWad", type: "uint64", min: wad("0.0001"), max: WAD / 2n },
    { param: "cooldownSec", field: "cooldownSec", type: "uint32", min: 0n, max: 3600n },
    { param: "permissionlessAfterSec", field: "permissionlessAfterSec", type: "uint32", min: 30n, max: 86400n },
    // Not bounded by the contract: the whole uint128 range is accepted.
    { param: "partialThresholdWad", field: "partialThresholdWad", type: "uint128", min: 0n, max: UINT128_MAX },
    {
      param: "maxLiquidationNotionalPerBlockWad",
      field: "maxLiquidationNotionalPerBlockWad",
      type: "uint128",
      min: 1n,
      max: UINT128_MAX,
    },
  ]);
});
