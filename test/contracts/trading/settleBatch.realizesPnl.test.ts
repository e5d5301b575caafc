/**
 * settleBatch realizes PnL (DESIGN §2, §6; PositionMath.applyFill): a reduce realizes the closed fraction of the cost
 * basis against the fill price, a full close zeroes size and openNotional, a flip closes the whole position and
 * opens the rest at the fill price, and every rounding goes against the user (the closed basis of a long rounds up,
 * of a short toward zero). Fees are set to zero so that each balance delta is the realized PnL alone.
 */
import { expect } from "chai";
import { deployKeel, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, defaultPrices, fundAll, trade, wad } from "./helpers";
import {
  balanceOf,
  clearingBalance,
  ledgerSums,
  receiptOf,
  setFees,
  settledDeltas,
  type Account,
} from "./behaviourHelpers";

/** One fill: `taker` crosses a resting order of `maker` for `size` at `price`; returns the vault's deltas. */
async function fill(
  f: KeelFixture,
  maker: Account,
  taker: Account,
  takerSide: "buy" | "sell",
  size: bigint,
  price: bigint,
): Promise<Map<string, bigint>> {
  await defaultPrices(f);
  return settledDeltas(f, await receiptOf(await trade(f, maker, taker, takerSide, size, price)));
}

async function expectPosition(f: KeelFixture, who: Account, sizeWad: bigint, openNotionalWad: bigint): Promise<void> {
  const p = await f.pm.position(who.address, BTC_USD);
  expect(p.sizeWad, "size").to.equal(sizeWad);
  expect(p.openNotionalWad, "openNotional").to.equal(openNotionalWad);
}

describe("PositionManager.settleBatch realizes PnL", function () {
  useSolvencyInvariant();

  async function setup(): Promise<KeelFixture> {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob, f.carol], usdc(100_000));
    await setFees(f, BTC_USD, 0n, 0n, 0n);
    return f;
  }

  it("realizes the closed fraction of the basis on each reduce", async function () {
    const f = await setup();
    await fill(f, f.bob, f.alice, "buy", wad("0.4"), BTC_PRICE);
    await expectPosition(f, f.alice, wad("0.4"), wad("24000"));

    // Sell 0.1 of 0.4 at 61,000: basis 24,000 · 1/4 = 6,000 closes against 6,100 of cash: +100 (bob, short: −100).
    let d = await fill(f, f.bob, f.alice, "sell", wad("0.1"), wad("61000"));
    expect(d.get(f.alice.address)).to.equal(wad("100"));
    expect(d.get(f.bob.address)).to.equal(-wad("100"));
    expect(d.get(await f.pm.getAddress())).to.equal(0n);
    await expectPosition(f, f.alice, wad("0.3"), wad("18000"));
    await expectPosition(f, f.bob, -wad("0.3"), -wad("18000"));

    // Sell 0.2 of 0.3 at 59,000: basis 18,000 · 2/3 = 12,000 against 11,800 of cash: −200 (bob +200).
    d = await fill(f, f.bob, f.alice, "sell", wad("0.2"), wad("59000"));
    expect(d.get(f.alice.address)).to.equal(-wad("200"));
    expect(d.get(f.bob.address)).to.equal(wad("200"));
    await expectPosition(f, f.alice, wad("0.1"), wad("6000"));
    await expectPosition(f, f.bob, -wad("0.1"), -wad("6000"));
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.1"));
    expect(await balanceOf(f, f.alice)).to.equal(wad("100000") + wad("100") - wad("200"));
  });

  it("zeroes size and openNotional on a full close and drops the market from openMarkets", async function () {
    const f = await setup();
    await fill(f, f.bob, f.alice, "buy", wad("0.3"), BTC_PRICE);
    // Close all 0.3 at 60,500: 18,150 of cash against the whole 18,000 basis: +150.
    const d = await fill(f, f.bob, f.alice, "sell", wad("0.3"), wad("60500"));
    expect(d.get(f.alice.address)).to.equal(wad("150"));
    expect(d.get(f.bob.address)).to.equal(-wad("150"));
    const p = await f.pm.position(f.alice.address, BTC_USD);
    expect(p.sizeWad).to.equal(0n);
    expect(p.openNotionalWad).to.equal(0n);
    expect(p.lastCumulativeFundingWad).to.equal(0n);
    await expectPosition(f, f.bob, 0n, 0n);
    expect(await f.pm.openMarkets(f.alice.address)).to.have.length(0);
    expect(await f.pm.openMarkets(f.bob.address)).to.have.length(0);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(0n);
    expect(await balanceOf(f, f.alice)).to.equal(wad("100150"));
    expect(await balanceOf(f, f.bob)).to.equal(wad("99850"));
  });

  it("flips: closes the whole position, then opens the remainder at the fill price", async function () {
    const f = await setup();
    await fill(f, f.bob, f.alice, "buy", wad("0.1"), BTC_PRICE);
    // alice (+0.1, 6,000) sells 0.3 and bob (−0.1, −6,000) buys 0.3 at 60,500: each closes 0.1 and opens 0.2.
    // alice realizes 6,050 − 6,000 = +50 and opens −0.2 at 60,500 (−12,100); bob realizes −6,050 + 6,000 = −50 and
    // opens +0.2 (12,100).
    const d = await fill(f, f.bob, f.alice, "sell", wad("0.3"), wad("60500"));
    expect(d.get(f.alice.address)).to.equal(wad("50"));
    expect(d.get(f.bob.address)).to.equal(-wad("50"));
    await expectPosition(f, f.alice, -wad("0.2"), -wad("12100"));
    await expectPosition(f, f.bob, wad("0.2"), wad("12100"));
    // OI was alice's 0.1; now bob's 0.2.
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.2"));
    const sums = await ledgerSums(f, [f.alice, f.bob]);
    expect(sums.longWad).to.equal(wad("0.2"));
    expect(sums.netSizeWad).to.equal(0n);
  });

  it("rounds the realized PnL of a partial close against the user on both sides", async function () {
    const f = await setup();
    // alice buys 0.1 at 60,000 and 0.2 at 60,000.1 from carol: basis 18,000.02 = 18000020000000000000000 wei on 0.3,
    // which 3 does not divide.
    await fill(f, f.carol, f.alice, "buy", wad("0.1"), BTC_PRICE);
    await fill(f, f.carol, f.alice, "buy", wad("0.2"), wad("60000.1"));
    await expectPosition(f, f.alice, wad("0.3"), wad("18000.02"));
    await expectPosition(f, f.carol, -wad("0.3"), -wad("18000.02"));

    // alice sells 0.1 at 60,000.1 back to carol (6,000.01 of cash each way).
    // alice's closed basis 18000020000000000000000 / 3 = 6000006666666666666666.67 rounds up to …667: she realizes
    // 6000010000000000000000 − 6000006666666666666667 = 3333333333333333 (exactly 3333333333333333.33…, rounded
    // down).
    // carol's closed basis −6000006666666666666666.67 rounds toward zero to −…666: she realizes
    // −6000010000000000000000 + 6000006666666666666666 = −3333333333333334 (rounded down, away from zero).
    const d = await fill(f, f.carol, f.alice, "sell", wad("0.1"), wad("60000.1"));
    expect(d.get(f.alice.address)).to.equal(3333333333333333n);
    expect(d.get(f.carol.address)).to.equal(-3333333333333334n);
    // The wei both lost stays in the clearing account.
    expect(d.get(await f.pm.getAddress())).to.equal(1n);
    expect(await clearingBalance(f)).to.equal(1n);
    await expectPosition(f, f.alice, wad("0.2"), 12000013333333333333333n);
    await expectPosition(f, f.carol, -wad("0.2"), -12000013333333333333334n);
    // clearing + Σ openNotional = 1 − 1 = 0: no fill price · size leaves a remainder here, so no dust beyond it.
    expect((await clearingBalance(f)) + (await ledgerSums(f, [f.alice, f.carol])).openNotionalWad).to.equal(0n);
  });
});
