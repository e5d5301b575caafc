/**
 * Withdrawals check margin through the PositionManager (DESIGN §3, §6, §13.9): the vault asks
 * `PositionManager.requireInitialMargin` when a withdrawal is requested and again when it is executed, so an account
 * with open positions may take out only what leaves its equity at or above initial margin at the current mark. Also
 * the margin views wallets use: accountMargin, accountHealth and liquidationPrice.
 *
 * Setup: alice deposits 2,000 USDC and buys 1 BTC at 60,000 as taker (fee 27): balance 1,973; OI 1 BTC, so
 * imf = 2% + 3% · 1/1,000 = 2.003% and IM = 1,201.8 at 60,000; MM = 1% · 60,000 = 600.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, defaultPrices, fundAll, settle, wad } from "./helpers";
import { place, walkPrices } from "./behaviourHelpers";

/** The vault's withdrawal delay on local networks (deploy/params.ts). */
const WITHDRAWAL_DELAY = 300;

async function aliceWithOneBtc(side: "buy" | "sell"): Promise<KeelFixture> {
  const f = await deployKeel();
  await fundAll(f, [f.alice], usdc(2_000));
  await fundAll(f, [f.bob], usdc(100_000));
  await defaultPrices(f);
  await settle(f, [
    {
      maker: await place(f, f.bob, side === "buy" ? "sell" : "buy", { size: wad("1") }),
      taker: await place(f, f.alice, side, { size: wad("1") }),
      size: wad("1"),
      price: BTC_PRICE,
    },
  ]);
  return f;
}

describe("CollateralVault withdrawals check margin through the PositionManager", function () {
  useSolvencyInvariant();

  it("refuses a request that would leave equity below initial margin and accepts exactly enough", async function () {
    const f = await aliceWithOneBtc("buy");
    await walkPrices(f, {});
    // 1,973 − 771.200001 = 1,201.799999 < 1,201.8.
    await expect(f.vault.connect(f.alice).requestWithdrawal(usdc("771.200001")))
      .to.be.revertedWithCustomError(f.pm, "WithdrawalBelowInitialMargin")
      .withArgs(f.alice.address, wad("1201.799999"), wad("1201.8"));
    await f.vault.connect(f.alice).requestWithdrawal(usdc("771.2"));

    const am = await f.pm.accountMargin(f.alice.address);
    expect(am.balanceWad).to.equal(wad("1201.8"));
    expect(am.pendingWithdrawalWad).to.equal(wad("771.2"));
    expect(am.unrealizedPnlWad).to.equal(0n);
    expect(am.pendingFundingWad).to.equal(0n);
    expect(am.equityWad).to.equal(wad("1201.8"));
    expect(am.initialMarginWad).to.equal(wad("1201.8"));
    expect(am.maintenanceMarginWad).to.equal(wad("600"));

    // The pending amount still counts for maintenance: equity 1,973, ratio 600 / 1,973 (wad, rounded down).
    const health = await f.pm.accountHealth(f.alice.address);
    expect(health.equityWad).to.equal(wad("1973"));
    expect(health.maintenanceMarginWad).to.equal(wad("600"));
    expect(health.marginRatioWad).to.equal(304105423213380638n);
    expect(health.liquidatable).to.equal(false);
  });

  it("re-checks initial margin at execution: a mark that moved against the account blocks it", async function () {
    const f = await aliceWithOneBtc("buy");
    await walkPrices(f, {});
    // 1,973 − 700 = 1,273 ≥ 1,201.8.
    await f.vault.connect(f.alice).requestWithdrawal(usdc(700));
    await time.increase(WITHDRAWAL_DELAY);

    // Mark 59,900: equity 1,273 − 100 = 1,173 < IM 59,900 · 2.003% = 1,199.797.
    await walkPrices(f, { [BTC_USD]: wad("59900") });
    await expect(f.vault.executeWithdrawal(f.alice.address))
      .to.be.revertedWithCustomError(f.pm, "WithdrawalBelowInitialMargin")
      .withArgs(f.alice.address, wad("1173"), wad("1199.797"));

    // Back at 60,000 it goes through.
    await walkPrices(f, { [BTC_USD]: BTC_PRICE });
    await f.vault.executeWithdrawal(f.alice.address);
    expect(await f.usdc.balanceOf(f.alice.address)).to.equal(usdc(700));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("1273"));
  });

  describe("liquidationPrice", function () {
    // Long: liquidatable when 1,973 + (p − 60,000) < 1% · p, i.e. p < 58,027 / 0.99 = 58,613.1313…; the view rounds
    // toward the mark: ceil(58027e36 / 0.99e18) = 58613131313131313131314.
    const LONG_LIQ = 58613131313131313131314n;
    // Short: liquidatable when 1,973 + (60,000 − p) < 1% · p, i.e. p > 61,973 / 1.01 = 61,359.4059…; rounded toward
    // the mark: floor(61973e36 / 1.01e18) = 61359405940594059405940.
    const SHORT_LIQ = 61359405940594059405940n;
    const TICK = wad("0.1");

    async function liquidatableAt(f: KeelFixture, markWad: bigint): Promise<boolean> {
      await walkPrices(f, { [BTC_USD]: markWad });
      return (await f.pm.accountHealth(f.alice.address)).liquidatable;
    }

    it("returns the long's boundary: liquidatable just below it, not a tick above", async function () {
      const f = await aliceWithOneBtc("buy");
      expect(await f.pm.liquidationPrice(f.alice.address, BTC_USD)).to.equal(LONG_LIQ);
      expect(await liquidatableAt(f, LONG_LIQ + TICK)).to.equal(false);
      expect(await liquidatableAt(f, LONG_LIQ - 1n)).to.equal(true);
      // 1 wei below: equity 586131313131313131313 < MM ceil(58613131313131313131313 / 100) = …314.
      const h = await f.pm.accountHealth(f.alice.address);
      expect(h.equityWad).to.equal(586131313131313131313n);
      expect(h.maintenanceMarginWad).to.equal(586131313131313131314n);
    });

    it("returns the short's boundary: liquidatable just above it, not a tick below", async function () {
      const f = await aliceWithOneBtc("sell");
      expect(await f.pm.liquidationPrice(f.alice.address, BTC_USD)).to.equal(SHORT_LIQ);
      expect(await liquidatableAt(f, SHORT_LIQ - TICK)).to.equal(false);
      expect(await liquidatableAt(f, SHORT_LIQ + 1n)).to.equal(true);
    });
  });
});
