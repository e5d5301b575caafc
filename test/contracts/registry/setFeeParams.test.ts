import { wad } from "../../fixtures/keel";
import { MarketKind, WAD, baseGroup, describeBounds, describeSetter } from "./helpers";

const MAX_FEE = wad("0.01");
const base = baseGroup("fees", MarketKind.Asset);

describe("MarketRegistry.setFeeParams", function () {
  describeSetter("fees", [
    {
      kind: MarketKind.Asset,
      changed: () => ({ makerFeeWad: wad("-0.0001"), takerFeeWad: wad("0.0005"), insuranceShareWad: wad("0.5") }),
    },
  ]);

  describeBounds("fees", MarketKind.Asset, [
    { param: "takerFeeWad", field: "takerFeeWad", type: "uint64", min: 0n, max: MAX_FEE },
    // Relational: the rebate never exceeds the taker fee (makerFee ≥ −takerFee)...
    {
      param: "makerFeeWad",
      note: `(≥ −takerFee = −${base.takerFeeWad})`,
      field: "makerFeeWad",
      type: "int64",
      min: -base.takerFeeWad,
      max: MAX_FEE,
    },
    {
      param: "makerFeeWad",
      note: "(no rebate without a taker fee)",
      field: "makerFeeWad",
      type: "int64",
      min: 0n,
      max: MAX_FEE,
      with: { takerFeeWad: 0n },
    },
    // ...nor 0.1% once the taker fee is above it.
    {
      param: "makerFeeWad",
      note: "(≥ −0.1% with a 0.2% taker fee)",
      field: "makerFeeWad",
      type: "int64",
      min: -wad("0.001"),
      max: MAX_FEE,
      with: { takerFeeWad: wad("0.002") },
    },
    { param: "insuranceShareWad", field: "insuranceShareWad", type: "uint64", min: 0n, max: WAD },
  ]);
});
