/**
 * The insurance fund's circuit breaker (IInsuranceFund, DESIGN §3): the draws booked against one market within the
 * window (1 day by default) are measured against the fund's available amount when the window started; once they pass
 * the threshold (30%, strictly above) the fund puts the market reduce-only on the PositionManager — fills that grow a
 * position revert FillIncreasesPosition, fills that reduce still settle — until the admin resets it. A window that has
 * run out starts afresh at the next draw, measured against what the fund then has available.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { refreshPrices } from "../trading/behaviourHelpers";
import { settle, trade } from "../trading/helpers";
import { place } from "../trading/behaviourHelpers";
import {
  BTC_PRICE,
  BTC_USD,
  OrderFlag,
  SENATE22_R,
  backstopSetup,
  extraAccount,
  fundOrder,
  moveBtc,
  usdc,
  wad,
} from "../waterfall/backstop/helpers";

/** A fresh account with `depositUsdc` that buys 0.3 BTC from bob at 60,000 (equity at 56,000: deposit − 1,200). */
async function longAccount(f: KeelFixture, depositUsdc: bigint) {
  const a = await extraAccount(f, depositUsdc);
  await trade(f, f.bob, a, "buy", wad("0.3"), BTC_PRICE);
  return a;
}

describe("InsuranceFund circuit breaker", function () {
  useSolvencyInvariant();

  it("trips past 30% of the fund, makes the market reduce-only, and the admin's reset lifts it", async function () {
    // The fund holds 500: 30% is 150. Alice's deficit at 56,000 is 1,000 − 1,200 = −200 → 200 > 150.
    const f = await backstopSetup({ fundUsdc: usdc(500) });
    await moveBtc(f, wad("56000"));
    const tx = f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
    await expect(tx).to.emit(f.fund, "BadDebtCovered").withArgs(BTC_USD, wad("200"), wad("200"));
    await expect(tx).to.emit(f.fund, "CircuitBreakerTripped").withArgs(BTC_USD, wad("200"), wad("500"));
    await expect(tx).to.emit(f.pm, "MarketReduceOnlySet").withArgs(BTC_USD, true);
    // The takeover itself completes: the fund keeps 300 against a maintenance of 0.3 · 56,000 · 1% = 168.
    await expect(tx).to.emit(f.pm, "BackstopTakeover");
    expect(await f.pm.marketReduceOnly(BTC_USD)).to.equal(true);
    expect(await f.pm.marketReduceOnly(SENATE22_R)).to.equal(false);
    const b = await f.fund.breaker(BTC_USD);
    expect(b.tripped).to.equal(true);
    expect(b.drawnInWindowWad).to.equal(wad("200"));
    expect(b.windowStartAvailableWad).to.equal(wad("500"));

    // Carol (flat) buying 0.1 from bob (short 0.3, selling more) grows both: the maker, carol, is refused first.
    await refreshPrices(f);
    const carolBuy = await place(f, f.carol, "buy", { size: wad("0.1"), price: wad("56000") });
    const bobSell = await place(f, f.bob, "sell", { size: wad("0.1"), price: wad("56000") });
    await expect(settle(f, [{ maker: carolBuy, taker: bobSell, size: wad("0.1"), price: wad("56000") }]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 0, 0n, wad("0.1"));

    // Reducing still works: the fund sells 0.1 of its 0.3 to bob, who buys back 0.1 of his short.
    const fundSell = await fundOrder(f, "sell", { size: wad("0.1"), price: wad("56000"), flags: OrderFlag.ReduceOnly });
    const bobBuy = await place(f, f.bob, "buy", { size: wad("0.1"), price: wad("56000") });
    await settle(f, [{ maker: fundSell, taker: bobBuy, size: wad("0.1"), price: wad("56000") }]);
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(-wad("0.2"));

    // Only the admin resets.
    await expect(f.fund.connect(f.outsider).resetCircuitBreaker(BTC_USD))
      .to.be.revertedWithCustomError(f.fund, "AccessControlUnauthorizedAccount")
      .withArgs(f.outsider.address, await f.fund.DEFAULT_ADMIN_ROLE());
    const reset = f.fund.connect(f.deployer).resetCircuitBreaker(BTC_USD);
    await expect(reset).to.emit(f.fund, "CircuitBreakerReset").withArgs(BTC_USD);
    await expect(reset).to.emit(f.pm, "MarketReduceOnlySet").withArgs(BTC_USD, false);
    expect(await f.pm.marketReduceOnly(BTC_USD)).to.equal(false);
    const cleared = await f.fund.breaker(BTC_USD);
    expect(cleared.tripped).to.equal(false);
    expect(cleared.drawnInWindowWad).to.equal(0n);
    expect(cleared.windowStartedAt).to.equal(0n);

    // The growing fill now settles (fresh orders: the refused ones never touched a nonce, but sign anew anyway).
    await refreshPrices(f);
    const carolBuy2 = await place(f, f.carol, "buy", { size: wad("0.1"), price: wad("56000") });
    const bobSell2 = await place(f, f.bob, "sell", { size: wad("0.1"), price: wad("56000") });
    await settle(f, [{ maker: carolBuy2, taker: bobSell2, size: wad("0.1"), price: wad("56000") }]);
    expect((await f.pm.position(f.carol.address, BTC_USD)).sizeWad).to.equal(wad("0.1"));

    // Nothing to reset any more.
    await expect(f.fund.connect(f.deployer).resetCircuitBreaker(BTC_USD))
      .to.be.revertedWithCustomError(f.fund, "InsuranceBreakerNotTripped")
      .withArgs(BTC_USD);
  });

  it("adds the window's draws and trips strictly above the threshold", async function () {
    // Fund 1,000: threshold 300 of the window's starting 1,000.
    const f = await backstopSetup({ fundUsdc: usdc(1_000) });
    // Dave: 1,100 → deficit 100 at 56,000; erin: 1,199 → deficit 1.
    const dave = await longAccount(f, usdc(1_100));
    const erin = await longAccount(f, usdc(1_199));
    await moveBtc(f, wad("56000"));

    await f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
    // Available now: 1,000 − 200 = 800 balance − 168 maintenance = 632; the window still starts at 1,000.
    expect(await f.fund.availableWad()).to.equal(wad("632"));
    // 200 + 100 = 300: at the threshold, not above it.
    await expect(f.pm.connect(f.deployer).backstopLiquidate(dave.address, BTC_USD)).not.to.emit(
      f.fund,
      "CircuitBreakerTripped",
    );
    let b = await f.fund.breaker(BTC_USD);
    expect(b.drawnInWindowWad).to.equal(wad("300"));
    expect(b.windowStartAvailableWad).to.equal(wad("1000"));
    expect(b.tripped).to.equal(false);

    // 300 + 1 = 301 > 300. The fund keeps 699 against 0.9 · 56,000 · 1% = 504.
    await expect(f.pm.connect(f.deployer).backstopLiquidate(erin.address, BTC_USD))
      .to.emit(f.fund, "CircuitBreakerTripped")
      .withArgs(BTC_USD, wad("301"), wad("1000"));
    b = await f.fund.breaker(BTC_USD);
    expect(b.tripped).to.equal(true);
    expect(await f.pm.marketReduceOnly(BTC_USD)).to.equal(true);
  });

  it("starts a new window, against the fund then available, once the last one has run out", async function () {
    const f = await backstopSetup({ fundUsdc: usdc(1_000) });
    await expect(f.fund.connect(f.deployer).setBreakerParams(60, wad("0.3")))
      .to.emit(f.fund, "BreakerParamsUpdated")
      .withArgs(60, wad("0.3"));
    // Dave: 1,050 → deficit 150 at 56,000.
    const dave = await longAccount(f, usdc(1_050));
    await moveBtc(f, wad("56000"));
    await f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
    const first = await f.fund.breaker(BTC_USD);
    expect(first.drawnInWindowWad).to.equal(wad("200"));

    // 60 s later the window is over. In it, 200 + 150 = 350 > 300 would have tripped; the new window starts at the
    // fund's available 800 − 168 = 632 (threshold 189.6) and 150 stays below it.
    await time.increaseTo(first.windowStartedAt + 60n);
    await refreshPrices(f);
    const tx = await f.pm.connect(f.deployer).backstopLiquidate(dave.address, BTC_USD);
    await expect(tx).not.to.emit(f.fund, "CircuitBreakerTripped");
    const b = await f.fund.breaker(BTC_USD);
    expect(b.windowStartedAt).to.equal(BigInt(await time.latest()));
    expect(b.windowStartAvailableWad).to.equal(wad("632"));
    expect(b.drawnInWindowWad).to.equal(wad("150"));
    expect(b.tripped).to.equal(false);
  });
});
