/**
 * applyFunding moves the funding index; positions settle lazily (DESIGN §7, §13.4): each call adds to the market's
 * cumulative index and bumps its epoch, at most once per clock-aligned interval and within
 * `fundingCap · interval / 1h · referencePrice` (the index for ASSET, 1 USD for BOUNDED). A position pays or receives
 * at the next batch that touches it (`position().pendingFundingWad` shows it before), payers rounded up and receivers
 * down, so funding paid ≥ funding received and the difference stays in the clearing account.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, SENATE22_R, WAD, defaultPrices, fundAll, settle, wad } from "./helpers";
import {
  balanceOf,
  clearingBalance,
  nextHour,
  place,
  receiptOf,
  settledDeltas,
  walkPrices,
  type Account,
} from "./behaviourHelpers";

/** Moves the clock so that the next transaction lands at `ts`, with prices pushed fresh one second before. */
async function nextTxAt(f: KeelFixture, ts: number): Promise<void> {
  await time.increaseTo(ts - 2);
  await walkPrices(f, {});
  await time.setNextBlockTimestamp(ts);
}

/** `taker` crosses a resting order of `maker` for `size` at 60,000 (prices pushed fresh first). */
async function fill(f: KeelFixture, maker: Account, taker: Account, takerSide: "buy" | "sell", size: bigint) {
  await walkPrices(f, {});
  const tx = await settle(f, [
    {
      maker: await place(f, maker, takerSide === "buy" ? "sell" : "buy", { size }),
      taker: await place(f, taker, takerSide, { size }),
      size,
      price: BTC_PRICE,
    },
  ]);
  return settledDeltas(f, await receiptOf(tx));
}

describe("PositionManager.applyFunding settles lazily", function () {
  useSolvencyInvariant();

  it("adds to cumulativeFunding and bumps fundingEpoch once per clock-aligned interval", async function () {
    const f = await deployKeel();
    const hour = await nextHour();
    // 50 minutes into an hour.
    const t0 = hour + 3000;
    await nextTxAt(f, t0);
    await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("10")))
      .to.emit(f.pm, "FundingApplied")
      .withArgs(BTC_USD, wad("10"), wad("10"), BTC_PRICE, 1n);
    let state = await f.pm.marketState(BTC_USD);
    expect(state.cumulativeFundingWad).to.equal(wad("10"));
    expect(state.fundingEpoch).to.equal(1n);
    expect(state.lastFundingAt).to.equal(BigInt(t0));

    // The last second of the same hour (599 s later) is still the same interval.
    await nextTxAt(f, hour + 3599);
    await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("1")))
      .to.be.revertedWithCustomError(f.pm, "FundingTooEarly")
      .withArgs(BTC_USD, BigInt(t0), 3600n);

    // The next second, the hour boundary only 600 s after t0, is the next interval (prices still fresh).
    await time.setNextBlockTimestamp(hour + 3600);
    await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, -wad("4")))
      .to.emit(f.pm, "FundingApplied")
      .withArgs(BTC_USD, -wad("4"), wad("6"), BTC_PRICE, 2n);
    state = await f.pm.marketState(BTC_USD);
    expect(state.cumulativeFundingWad).to.equal(wad("6"));
    expect(state.fundingEpoch).to.equal(2n);
    expect(state.lastFundingAt).to.equal(BigInt(hour + 3600));
  });

  it("charges and credits a position only at the next batch that touches it", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob, f.carol], usdc(100_000));
    await defaultPrices(f);
    await fill(f, f.bob, f.alice, "buy", wad("0.1"));
    const aliceBefore = await balanceOf(f, f.alice);
    const bobBefore = await balanceOf(f, f.bob);

    // +10 USD per BTC: the long (0.1) owes 1, the short receives 1.
    await walkPrices(f, {});
    await f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("10"));
    let alice = await f.pm.position(f.alice.address, BTC_USD);
    expect(alice.pendingFundingWad).to.equal(wad("1"));
    expect(alice.lastCumulativeFundingWad).to.equal(0n);
    expect((await f.pm.position(f.bob.address, BTC_USD)).pendingFundingWad).to.equal(-wad("1"));
    const am = await f.pm.accountMargin(f.alice.address);
    expect(am.pendingFundingWad).to.equal(wad("1"));
    expect(am.equityWad).to.equal(aliceBefore - wad("1"));
    // Nothing moved yet.
    expect(await balanceOf(f, f.alice)).to.equal(aliceBefore);
    expect(await balanceOf(f, f.bob)).to.equal(bobBefore);
    expect(await clearingBalance(f)).to.equal(0n);

    // alice buys 0.1 more from carol: alice pays her 1 (and the 2.7 taker fee); bob is untouched.
    let d = await fill(f, f.carol, f.alice, "buy", wad("0.1"));
    expect(d.get(f.alice.address)).to.equal(-wad("1") - wad("2.7"));
    expect(d.get(await f.pm.getAddress())).to.equal(wad("1"));
    expect(d.has(f.bob.address)).to.equal(false);
    alice = await f.pm.position(f.alice.address, BTC_USD);
    expect(alice.pendingFundingWad).to.equal(0n);
    expect(alice.lastCumulativeFundingWad).to.equal(wad("10"));
    // carol opened after the payment: she owes nothing.
    expect((await f.pm.position(f.carol.address, BTC_USD)).pendingFundingWad).to.equal(0n);
    expect(await balanceOf(f, f.bob)).to.equal(bobBefore);
    expect((await f.pm.position(f.bob.address, BTC_USD)).pendingFundingWad).to.equal(-wad("1"));
    expect(await clearingBalance(f)).to.equal(wad("1"));

    // bob closes against carol: he receives his 1 (and pays the 2.7 taker fee; no PnL at the same price).
    d = await fill(f, f.carol, f.bob, "buy", wad("0.1"));
    expect(d.get(f.bob.address)).to.equal(wad("1") - wad("2.7"));
    expect(d.get(await f.pm.getAddress())).to.equal(-wad("1"));
    expect(await clearingBalance(f)).to.equal(0n);
  });

  it("rounds payers up and receivers down, so funding paid ≥ funding received", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob], usdc(10_000));
    await defaultPrices(f);
    await fill(f, f.bob, f.alice, "buy", wad("0.0003"));

    // 12345 wei per BTC on 0.0003 BTC = 3.7035 wei: the long pays 4, the short receives 3.
    const hour = await nextHour();
    await nextTxAt(f, hour);
    await f.pm.connect(f.deployer).applyFunding(BTC_USD, 12345n);
    expect((await f.pm.position(f.alice.address, BTC_USD)).pendingFundingWad).to.equal(4n);
    expect((await f.pm.position(f.bob.address, BTC_USD)).pendingFundingWad).to.equal(-3n);

    // Both settle in one batch (alice sells 0.0001 back to bob at the entry price: no PnL; fees 0.0027 / 0.0009).
    let d = await fill(f, f.bob, f.alice, "sell", wad("0.0001"));
    expect(d.get(f.alice.address)).to.equal(-4n - wad("0.0027"));
    expect(d.get(f.bob.address)).to.equal(3n - wad("0.0009"));
    expect(d.get(await f.pm.getAddress())).to.equal(1n);

    // −12345 wei per BTC on 0.0002 BTC = 2.469 wei: the short pays 3, the long receives 2.
    await nextTxAt(f, hour + 3600);
    await f.pm.connect(f.deployer).applyFunding(BTC_USD, -12345n);
    expect((await f.pm.position(f.alice.address, BTC_USD)).pendingFundingWad).to.equal(-2n);
    expect((await f.pm.position(f.bob.address, BTC_USD)).pendingFundingWad).to.equal(3n);
    d = await fill(f, f.bob, f.alice, "sell", wad("0.0001"));
    expect(d.get(f.alice.address)).to.equal(2n - wad("0.0027"));
    expect(d.get(f.bob.address)).to.equal(-3n - wad("0.0009"));
    // Paid 4 + 3 = 7, received 3 + 2 = 5: 2 wei of dust in the clearing account.
    expect(await clearingBalance(f)).to.equal(2n);
  });

  it("caps an ASSET market's funding at fundingCap · index (exactly at the cap passes)", async function () {
    const f = await deployKeel();
    // Index 59,000 under a mark of 60,000: cap 4% · 3,600 / 3,600 · 59,000 = 2,360 per BTC (the mark would give 2,400).
    const hour = await nextHour();
    await time.increaseTo(hour - 2);
    await defaultPrices(f);
    await walkPrices(f, { [BTC_USD]: BTC_PRICE }, { [BTC_USD]: wad("59000") });
    await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("2360") + 1n))
      .to.be.revertedWithCustomError(f.pm, "FundingAboveCap")
      .withArgs(BTC_USD, wad("2360") + 1n, wad("2360"));
    await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, -wad("2360") - 1n))
      .to.be.revertedWithCustomError(f.pm, "FundingAboveCap")
      .withArgs(BTC_USD, -wad("2360") - 1n, wad("2360"));
    await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("2360")))
      .to.emit(f.pm, "FundingApplied")
      .withArgs(BTC_USD, wad("2360"), wad("2360"), wad("59000"), 1n);

    await nextTxAt(f, hour + 3600);
    await expect(f.pm.connect(f.deployer).applyFunding(BTC_USD, -wad("2360")))
      .to.emit(f.pm, "FundingApplied")
      .withArgs(BTC_USD, -wad("2360"), 0n, wad("59000"), 2n);
  });

  it("caps a BOUNDED market's funding at fundingCap · 1 USD, whatever its price", async function () {
    const f = await deployKeel();
    await defaultPrices(f); // SENATE22-R at 0.40
    // Cap 1% · 1 USD = 0.01 per unit, although 1% of the 0.40 price would be only 0.004.
    await expect(f.pm.connect(f.deployer).applyFunding(SENATE22_R, wad("0.01") + 1n))
      .to.be.revertedWithCustomError(f.pm, "FundingAboveCap")
      .withArgs(SENATE22_R, wad("0.01") + 1n, wad("0.01"));
    await expect(f.pm.connect(f.deployer).applyFunding(SENATE22_R, wad("0.01")))
      .to.emit(f.pm, "FundingApplied")
      .withArgs(SENATE22_R, wad("0.01"), wad("0.01"), WAD, 1n);

    const hour = await nextHour();
    await nextTxAt(f, hour);
    await expect(f.pm.connect(f.deployer).applyFunding(SENATE22_R, -wad("0.01") - 1n))
      .to.be.revertedWithCustomError(f.pm, "FundingAboveCap")
      .withArgs(SENATE22_R, -wad("0.01") - 1n, wad("0.01"));
    await expect(f.pm.connect(f.deployer).applyFunding(SENATE22_R, -wad("0.01")))
      .to.emit(f.pm, "FundingApplied")
      .withArgs(SENATE22_R, -wad("0.01"), 0n, WAD, 2n);
  });
});
