import { wad } from "../../fixtures/keel";
import { MarketKind, UINT128_MAX, WAD, baseGroup, describeBounds, describeSetter } from "./helpers";

/** Positions are stored as int96, so the open-interest cap stops there (MarketParamsLib.MAX_OPEN_INTEREST_WAD). */
const INT96_MAX = (1n << 95n) - 1n;

const base = baseGroup("margin", MarketKind.Asset);

describe("MarketRegistry.setMarginParams", function () {
  describeSetter("margin", [
    {
      kind: MarketKind.Asset,
      changed: () => ({
        imfLowWad: wad("0.03"),
        imfHighWad: wad("0.1"),
        oiSaturationWad: wad("2000"),
        maxOpenInterestWad: wad("8000"),
      }),
    },
  ]);

  describeBounds("margin", MarketKind.Asset, [
    {
      param: "imfLowWad",
      field: "imfLowWad",
      type: "uint64",
      min: wad("0.001"),
      max: WAD,
      with: { imfHighWad: WAD },
    },
    // Relational: imfHighWad ≥ imfLowWad.
    {
      param: "imfHighWad",
      note: "(≥ imfLowWad)",
      field: "imfHighWad",
      type: "uint64",
      min: base.imfLowWad,
      max: WAD,
    },
    { param: "oiSaturationWad", field: "oiSaturationWad", type: "uint128", min: 1n, max: UINT128_MAX },
    { param: "maxOpenInterestWad", field: "maxOpenInterestWad", type: "uint128", min: 1n, max: INT96_MAX },
  ]);
});
