import { expect } from "chai";
import { deployKeel, wad } from "../../fixtures/keel";
import {
  HyperCoreMode,
  MarketKind,
  WAD,
  baseGroup,
  describeBounds,
  describeSetter,
  expectOutOfBounds,
  marketOf,
  setGroup,
} from "./helpers";

const DEVIATION = { min: wad("0.0001"), max: WAD / 2n };

describe("MarketRegistry.setOracleParams", function () {
  describeSetter("oracle", [
    {
      kind: MarketKind.Asset,
      changed: () => ({
        maxStalenessSec: 120,
        maxPushDeviationWad: wad("0.03"),
        hyperCoreMode: HyperCoreMode.Index,
        hyperCorePerpIndex: 3,
        hyperCoreSzDecimals: 4,
        maxRefDeviationWad: wad("0.01"),
      }),
    },
    {
      kind: MarketKind.Bounded,
      changed: () => ({
        maxStalenessSec: 600,
        maxPushDeviationWad: wad("0.1"),
        hyperCoreMode: HyperCoreMode.None,
        hyperCorePerpIndex: 7,
        hyperCoreSzDecimals: 2,
        maxRefDeviationWad: wad("0.05"),
      }),
    },
  ]);

  describeBounds("oracle", MarketKind.Asset, [
    { param: "maxStalenessSec", field: "maxStalenessSec", type: "uint32", min: 1n, max: 3600n },
    { param: "maxPushDeviationWad", field: "maxPushDeviationWad", type: "uint64", ...DEVIATION },
    // None, Reference and Index are all allowed for ASSET: the bound is the enum's own range.
    { param: "hyperCoreMode", field: "hyperCoreMode", type: "HyperCoreMode", min: 0n, max: 2n },
    // Not bounded by the contract: any HyperCore perp index is accepted.
    { param: "hyperCorePerpIndex", field: "hyperCorePerpIndex", type: "uint32", min: 0n, max: (1n << 32n) - 1n },
    { param: "hyperCoreSzDecimals", field: "hyperCoreSzDecimals", type: "uint8", min: 0n, max: 6n },
    { param: "maxRefDeviationWad", field: "maxRefDeviationWad", type: "uint64", ...DEVIATION },
  ]);

  describeBounds("oracle", MarketKind.Bounded, [
    // HyperCore lists no event markets: only None.
    { param: "hyperCoreMode", note: "(None only)", field: "hyperCoreMode", type: "HyperCoreMode", min: 0n, max: 0n },
  ]);

  it("rejects HyperCoreMode.Index on a BOUNDED market", async function () {
    const { registry } = await deployKeel();
    const params = { ...baseGroup("oracle", MarketKind.Bounded), hyperCoreMode: HyperCoreMode.Index };
    const tx = setGroup(registry, "oracle", marketOf(MarketKind.Bounded), params);
    await expectOutOfBounds(registry, tx, "hyperCoreMode", BigInt(HyperCoreMode.Index), 0n, 0n);
  });

  it("rejects a hyperCoreMode outside the enum in ABI decoding, without a reason", async function () {
    const { registry } = await deployKeel();
    const params = { ...baseGroup("oracle", MarketKind.Asset), hyperCoreMode: 3 };
    await expect(setGroup(registry, "oracle", marketOf(MarketKind.Asset), params)).to.be.revertedWithoutReason();
  });
});
