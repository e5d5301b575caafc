import { wad } from "../../fixtures/keel";
import { MarketKind, describeBounds, describeSetter } from "./helpers";

describe("MarketRegistry.setFundingParams", function () {
  describeSetter("funding", [
    {
      kind: MarketKind.Asset,
      changed: () => ({ fundingIntervalSec: 8 * 3600, fundingCapWad: wad("0.02"), interestRate8hWad: wad("0.0002") }),
    },
  ]);

  describeBounds("funding", MarketKind.Asset, [
    { param: "fundingIntervalSec", field: "fundingIntervalSec", type: "uint32", min: 300n, max: 8n * 3600n },
    { param: "fundingCapWad", field: "fundingCapWad", type: "uint64", min: wad("0.0001"), max: wad("0.04") },
    { param: "interestRate8hWad", field: "interestRate8hWad", type: "uint64", min: 0n, max: wad("0.001") },
  ]);
});
