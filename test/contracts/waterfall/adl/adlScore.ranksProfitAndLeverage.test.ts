/**
 * adlScore (ILiquidationWaterfall-adlScore, DESIGN §8): `profit ratio · notional / equity`, wad, with the profit ratio
 * mark / entry for a long and entry / mark for a short (computed as notional / |openNotional| or its inverse, rounded
 * down, then times notional / equity rounded down); 0 for a flat or losing position; type(uint256).max when the
 * position is in profit but the account's equity is ≤ 0. Ranking counterparties by it puts the most leveraged,
 * most profitable first, and that order closes the bankrupt position.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { fund, usdc, useSolvencyInvariant } from "../../../fixtures/keel";
import { receiptOf, walkPrices } from "../../trading/behaviourHelpers";
import { BANKRUPT_MARK, BTC_USD, SENATE22_R, adl, adlEvents, equityOf, openTrade, setupAdl, wad } from "./helpers";

const MAX_UINT = 2n ** 256n - 1n;

describe("PositionManager.adlScore", function () {
  useSolvencyInvariant();

  it("scores a profitable long as (mark / entry) · notional / equity and its losing short as 0", async function () {
    const f = await setupAdl();
    await openTrade(f, f.bob, f.carol, wad("0.1"), wad("60000")); // bob +0.1, carol −0.1
    await walkPrices(f, { [BTC_USD]: wad("61200") });
    // bob: notional 0.1 · 61,200 = 6,120, basis 6,000, ratio 6,120 / 6,000 = 1.02; equity 100,000 + 120 = 100,120.
    // score = ⌊1.02e18 · 6,120e18 / 100,120e18⌋ = ⌊6,242.4e18 / 100,120⌋ = 0.062349180982820615
    expect(await equityOf(f, f.bob)).to.equal(wad("100120"));
    expect(await f.pm.adlScore(f.bob.address, BTC_USD)).to.equal(62349180982820615n);
    // carol's short loses 120: 0. A flat account and a market without a position: 0.
    expect(await f.pm.adlScore(f.carol.address, BTC_USD)).to.equal(0n);
    expect(await f.pm.adlScore(f.dave.address, BTC_USD)).to.equal(0n);
    expect(await f.pm.adlScore(f.bob.address, SENATE22_R)).to.equal(0n);
  });

  it("counts pending funding against the profit", async function () {
    const f = await setupAdl();
    await openTrade(f, f.bob, f.carol, wad("0.1"), wad("60000"));
    await walkPrices(f, { [BTC_USD]: wad("61200") });
    // Longs pay 1,300 per BTC: bob owes 130 > his 120 of PnL at the mark → −10: 0. carol: −120 + 130 = +10 > 0.
    await f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("1300"));
    expect(await f.pm.adlScore(f.bob.address, BTC_USD)).to.equal(0n);
    // carol: ratio ⌊6,000 / 6,120⌋ = 0.980392156862745098, equity 100,000 + 10 = 100,010:
    // ⌊0.980392156862745098 · 6,120 / 100,010⌋ = 0.059994000599940005.
    expect(await f.pm.adlScore(f.carol.address, BTC_USD)).to.equal(59994000599940005n);
  });

  it("scores a profitable short as (entry / mark) · notional / equity", async function () {
    const f = await setupAdl();
    await openTrade(f, f.bob, f.carol, wad("0.1"), wad("60000"));
    await walkPrices(f, { [BTC_USD]: wad("58800") });
    // carol: notional 5,880, basis 6,000: ratio ⌊6,000 / 5,880⌋ = 1.020408163265306122; equity 100,120.
    // score = ⌊1.020408163265306122 · 5,880 / 100,120⌋ = 0.059928086296444266 (≈ 6,000 / 100,120).
    expect(await f.pm.adlScore(f.carol.address, BTC_USD)).to.equal(59928086296444266n);
    expect(await f.pm.adlScore(f.bob.address, BTC_USD)).to.equal(0n);
  });

  it("is max uint for a profitable position of an account with equity ≤ 0", async function () {
    const f = await setupAdl();
    await openTrade(f, f.alice, f.bob, wad("0.3"), wad("60000"));
    await openTrade(f, f.carol, f.alice, wad("100"), wad("0.4"), SENATE22_R); // alice −100 SENATE
    await walkPrices(f, { [BTC_USD]: BANKRUPT_MARK, [SENATE22_R]: wad("0.35") });
    // equity = 1,000 − 1,200 + 100 · 0.05 = −195; her SENATE short is 5 in profit, her BTC long 1,200 at a loss.
    expect(await equityOf(f, f.alice)).to.equal(-wad("195"));
    expect(await f.pm.adlScore(f.alice.address, SENATE22_R)).to.equal(MAX_UINT);
    expect(await f.pm.adlScore(f.alice.address, BTC_USD)).to.equal(0n);
  });

  it("ranks leverage first, and the ranked order closes the bankrupt position", async function () {
    const f = await setupAdl();
    const frank = (await ethers.getSigners())[7];
    await fund(f, frank, usdc(2_000));
    // alice +0.3 @ 60,000 from bob (0.2), carol (0.05) and frank (0.05); mark 56,000: alice's D = 200.
    await openTrade(f, f.alice, f.bob, wad("0.2"), wad("60000"));
    await openTrade(f, f.alice, f.carol, wad("0.05"), wad("60000"));
    await openTrade(f, f.alice, frank, wad("0.05"), wad("60000"));
    await walkPrices(f, { [BTC_USD]: BANKRUPT_MARK });
    // A short's score ≈ |openNotional| / equity:
    //   bob   12,000 / (100,000 + 800) → ⌊⌊12,000/11,200⌋ · 11,200 / 100,800⌋ = 0.119047619047619047
    //   carol  3,000 / (100,000 + 200) → 0.029940119760479041
    //   frank  3,000 / (2,000 + 200)   → 1.363636363636363635
    const scores = new Map([
      [f.bob.address, 119047619047619047n],
      [f.carol.address, 29940119760479041n],
      [frank.address, 1363636363636363635n],
    ]);
    for (const [who, score] of scores) expect(await f.pm.adlScore(who, BTC_USD), who).to.equal(score);
    const ranked = [...scores.keys()].sort((a, b) => (scores.get(b)! > scores.get(a)! ? 1 : -1));
    expect(ranked).to.deep.equal([frank.address, f.bob.address, f.carol.address]);

    const events = adlEvents(f, await receiptOf(await adl(f, f.alice, BTC_USD, ranked)));
    expect(events.map((e) => [e.counterparty, e.sizeWad])).to.deep.equal([
      [frank.address, wad("0.05")],
      [f.bob.address, wad("0.2")],
      [f.carol.address, wad("0.05")],
    ]);
    for (const who of ranked) expect(await f.pm.adlScore(who, BTC_USD)).to.equal(0n);
  });
});
