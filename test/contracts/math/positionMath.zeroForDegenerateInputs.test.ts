/**
 * PositionMath (libraries/PositionMath.sol) answers 0 — never a revert, never a wrapped value — for the degenerate
 * inputs its callers in the contracts filter out before calling it, so that the library is safe on its own (the SDK's
 * mirrors in keepers/sdk/math.ts follow the same rules). Read through PositionMathHarness.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { PositionMathHarness } from "../../../keepers/sdk/typechain";
import { MarketKind } from "../../../keepers/sdk/markets";
import { btcUsd, HyperCoreMode } from "../../../deploy/params";
import { wad } from "../../fixtures/keel";

const BTC = btcUsd(HyperCoreMode.None);

async function harness(): Promise<PositionMathHarness> {
  return (await ethers.deployContract("PositionMathHarness")) as unknown as PositionMathHarness;
}

describe("PositionMath on degenerate inputs", function () {
  it("fundingOwed is 0 for a flat position whatever the index did, and for an index that did not move", async function () {
    const h = await harness();
    expect(await h.fundingOwed(0n, wad("10"), wad("250"))).to.equal(0n);
    expect(await h.fundingOwed(wad("0.3"), wad("10"), wad("10"))).to.equal(0n);
    // For contrast: 0.3 · (250 − 10) = 72 paid by a long, received by a short.
    expect(await h.fundingOwed(wad("0.3"), wad("10"), wad("250"))).to.equal(wad("72"));
    expect(await h.fundingOwed(-wad("0.3"), wad("10"), wad("250"))).to.equal(-wad("72"));
  });

  it("requirements are (0, 0) for a flat position", async function () {
    const h = await harness();
    for (const kind of [MarketKind.Asset, MarketKind.Bounded]) {
      expect(await h.requirements(kind, BTC.tiers, BTC.margin, wad("100"), 0n, wad("60000"))).to.deep.equal([0n, 0n]);
    }
    // For contrast: 0.3 at 60,000 needs 18,000 · imf (2% + 3% · 100 / 1,000 = 2.3%) and 1% of 18,000.
    expect(
      await h.requirements(MarketKind.Asset, BTC.tiers, BTC.margin, wad("100"), wad("0.3"), wad("60000")),
    ).to.deep.equal([wad("414"), wad("180")]);
  });

  it("liquidationPrice is 0 when no positive price qualifies, long or short", async function () {
    const h = await harness();
    const mmf = wad("0.01");
    // A long with equity above its notional: equity − 0.3 · 60,000 > 0 at any price.
    expect(await h.liquidationPrice(wad("0.3"), wad("60000"), wad("20000"), 0n, mmf)).to.equal(0n);
    // A short whose equity does not even cover the maintenance of the other positions plus the short's own value:
    // it is below maintenance at every price (numerator 500 − (−19,000) − 18,000 = 1,500 ≥ 0).
    expect(await h.liquidationPrice(-wad("0.3"), wad("60000"), -wad("19000"), wad("500"), mmf)).to.equal(0n);
    // For contrast, a funded short: 1,000 + 0.3 · (60,000 − p) = 0.3 · p · 1% at p = 19,000 / 0.303, rounded down
    // (toward the mark: the warning comes early).
    expect(await h.liquidationPrice(-wad("0.3"), wad("60000"), wad("1000"), 0n, mmf)).to.equal(
      (wad("19000") * wad("1")) / wad("0.303"),
    );
  });

  it("adlScore is 0 for a flat or unprofitable position and the maximum for a profitable one with no equity", async function () {
    const h = await harness();
    expect(await h.adlScore(0n, 0n, wad("60000"), wad("100"), wad("1000"))).to.equal(0n);
    expect(await h.adlScore(wad("0.3"), wad("18000"), wad("59000"), -wad("300"), wad("1000"))).to.equal(0n);
    expect(await h.adlScore(wad("0.3"), wad("18000"), wad("60000"), 0n, wad("1000"))).to.equal(0n);
    expect(await h.adlScore(wad("0.3"), wad("18000"), wad("61000"), wad("300"), 0n)).to.equal(ethers.MaxUint256);
  });
});
