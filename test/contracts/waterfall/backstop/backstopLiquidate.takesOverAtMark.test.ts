/**
 * backstopLiquidate moves every position of a liquidatable account with positive equity to the insurance fund's
 * backstop account at the mark (ILiquidationWaterfall, DESIGN §8 stage 2): the account ends with no position and a
 * zero balance, the fund's vault balance grows by exactly the account's equity (pending withdrawal included), open
 * interest is unchanged, and the takeover is told by PositionTakenOver (one per market) and BackstopTakeover. Pending
 * funding settles into the equity, and the takeover works while the protocol is paused.
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../../fixtures/keel";
import { balanceOf, clearingBalance, walkPrices } from "../../trading/behaviourHelpers";
import { trade } from "../../trading/helpers";
import { BTC_USD, SENATE22_R, backstopSetup, fundAddress, moveBtc, usdc, wad } from "./helpers";

describe("PositionManager.backstopLiquidate takes positions over at the mark", function () {
  useSolvencyInvariant();

  it("moves alice's long to the fund at the mark and credits the fund with her equity", async function () {
    const f = await backstopSetup();
    const fundAddr = await fundAddress(f);
    // At 57,000: equity = 1,000 + 0.3 · (57,000 − 60,000) = 100; maintenance = 0.3 · 57,000 · 1% = 171.
    await moveBtc(f, wad("57000"));
    const status = await f.pm.canLiquidate(f.alice.address);
    expect(status.equityWad).to.equal(wad("100"));
    expect(status.maintenanceMarginWad).to.equal(wad("171"));
    expect(status.liquidatable).to.equal(true);
    // ⅔ · 171 = 114 > 100.
    expect(status.belowBackstopThreshold).to.equal(true);

    const oiBefore = (await f.pm.marketState(BTC_USD)).openInterestWad;
    const fundBefore = await balanceOf(f, fundAddr);
    const clearingBefore = await clearingBalance(f);

    const tx = f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
    await expect(tx).to.emit(f.pm, "PositionTakenOver").withArgs(f.alice.address, BTC_USD, wad("0.3"), wad("57000"));
    await expect(tx)
      .to.emit(f.pm, "BackstopTakeover")
      .withArgs(f.alice.address, BTC_USD, wad("100"), f.deployer.address);
    // Positive equity: the fund draws nothing.
    await expect(tx).not.to.emit(f.fund, "BadDebtCovered");

    const alicePos = await f.pm.position(f.alice.address, BTC_USD);
    expect(alicePos.sizeWad).to.equal(0n);
    expect(alicePos.openNotionalWad).to.equal(0n);
    expect(await f.pm.openMarkets(f.alice.address)).to.deep.equal([]);
    expect(await balanceOf(f, f.alice)).to.equal(0n);

    // The fund holds 0.3 at the mark: openNotional = 0.3 · 57,000 = 17,100.
    const fundPos = await f.pm.position(fundAddr, BTC_USD);
    expect(fundPos.sizeWad).to.equal(wad("0.3"));
    expect(fundPos.openNotionalWad).to.equal(wad("17100"));
    // Fund balance: + alice's balance 1,000 + her realized −900 (0.3 · 57,000 − 18,000) = +100 = her equity.
    expect((await balanceOf(f, fundAddr)) - fundBefore).to.equal(wad("100"));
    // The clearing account is the counterparty of alice's realized loss: +900.
    expect((await clearingBalance(f)) - clearingBefore).to.equal(wad("900"));
    // Bob still holds his short: OI (Σ longs) is 0.3 before and after.
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(oiBefore);
    expect(oiBefore).to.equal(wad("0.3"));
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(-wad("0.3"));

    const after = await f.pm.canLiquidate(f.alice.address);
    expect(after.equityWad).to.equal(0n);
    expect(after.liquidatable).to.equal(false);
    // The fund's views: exposure 0.3 · 57,000 = 17,100; available = 10,100 − 171 = 9,929 (below the 1M draw cap).
    expect(await f.fund.backstopExposure(BTC_USD)).to.equal(wad("17100"));
    expect(await f.fund.availableWad()).to.equal(wad("9929"));
    expect(await f.fund.coverableWad()).to.equal(wad("9929"));
  });

  it("takes over every market the account holds, each at its own mark", async function () {
    const f = await backstopSetup();
    const fundAddr = await fundAddress(f);
    // Alice also buys 500 SENATE22-R at 0.40 from carol: notional 200, IM 10% = 20, MM 5% = 10.
    await trade(f, f.carol, f.alice, "buy", wad("500"), wad("0.4"), SENATE22_R);
    // BTC to 57,000 and the event to 0.38: equity = 1,000 − 900 + 500 · (0.38 − 0.40) = 90;
    // maintenance = 171 + 500 · 0.38 · 5% = 171 + 9.5 = 180.5.
    await walkPrices(f, { [BTC_USD]: wad("57000"), [SENATE22_R]: wad("0.38") });
    const status = await f.pm.canLiquidate(f.alice.address);
    expect(status.equityWad).to.equal(wad("90"));
    expect(status.maintenanceMarginWad).to.equal(wad("180.5"));
    const fundBefore = await balanceOf(f, fundAddr);
    const oiBefore = (await f.pm.marketState(SENATE22_R)).openInterestWad;

    const tx = f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, SENATE22_R);
    await expect(tx).to.emit(f.pm, "PositionTakenOver").withArgs(f.alice.address, BTC_USD, wad("0.3"), wad("57000"));
    await expect(tx).to.emit(f.pm, "PositionTakenOver").withArgs(f.alice.address, SENATE22_R, wad("500"), wad("0.38"));
    await expect(tx)
      .to.emit(f.pm, "BackstopTakeover")
      .withArgs(f.alice.address, SENATE22_R, wad("90"), f.deployer.address);

    expect(await f.pm.openMarkets(f.alice.address)).to.deep.equal([]);
    expect(await balanceOf(f, f.alice)).to.equal(0n);
    expect((await f.pm.position(fundAddr, BTC_USD)).sizeWad).to.equal(wad("0.3"));
    const eventPos = await f.pm.position(fundAddr, SENATE22_R);
    expect(eventPos.sizeWad).to.equal(wad("500"));
    // 500 · 0.38 = 190.
    expect(eventPos.openNotionalWad).to.equal(wad("190"));
    expect((await balanceOf(f, fundAddr)) - fundBefore).to.equal(wad("90"));
    expect((await f.pm.marketState(SENATE22_R)).openInterestWad).to.equal(oiBefore);
  });

  it("settles the account's pending funding into the equity the fund receives", async function () {
    const f = await backstopSetup();
    const fundAddr = await fundAddress(f);
    await moveBtc(f, wad("57000"));
    // Longs pay 100 per BTC: alice owes 0.3 · 100 = 30, so her equity is 1,000 − 900 − 30 = 70.
    await f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("100"));
    expect((await f.pm.position(f.alice.address, BTC_USD)).pendingFundingWad).to.equal(wad("30"));
    expect((await f.pm.canLiquidate(f.alice.address)).equityWad).to.equal(wad("70"));
    const fundBefore = await balanceOf(f, fundAddr);
    const clearingBefore = await clearingBalance(f);

    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.emit(f.pm, "BackstopTakeover")
      .withArgs(f.alice.address, BTC_USD, wad("70"), f.deployer.address);
    expect((await balanceOf(f, fundAddr)) - fundBefore).to.equal(wad("70"));
    // The clearing account takes alice's realized −900 and her 30 of funding (bob's to receive later).
    expect((await clearingBalance(f)) - clearingBefore).to.equal(wad("930"));
    // The fund's position starts at the current funding index: it owes nothing yet.
    const p = await f.pm.position(fundAddr, BTC_USD);
    expect(p.pendingFundingWad).to.equal(0n);
    expect(p.lastCumulativeFundingWad).to.equal(wad("100"));
  });

  it("works while the protocol is paused", async function () {
    const f = await backstopSetup();
    await moveBtc(f, wad("57000"));
    await f.pm.connect(f.deployer).pause();
    await expect(f.pm.connect(f.outsider).flagLiquidatable(f.alice.address)).to.emit(f.pm, "LiquidatableFlagged");
    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.emit(f.pm, "BackstopTakeover")
      .withArgs(f.alice.address, BTC_USD, wad("100"), f.deployer.address);
    expect((await f.pm.position(await fundAddress(f), BTC_USD)).sizeWad).to.equal(wad("0.3"));
  });

  it("counts a pending withdrawal in the equity the fund receives", async function () {
    const f = await backstopSetup();
    const fundAddr = await fundAddress(f);
    // Alice asks to withdraw 500: equity without it 500 ≥ IM ≈ 360 at 60,000. The request leaves her balance at 500.
    await f.vault.connect(f.alice).requestWithdrawal(usdc(500));
    expect(await balanceOf(f, f.alice)).to.equal(wad("500"));
    // At 57,000 the maintenance basis is 500 + 500 pending − 900 = 100 (< 171).
    await moveBtc(f, wad("57000"));
    expect((await f.pm.canLiquidate(f.alice.address)).equityWad).to.equal(wad("100"));
    const fundBefore = await balanceOf(f, fundAddr);

    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.emit(f.pm, "BackstopTakeover")
      .withArgs(f.alice.address, BTC_USD, wad("100"), f.deployer.address);

    // The pending 500 came back to the balance and went to the fund with the rest: 1,000 − 900 = 100.
    expect((await f.vault.pendingWithdrawal(f.alice.address)).amount).to.equal(0n);
    expect(await balanceOf(f, f.alice)).to.equal(0n);
    expect((await balanceOf(f, fundAddr)) - fundBefore).to.equal(wad("100"));
  });
});
