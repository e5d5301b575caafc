/**
 * The circuit breaker trips once per window (IInsuranceFund, DESIGN §3): after it tripped, later draws in the same
 * market still add to the window's total (the record an auditor replays), but emit no second trip and do not touch
 * the market's reduce-only switch again.
 *
 * Setup (waterfall/backstop/helpers.ts, fees off): the fund holds 1,000 with a 10% threshold (100). alice (1,000 USD,
 * long 0.3 from 60,000) owes 200 at 56,000 and trips it; dave (1,100 USD, long 0.3) then owes 100.
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../fixtures/keel";
import { trade } from "../trading/helpers";
import { BTC_PRICE, BTC_USD, backstopSetup, extraAccount, moveBtc, usdc, wad } from "../waterfall/backstop/helpers";

describe("InsuranceFund.coverBadDebt after the circuit breaker tripped", function () {
  useSolvencyInvariant();

  it("adds further draws to the window without tripping again", async function () {
    const f = await backstopSetup({ fundUsdc: usdc(1_000) });
    await f.fund.connect(f.deployer).setBreakerParams(86_400, wad("0.1"));
    const dave = await extraAccount(f, usdc(1_100));
    await trade(f, f.bob, dave, "buy", wad("0.3"), BTC_PRICE);
    await moveBtc(f, wad("56000"));

    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.emit(f.fund, "CircuitBreakerTripped")
      .withArgs(BTC_USD, wad("200"), wad("1000"));
    expect(await f.pm.marketReduceOnly(BTC_USD)).to.equal(true);

    const second = f.pm.connect(f.deployer).backstopLiquidate(dave.address, BTC_USD);
    await expect(second).to.emit(f.fund, "BadDebtCovered").withArgs(BTC_USD, wad("100"), wad("100"));
    await expect(second).not.to.emit(f.fund, "CircuitBreakerTripped");
    await expect(second).not.to.emit(f.pm, "MarketReduceOnlySet");

    const b = await f.fund.breaker(BTC_USD);
    expect(b.tripped).to.equal(true);
    expect(b.drawnInWindowWad).to.equal(wad("300"));
    expect(b.windowStartAvailableWad).to.equal(wad("1000"));
    expect(await f.pm.marketReduceOnly(BTC_USD)).to.equal(true);
  });
});
