/**
 * A bankrupt position in a Resolved market is settled pro rata, never deleveraged against chosen counterparties
 * (DESIGN §9: "a pro-rata haircut of winners, computed once — never first come, first served").
 *
 * Setup on SENATE22-R (fees 0, mark 0.40, empty fund): L (50 USDC) sells 500 at 0.40 to W1; L2 (1,000 USDC) sells
 * 500 at 0.40 to W2. Final price 1: L loses 300 and has 50 (uncollected 250), L2 pays 300; W1 and W2 claim 300 each.
 * Settled pro rata, each winner keeps (600 − 250) / 600: 175 each.
 */
import { expect } from "chai";
import { SENATE22_R, deployKeel, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";
import { WAD, defaultPrices, fundAll, trade } from "../trading/helpers";
import { balanceOf, setFees } from "../trading/behaviourHelpers";
import { beginResolving, extraAccounts, resolveAt } from "./helpers";
import { MarketStatus } from "../../../deploy/params";

describe("PositionManager.settlePosition is not bypassed by auto-deleveraging", function () {
  useSolvencyInvariant();

  // Without the status check, the ADL operator could close L's bankrupt short in the Resolved market against W1 at
  // the bankruptcy price (1 − 250 / 500 = 0.5): W1 would get 500 · 0.5 − 200 = 50 while W2's claim of 300 is untouched
  // (first come, first served), and the last open position would close outside `settlePosition`, so the market would
  // never be Settled.
  it("refuses ADL in a Resolved market; settlement pays both winners the same 175", async function () {
    const f = await deployKeel();
    const [L, L2, W1, W2] = await extraAccounts(f, 4);
    await fundAll(f, [L], usdc(50));
    await fundAll(f, [L2, W1, W2], usdc(1_000));
    await setFees(f, SENATE22_R, 0n, 0n, 0n);
    await defaultPrices(f);
    await trade(f, L, W1, "buy", wad("500"), wad("0.4"), SENATE22_R);
    await trade(f, L2, W2, "buy", wad("500"), wad("0.4"), SENATE22_R);
    await beginResolving(f, SENATE22_R);
    await resolveAt(f, SENATE22_R, WAD);
    await f.pm.settlePosition(W2.address, SENATE22_R);
    await f.pm.settlePosition(L2.address, SENATE22_R);

    await expect(f.pm.connect(f.deployer).autoDeleverage(L.address, SENATE22_R, [W1.address]))
      .to.be.revertedWithCustomError(f.pm, "LiquidationMarketNotTrading")
      .withArgs(SENATE22_R, MarketStatus.Resolved);

    await f.pm.settlePosition(L.address, SENATE22_R);
    await expect(f.pm.settlePosition(W1.address, SENATE22_R))
      .to.emit(f.pm, "MarketSettled")
      .withArgs(SENATE22_R, wad("600"), wad("250"), 0n, wad("250"));
    for (const w of [W1, W2]) {
      const before = await balanceOf(f, w);
      await f.pm.claimSettlement(w.address, SENATE22_R);
      // 300 − ⌈300 · 250 / 600⌉ = 300 − 125 = 175.
      expect((await balanceOf(f, w)) - before).to.equal(wad("175"));
    }
  });
});
