/**
 * settleBatch checks margin once per account at the end of the batch (DESIGN §5, §6, §13.8): an account whose
 * exposure grew needs equity ≥ initial margin (exactly enough passes); any other account passes above maintenance,
 * or below it when its margin ratio did not worsen. The initial margin fraction rises with open interest
 * (imf = max(tierImf, imfLow + (imfHigh − imfLow) · min(1, OI / oiSaturation))), and on a BOUNDED market a
 * requirement never exceeds the position's worst-case loss, so fully collateralised positions are always allowed.
 *
 * BTC-USD (deploy/params.ts): taker fee 0.045%, imfLow 2%, imfHigh 5%, oiSaturation 1,000 BTC, tier 1 (≤ 5M):
 * imf 2% / mmf 1%, tier 2 (≤ 50M): 5% / 2.5%, tier 3: 10% / 5%.
 */
import { expect } from "chai";
import { deployKeel, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, SENATE22_R, WAD, defaultPrices, fundAll, trade as tradeAt, wad } from "./helpers";
import { walkPrices, type Account } from "./behaviourHelpers";

const UINT128_MAX = (1n << 128n) - 1n;

/** `taker` crosses a resting order of `maker` for `size` at `price` (prices pushed fresh first). */
async function trade(
  f: KeelFixture,
  maker: Account,
  taker: Account,
  takerSide: "buy" | "sell",
  size: bigint,
  price: bigint,
  marketId: number = BTC_USD,
) {
  await walkPrices(f, {});
  return tradeAt(f, maker, taker, takerSide, size, price, marketId);
}

/**
 * alice deposits `aliceUsdc` and buys 1 BTC at 60,000 from bob as taker. Fee 27; OI 1 BTC after the batch, so
 * imf = max(2%, 2% + 3% · 1/1,000) = 2.003% and IM = 60,000 · 2.003% = 1,201.8. Equity = deposit − 27.
 */
async function aliceLongOneBtc(aliceUsdc: bigint) {
  const f = await deployKeel();
  await fundAll(f, [f.alice], aliceUsdc);
  await fundAll(f, [f.bob], usdc(100_000));
  await defaultPrices(f);
  const tx = trade(f, f.bob, f.alice, "buy", wad("1"), BTC_PRICE);
  return { f, tx };
}

describe("PositionManager.settleBatch checks margin once per account", function () {
  useSolvencyInvariant();

  it("lets exposure grow with equity exactly at initial margin, and not one micro-USDC less", async function () {
    // 1,201.8 + 27 = 1,228.8 USDC is just enough.
    const ok = await aliceLongOneBtc(usdc("1228.8"));
    await (await ok.tx).wait();
    const am = await ok.f.pm.accountMargin(ok.f.alice.address);
    expect(am.equityWad).to.equal(wad("1201.8"));
    expect(am.initialMarginWad).to.equal(wad("1201.8"));
    expect(am.maintenanceMarginWad).to.equal(wad("600"));

    const short = await aliceLongOneBtc(usdc("1228.799999"));
    await expect(short.tx)
      .to.be.revertedWithCustomError(short.f.pm, "BatchMarginInsufficient")
      .withArgs(0n, short.f.alice.address, wad("1201.799999"), wad("1201.8"));
  });

  it("lets an account between maintenance and initial margin reduce, but not grow", async function () {
    const { f, tx } = await aliceLongOneBtc(usdc("1228.8"));
    await (await tx).wait();
    // Mark 59,500: equity 1,201.8 − 500 = 701.8; IM 59,500 · 2.003% = 1,191.785; MM 595.
    await walkPrices(f, { [BTC_USD]: wad("59500") });
    let am = await f.pm.accountMargin(f.alice.address);
    expect(am.equityWad).to.equal(wad("701.8"));
    expect(am.initialMarginWad).to.equal(wad("1191.785"));
    expect(am.maintenanceMarginWad).to.equal(wad("595"));

    // Growing by one lot: fee 0.0001 · 59,500 · 0.045% = 0.0026775; value 1.0001 · 59,500 − 60,005.95 = −500, so
    // equity 701.7973225; OI 1.0001: imf 2% + 3% · 1.0001/1,000 = 2.0030003%, IM 59,505.95 · that = 1,191.90435701785.
    await expect(trade(f, f.bob, f.alice, "buy", wad("0.0001"), wad("59500")))
      .to.be.revertedWithCustomError(f.pm, "BatchMarginInsufficient")
      .withArgs(0n, f.alice.address, wad("701.7973225"), wad("1191.90435701785"));

    // Reducing 0.1 at 59,500: realized 5,950 − 6,000 = −50, fee 2.6775 → balance 1,149.1225; value on 0.9:
    // 53,550 − 54,000 = −450 → equity 699.1225, still below IM (OI 0.9: 53,550 · 2.0027% = 1,072.44585), above MM 535.5.
    await trade(f, f.bob, f.alice, "sell", wad("0.1"), wad("59500"));
    am = await f.pm.accountMargin(f.alice.address);
    expect(am.balanceWad).to.equal(wad("1149.1225"));
    expect(am.equityWad).to.equal(wad("699.1225"));
    expect(am.initialMarginWad).to.equal(wad("1072.44585"));
    expect(am.maintenanceMarginWad).to.equal(wad("535.5"));
  });

  it("lets an account below maintenance reduce when its margin ratio does not worsen", async function () {
    const { f, tx } = await aliceLongOneBtc(usdc("1228.8"));
    await (await tx).wait();
    // Mark 59,000: equity 1,201.8 − 1,000 = 201.8 < MM 590 (ratio 590 / 201.8 ≈ 2.92): liquidatable.
    await walkPrices(f, { [BTC_USD]: wad("59000") });
    let health = await f.pm.accountHealth(f.alice.address);
    expect(health.equityWad).to.equal(wad("201.8"));
    expect(health.maintenanceMarginWad).to.equal(wad("590"));
    expect(health.liquidatable).to.equal(true);

    // Selling 0.5 at 58,000 (below the mark) worsens it: realized 29,000 − 30,000 = −1,000, fee 13.05 → balance
    // 188.75; value on 0.5: 29,500 − 30,000 = −500 → equity −311.25 against MM 295.
    await expect(trade(f, f.bob, f.alice, "sell", wad("0.5"), wad("58000")))
      .to.be.revertedWithCustomError(f.pm, "BatchMarginInsufficient")
      .withArgs(0n, f.alice.address, -wad("311.25"), wad("295"));

    // Selling 0.5 at the mark improves it: realized −500, fee 0.5 · 59,000 · 0.045% = 13.275 → balance 688.525; value
    // −500 → equity 188.525 < MM 295, but 295 / 188.525 ≈ 1.56 ≤ 2.92 (188.525 · 590 ≥ 201.8 · 295).
    await trade(f, f.bob, f.alice, "sell", wad("0.5"), wad("59000"));
    health = await f.pm.accountHealth(f.alice.address);
    expect(health.equityWad).to.equal(wad("188.525"));
    expect(health.maintenanceMarginWad).to.equal(wad("295"));
    expect(health.liquidatable).to.equal(true);
    // 295e36 / 188.525e18, rounded down.
    expect(health.marginRatioWad).to.equal(1564779207001723909n);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.5"));
  });

  it("raises the initial margin fraction with open interest", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob], usdc(100_000));
    await fundAll(f, [f.carol, f.outsider], usdc(7_000_000));
    await defaultPrices(f);

    // OI 1: imf = max(2%, 2% + 3% · 1/1,000 = 2.003%) → IM 60,000 · 2.003% = 1,201.8.
    await trade(f, f.bob, f.alice, "buy", wad("1"), BTC_PRICE);
    expect((await f.pm.accountMargin(f.alice.address)).initialMarginWad).to.equal(wad("1201.8"));

    // OI 250: 2% + 3% · 250/1,000 = 2.75% → alice's IM 60,000 · 2.75% = 1,650. carol's 249 BTC (14.94M notional, tier
    // 2) takes max(5%, 2.75%) = 5%: 747,000.
    await trade(f, f.outsider, f.carol, "buy", wad("249"), BTC_PRICE);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("250"));
    expect((await f.pm.accountMargin(f.alice.address)).initialMarginWad).to.equal(wad("1650"));
    expect((await f.pm.accountMargin(f.carol.address)).initialMarginWad).to.equal(wad("747000"));

    // OI 1,001 ≥ saturation: imfHigh 5% → alice 3,000. Maintenance does not scale with OI: still 600.
    await trade(f, f.outsider, f.carol, "buy", wad("751"), BTC_PRICE);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("1001"));
    const am = await f.pm.accountMargin(f.alice.address);
    expect(am.initialMarginWad).to.equal(wad("3000"));
    expect(am.maintenanceMarginWad).to.equal(wad("600"));
    // carol: 1,000 BTC = 60M notional, tier 3: 10% → 6,000,000.
    expect((await f.pm.accountMargin(f.carol.address)).initialMarginWad).to.equal(wad("6000000"));
  });

  describe("BOUNDED worst-case cap (SENATE22-R at 1x: imf raised to 100%, mmf 50%)", function () {
    /** SENATE22-R at 0.60 with imf 100% everywhere: a long needs its notional, a short its worst case |size| · 0.4. */
    async function atOneX(fundings: Record<string, bigint>) {
      const f = await deployKeel();
      await f.registry
        .connect(f.deployer)
        .setMarginTiers(SENATE22_R, [{ maxNotionalWad: UINT128_MAX, imfWad: WAD, mmfWad: WAD / 2n }]);
      await f.registry.connect(f.deployer).setMarginParams(SENATE22_R, {
        imfLowWad: WAD,
        imfHighWad: WAD,
        oiSaturationWad: wad("1000000"),
        maxOpenInterestWad: wad("10000000"),
      });
      const accounts: Record<string, Account> = { alice: f.alice, bob: f.bob, carol: f.carol, outsider: f.outsider };
      for (const [name, amount] of Object.entries(fundings)) await fundAll(f, [accounts[name]], amount);
      await defaultPrices(f);
      await walkPrices(f, { [SENATE22_R]: wad("0.6") });
      return f;
    }

    it("allows a fully collateralised long and short, the short capped at its worst-case loss", async function () {
      const f = await atOneX({ alice: usdc("600.6"), carol: usdc("400.6"), bob: usdc(10_000), outsider: usdc(10_000) });
      // alice buys 1,000 at 0.60: fee 1,000 · 0.6 · 0.1% = 0.6 → equity 600; IM = min(600 · 100%, worst 600) = 600.
      await trade(f, f.bob, f.alice, "buy", wad("1000"), wad("0.6"), SENATE22_R);
      let am = await f.pm.accountMargin(f.alice.address);
      expect(am.equityWad).to.equal(wad("600"));
      expect(am.initialMarginWad).to.equal(wad("600"));
      expect(am.maintenanceMarginWad).to.equal(wad("300"));

      // carol sells 1,000 at 0.60: fee 0.6 → equity 400; IM = min(600 · 100%, worst 1,000 · (1 − 0.6) = 400) = 400,
      // MM = min(300, 400) = 300.
      await trade(f, f.outsider, f.carol, "sell", wad("1000"), wad("0.6"), SENATE22_R);
      am = await f.pm.accountMargin(f.carol.address);
      expect(am.equityWad).to.equal(wad("400"));
      expect(am.initialMarginWad).to.equal(wad("400"));
      expect(am.maintenanceMarginWad).to.equal(wad("300"));
    });

    it("refuses a long or short one micro-USDC short of full collateral", async function () {
      let f = await atOneX({ alice: usdc("600.599999"), bob: usdc(10_000) });
      await expect(trade(f, f.bob, f.alice, "buy", wad("1000"), wad("0.6"), SENATE22_R))
        .to.be.revertedWithCustomError(f.pm, "BatchMarginInsufficient")
        .withArgs(0n, f.alice.address, wad("599.999999"), wad("600"));

      f = await atOneX({ carol: usdc("400.599999"), outsider: usdc(10_000) });
      await expect(trade(f, f.outsider, f.carol, "sell", wad("1000"), wad("0.6"), SENATE22_R))
        .to.be.revertedWithCustomError(f.pm, "BatchMarginInsufficient")
        .withArgs(0n, f.carol.address, wad("399.999999"), wad("400"));
    });
  });
});
