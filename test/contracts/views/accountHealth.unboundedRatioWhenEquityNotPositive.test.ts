/**
 * accountHealth (IPositionManager): `marginRatioWad` is maintenance / equity, and `type(uint256).max` when an account
 * with positions has no positive equity left — the worst ratio there is, never a division by zero or a negative.
 *
 * Setup (waterfall/backstop/helpers.ts, fees off): alice holds 1,000 USD and is long 0.3 BTC from 60,000. At 56,000
 * her equity is 1,000 − 0.3 · 4,000 = −200 and her maintenance 0.3 · 56,000 · 1% = 168; at 59,000 it is 700 / 177.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { useSolvencyInvariant } from "../../fixtures/keel";
import { BTC_USD, backstopSetup, moveBtc, wad } from "../waterfall/backstop/helpers";

describe("PositionManager.accountHealth margin ratio", function () {
  useSolvencyInvariant();

  it("is maintenance / equity while equity is positive", async function () {
    const f = await backstopSetup();
    await moveBtc(f, wad("59000"));

    const h = await f.pm.accountHealth(f.alice.address);

    expect([h.equityWad, h.maintenanceMarginWad, h.liquidatable]).to.deep.equal([wad("700"), wad("177"), false]);
    // 177 / 700 = 0.252857142857142857 (rounded down).
    expect(h.marginRatioWad).to.equal((wad("177") * 10n ** 18n) / wad("700"));
  });

  it("is type(uint256).max once equity is negative", async function () {
    const f = await backstopSetup();
    await moveBtc(f, wad("56000"));

    const h = await f.pm.accountHealth(f.alice.address);

    expect([h.equityWad, h.maintenanceMarginWad, h.liquidatable]).to.deep.equal([-wad("200"), wad("168"), true]);
    expect(h.marginRatioWad).to.equal(ethers.MaxUint256);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.3"));
  });

  it("is 0 for an account without positions", async function () {
    const f = await backstopSetup();

    const h = await f.pm.accountHealth(f.carol.address);

    expect([h.equityWad, h.maintenanceMarginWad, h.marginRatioWad, h.liquidatable]).to.deep.equal([
      wad("100000"),
      0n,
      0n,
      false,
    ]);
  });
});
