/**
 * settleBatch moves positions and fees (DESIGN §5, §13.1–3): a fill opens a long for the buyer and a short for the
 * seller at the fill price; taker and maker fees (or a maker rebate) move between the traders, the insurance fund
 * (its share rounded down) and the fee recipient in one zero-sum vault call; the clearing account holds −Σ realized
 * PnL plus rounding dust; OI is Σ long sizes. Every expected figure is computed by hand in the comments.
 */
import { expect } from "chai";
import { deployKeel, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { orderDigest } from "../../../keepers/sdk/orders";
import { BTC_PRICE, BTC_USD, SENATE22_R, defaultPrices, domainOf, fundAll, settle, wad } from "./helpers";
import {
  balanceOf,
  clearingBalance,
  ledgerSums,
  place,
  receiptOf,
  setFees,
  settledDeltas,
  sumDeltas,
} from "./behaviourHelpers";

async function openMarketsOf(f: KeelFixture, who: { address: string }): Promise<number[]> {
  return [...(await f.pm.openMarkets(who.address))].map(Number);
}

describe("PositionManager.settleBatch moves positions and fees", function () {
  useSolvencyInvariant();

  it("opens a long for the taker and a short for the maker, charges both fees and splits the net", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob], usdc(10_000));
    const feeRecipient = await f.pm.feeRecipient();
    const insurance = await f.pm.insuranceFund();
    const pm = await f.pm.getAddress();
    const maker = await place(f, f.bob, "sell", { size: wad("0.1"), price: BTC_PRICE });
    const taker = await place(f, f.alice, "buy", { size: wad("0.1"), price: BTC_PRICE });
    await defaultPrices(f);

    const tx = await settle(f, [{ maker, taker, size: wad("0.1"), price: BTC_PRICE }]);

    // 0.1 BTC at 60,000: notional 6,000. Taker fee 6,000 · 0.045% = 2.7; maker fee 6,000 · 0.015% = 0.9.
    // Net 3.6: insurance 20% = 0.72, fee recipient 2.88. No PnL is realized: the clearing delta is 0.
    const domain = await domainOf(f);
    await expect(tx)
      .to.emit(f.pm, "Filled")
      .withArgs(1n, orderDigest(domain, maker.order), orderDigest(domain, taker.order), wad("0.1"), BTC_PRICE);
    await expect(tx).to.emit(f.pm, "BatchSettled").withArgs(1n, 1n, 2n);
    await expect(tx)
      .to.emit(f.vault, "BalancesSettled")
      .withArgs(
        pm,
        [f.bob.address, f.alice.address, feeRecipient, insurance, pm],
        [-wad("0.9"), -wad("2.7"), wad("2.88"), wad("0.72"), 0n],
      );
    expect(sumDeltas(settledDeltas(f, await receiptOf(tx)))).to.equal(0n);

    const long = await f.pm.position(f.alice.address, BTC_USD);
    expect(long.sizeWad).to.equal(wad("0.1"));
    expect(long.openNotionalWad).to.equal(wad("6000"));
    expect(long.lastCumulativeFundingWad).to.equal(0n);
    expect(long.pendingFundingWad).to.equal(0n);
    const short = await f.pm.position(f.bob.address, BTC_USD);
    expect(short.sizeWad).to.equal(-wad("0.1"));
    expect(short.openNotionalWad).to.equal(-wad("6000"));

    expect(await balanceOf(f, f.alice)).to.equal(wad("9997.3"));
    expect(await balanceOf(f, f.bob)).to.equal(wad("9999.1"));
    expect(await balanceOf(f, feeRecipient)).to.equal(wad("2.88"));
    expect(await balanceOf(f, insurance)).to.equal(wad("0.72"));
    expect(await clearingBalance(f)).to.equal(0n);

    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.1"));
    expect(await openMarketsOf(f, f.alice)).to.deep.equal([BTC_USD]);
    expect(await openMarketsOf(f, f.bob)).to.deep.equal([BTC_USD]);
    expect(await f.pm.nextBatchId()).to.equal(2n);
  });

  it("credits a maker rebate out of the taker fee after setFeeParams with a negative maker fee", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob], usdc(10_000));
    const feeRecipient = await f.pm.feeRecipient();
    const insurance = await f.pm.insuranceFund();
    const pm = await f.pm.getAddress();
    await setFees(f, BTC_USD, -wad("0.0001"), wad("0.00045"), wad("0.2"));
    const maker = await place(f, f.bob, "sell", { size: wad("0.1"), price: BTC_PRICE });
    const taker = await place(f, f.alice, "buy", { size: wad("0.1"), price: BTC_PRICE });
    await defaultPrices(f);

    const tx = await settle(f, [{ maker, taker, size: wad("0.1"), price: BTC_PRICE }]);

    // Notional 6,000: taker pays 2.7, the maker receives a 0.01% rebate of 0.6. Net 2.1: insurance 0.42, recipient 1.68.
    await expect(tx)
      .to.emit(f.vault, "BalancesSettled")
      .withArgs(
        pm,
        [f.bob.address, f.alice.address, feeRecipient, insurance, pm],
        [wad("0.6"), -wad("2.7"), wad("1.68"), wad("0.42"), 0n],
      );
    expect(await balanceOf(f, f.bob)).to.equal(wad("10000.6"));
    expect(await balanceOf(f, f.alice)).to.equal(wad("9997.3"));
    expect(await balanceOf(f, feeRecipient)).to.equal(wad("1.68"));
    expect(await balanceOf(f, insurance)).to.equal(wad("0.42"));
  });

  it("rounds a fee up, a rebate toward zero and the insurance share down", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob], usdc(10_000));
    const feeRecipient = await f.pm.feeRecipient();
    const insurance = await f.pm.insuranceFund();
    // Rates one wei off round numbers, so that every product leaves a remainder.
    await setFees(f, BTC_USD, -100000000000001n, 450000000000001n, wad("0.2"));
    const size = wad("0.0001");
    const price = wad("60000.1");
    const maker = await place(f, f.bob, "sell", { size, price });
    const taker = await place(f, f.alice, "buy", { size, price });
    await defaultPrices(f);

    const tx = await settle(f, [{ maker, taker, size, price }]);

    // size · price = 1e14 · 600001e17 = 600001e31 (notional 6.00001 USD).
    // Taker fee: 600001e31 · 450000000000001 / 1e36 = 270000450000000600001 / 1e5 = 2700004500000006.00001 → up: …007.
    // Rebate: 600001e31 · 100000000000001 / 1e36 = 60000100000000600001 / 1e5 = 600001000000006.00001 → down: …006.
    // Net 2700004500000007 − 600001000000006 = 2100003500000001; insurance 20% = 420000700000000.2 → down.
    const takerFee = 2700004500000007n;
    const rebate = 600001000000006n;
    const insuranceShare = 420000700000000n;
    const recipientShare = 1680002800000001n; // 2100003500000001 − 420000700000000
    const deltas = settledDeltas(f, await receiptOf(tx));
    expect(deltas.get(f.alice.address)).to.equal(-takerFee);
    expect(deltas.get(f.bob.address)).to.equal(rebate);
    expect(deltas.get(insurance)).to.equal(insuranceShare);
    expect(deltas.get(feeRecipient)).to.equal(recipientShare);
    expect(sumDeltas(deltas)).to.equal(0n);
    expect(await balanceOf(f, f.alice)).to.equal(wad("10000") - takerFee);
    expect(await balanceOf(f, f.bob)).to.equal(wad("10000") + rebate);
  });

  it("rounds the insurance share of a net fee down (share 1/3)", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob], usdc(10_000));
    const feeRecipient = await f.pm.feeRecipient();
    const insurance = await f.pm.insuranceFund();
    await setFees(f, BTC_USD, wad("0.00015"), wad("0.00045"), 333333333333333333n);
    const maker = await place(f, f.bob, "sell", { size: wad("0.1"), price: BTC_PRICE });
    const taker = await place(f, f.alice, "buy", { size: wad("0.1"), price: BTC_PRICE });
    await defaultPrices(f);

    await settle(f, [{ maker, taker, size: wad("0.1"), price: BTC_PRICE }]);

    // Net 3.6e18 · 333333333333333333 / 1e18 = 1199999999999999998.8 → 1199999999999999998; the rest to the recipient.
    expect(await balanceOf(f, insurance)).to.equal(1199999999999999998n);
    expect(await balanceOf(f, feeRecipient)).to.equal(2400000000000000002n);
  });

  it("keeps the clearing account at −Σ realized PnL + dust, and clearing + Σ openNotional = dust ≥ 0", async function () {
    const f = await deployKeel();
    const traders = [f.alice, f.bob, f.carol];
    await fundAll(f, traders, usdc(100_000));

    // 1. alice buys 0.1 at 60,000 from bob: alice (0.1, 6,000), bob (−0.1, −6,000).
    await defaultPrices(f);
    await settle(f, [
      {
        maker: await place(f, f.bob, "sell", { size: wad("0.1") }),
        taker: await place(f, f.alice, "buy", { size: wad("0.1") }),
        size: wad("0.1"),
        price: BTC_PRICE,
      },
    ]);
    // 2. alice buys 0.2 at 60,000.1 from carol: alice (0.3, 18,000.02), carol (−0.2, −12,000.02).
    await defaultPrices(f);
    await settle(f, [
      {
        maker: await place(f, f.carol, "sell", { size: wad("0.2"), price: wad("60000.1") }),
        taker: await place(f, f.alice, "buy", { size: wad("0.2"), price: wad("60000.1") }),
        size: wad("0.2"),
        price: wad("60000.1"),
      },
    ]);
    // 3. alice sells 0.1 at 60,100 to bob, who closes. alice closes a third of 18,000.02e18 wei of basis:
    //    18000020000000000000000 / 3 = 6000006666666666666666.67 → up: 6000006666666666666667; she realizes
    //    6,010e18 − that = 9993333333333333333 and keeps 12000013333333333333333 of basis.
    //    bob realizes −6,010 + 6,000 = −10.
    await defaultPrices(f);
    const close = await settle(f, [
      {
        maker: await place(f, f.bob, "buy", { size: wad("0.1"), price: wad("60100") }),
        taker: await place(f, f.alice, "sell", { size: wad("0.1"), price: wad("60100") }),
        size: wad("0.1"),
        price: wad("60100"),
      },
    ]);
    const aliceRealized = 9993333333333333333n;
    const bobRealized = -wad("10");
    const deltas = settledDeltas(f, await receiptOf(close));
    expect(sumDeltas(deltas)).to.equal(0n);
    // alice: +realized − taker fee (6,010 · 0.045% = 2.7045); bob: −10 − maker fee (6,010 · 0.015% = 0.9015).
    expect(deltas.get(f.alice.address)).to.equal(aliceRealized - wad("2.7045"));
    expect(deltas.get(f.bob.address)).to.equal(bobRealized - wad("0.9015"));
    expect(deltas.get(await f.pm.getAddress())).to.equal(-(aliceRealized + bobRealized));

    // Clearing = −Σ realized = 10e18 − 9993333333333333333 = 6666666666666667; the basis moved the other way.
    expect(await clearingBalance(f)).to.equal(6666666666666667n);
    expect((await f.pm.position(f.alice.address, BTC_USD)).openNotionalWad).to.equal(12000013333333333333333n);
    expect((await f.pm.position(f.bob.address, BTC_USD)).openNotionalWad).to.equal(0n);
    expect((await f.pm.position(f.carol.address, BTC_USD)).openNotionalWad).to.equal(-wad("12000.02"));
    let sums = await ledgerSums(f, traders);
    expect(sums.openNotionalWad).to.equal(-6666666666666667n);
    // Every fill price · size is exact in wei here (lot 1e14 · tick 1e17), so the trades leave no dust.
    expect((await clearingBalance(f)) + sums.openNotionalWad).to.equal(0n);

    // 4. Funding of 12345678901 wei per BTC: alice (+0.2) owes 0.2 · 12345678901 = 2469135780.2 → up: …781; carol
    //    (−0.2) receives 2469135780.2 → down: …780. Both settle at their next batch, so 1 wei of dust stays.
    await defaultPrices(f);
    await f.pm.connect(f.deployer).applyFunding(BTC_USD, 12345678901n);
    await defaultPrices(f);
    const touch = await settle(f, [
      {
        maker: await place(f, f.carol, "sell", { size: wad("0.1") }),
        taker: await place(f, f.alice, "buy", { size: wad("0.1") }),
        size: wad("0.1"),
        price: BTC_PRICE,
      },
    ]);
    const touchDeltas = settledDeltas(f, await receiptOf(touch));
    expect(touchDeltas.get(f.alice.address)).to.equal(-2469135781n - wad("2.7"));
    expect(touchDeltas.get(f.carol.address)).to.equal(2469135780n - wad("0.9"));
    expect(touchDeltas.get(await f.pm.getAddress())).to.equal(1n);
    expect(await clearingBalance(f)).to.equal(6666666666666667n + 1n);

    sums = await ledgerSums(f, traders);
    expect(sums.openNotionalWad).to.equal(-6666666666666667n);
    const dust = (await clearingBalance(f)) + sums.openNotionalWad;
    expect(dust).to.equal(1n);
    expect(dust).to.be.gte(0n);
  });

  it("keeps OI equal to Σ long sizes and each account's open markets in step", async function () {
    const f = await deployKeel();
    const traders = [f.alice, f.bob, f.carol];
    await fundAll(f, traders, usdc(100_000));
    await defaultPrices(f);
    // One batch, two fills of one maker order: alice buys 0.1 and carol 0.3 from bob's 0.4 sell.
    const bobSell = await place(f, f.bob, "sell", { size: wad("0.4") });
    await settle(f, [
      {
        maker: bobSell,
        taker: await place(f, f.alice, "buy", { size: wad("0.1") }),
        size: wad("0.1"),
        price: BTC_PRICE,
      },
      {
        maker: bobSell,
        taker: await place(f, f.carol, "buy", { size: wad("0.3") }),
        size: wad("0.3"),
        price: BTC_PRICE,
      },
    ]);
    let sums = await ledgerSums(f, traders);
    expect(sums.longWad).to.equal(wad("0.4"));
    expect(sums.netSizeWad).to.equal(0n);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.4"));

    // alice buys 100 SENATE22-R at 0.40 from bob: both hold two markets.
    await defaultPrices(f);
    await settle(f, [
      {
        maker: await place(f, f.bob, "sell", { marketId: SENATE22_R, size: wad("100"), price: wad("0.4") }),
        taker: await place(f, f.alice, "buy", { marketId: SENATE22_R, size: wad("100"), price: wad("0.4") }),
        size: wad("100"),
        price: wad("0.4"),
      },
    ]);
    expect((await f.pm.marketState(SENATE22_R)).openInterestWad).to.equal(wad("100"));
    expect(await openMarketsOf(f, f.alice)).to.deep.equal([BTC_USD, SENATE22_R]);
    expect(await openMarketsOf(f, f.bob)).to.deep.equal([BTC_USD, SENATE22_R]);
    expect(await openMarketsOf(f, f.carol)).to.deep.equal([BTC_USD]);

    // alice closes her BTC long against bob (who reduces his short): OI 0.4 → 0.3, alice keeps SENATE22-R only.
    await defaultPrices(f);
    await settle(f, [
      {
        maker: await place(f, f.bob, "buy", { size: wad("0.1") }),
        taker: await place(f, f.alice, "sell", { size: wad("0.1") }),
        size: wad("0.1"),
        price: BTC_PRICE,
      },
    ]);
    sums = await ledgerSums(f, traders);
    expect(sums.longWad).to.equal(wad("0.3"));
    expect(sums.netSizeWad).to.equal(0n);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.3"));
    expect(await openMarketsOf(f, f.alice)).to.deep.equal([SENATE22_R]);
    expect(await openMarketsOf(f, f.bob)).to.deep.equal([BTC_USD, SENATE22_R]);
    const closed = await f.pm.position(f.alice.address, BTC_USD);
    expect(closed.sizeWad).to.equal(0n);
    expect(closed.openNotionalWad).to.equal(0n);
    const eventSums = await ledgerSums(f, traders, SENATE22_R);
    expect(eventSums.longWad).to.equal(wad("100"));
    expect(eventSums.netSizeWad).to.equal(0n);
  });
});
