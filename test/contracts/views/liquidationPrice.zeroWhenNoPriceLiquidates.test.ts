/**
 * liquidationPrice (IPositionManager, DESIGN §8): the mark at which the account reaches maintenance, other marks held;
 * 0 when there is no position, or when no positive price would liquidate it (a long backed by more than its notional).
 *
 * A leveraged long for contrast (fees off): 1,000 USD, long 0.3 from 60,000: equity 1,000 + 0.3 · (p − 60,000)
 * meets maintenance 0.3 · p · 1% at p = 17,000 / 0.297, rounded up.
 */
import { expect } from "chai";
import { fund, usdc, useSolvencyInvariant } from "../../fixtures/keel";
import { trade } from "../trading/helpers";
import { BTC_PRICE, BTC_USD, SENATE22_R, backstopSetup, wad } from "../waterfall/backstop/helpers";

const WAD = 10n ** 18n;

describe("PositionManager.liquidationPrice", function () {
  useSolvencyInvariant();

  it("is the price where equity meets maintenance for a leveraged long", async function () {
    const f = await backstopSetup();
    const divisor = (wad("0.3") * wad("0.99")) / WAD;
    const expected = (wad("17000") * WAD + divisor - 1n) / divisor;

    expect(await f.pm.liquidationPrice(f.alice.address, BTC_USD)).to.equal(expected);
    expect(expected / WAD).to.equal(57239n);
  });

  it("is 0 for a long that no positive price can bring below maintenance", async function () {
    const f = await backstopSetup();
    // Carol holds 100,000 and buys 0.3 (notional 18,000): at any price p ≥ 0 her equity 82,000 + 0.3 · p stays
    // above 0.3 · p · 1%.
    await trade(f, f.bob, f.carol, "buy", wad("0.3"), BTC_PRICE);

    expect(await f.pm.liquidationPrice(f.carol.address, BTC_USD)).to.equal(0n);
    expect((await f.pm.accountHealth(f.carol.address)).liquidatable).to.equal(false);
  });

  it("is 0 in a market where the account has no position", async function () {
    const f = await backstopSetup();
    await fund(f, f.outsider, usdc(10));

    expect(await f.pm.liquidationPrice(f.alice.address, SENATE22_R)).to.equal(0n);
    expect(await f.pm.liquidationPrice(f.outsider.address, BTC_USD)).to.equal(0n);
  });
});
