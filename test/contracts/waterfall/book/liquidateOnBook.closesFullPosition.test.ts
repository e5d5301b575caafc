/**
 * liquidateOnBook closes a liquidatable position below partialThreshold in full (DESIGN §8 stage 1;
 * ILiquidationWaterfall.liquidateOnBook): the exact position moves to the maker at the fill price, the account
 * realizes its PnL and pays the 0.5% liquidation fee on the closed notional to the insurance fund, the maker pays its
 * 0.015% maker fee split 20% insurance / 80% fee recipient (no rebate when the maker fee is negative), pending funding
 * settles in the same move, and LiquidatedOnBook / LiquidationFilled are emitted.
 */
import { expect } from "chai";
import { deployKeel, useSolvencyInvariant } from "../../../fixtures/keel";
import { OrderState } from "../../../../keepers/sdk/orders";
import { clearingBalance, receiptOf, setFees, settledDeltas, sumDeltas } from "../../trading/behaviourHelpers";
import {
  BTC_USD,
  LIQ_MARK,
  LONG_SIZE,
  feeRecipientBalance,
  insuranceBalance,
  liqFill,
  liquidatableLong,
  liquidate,
  makerOrder,
  wad,
} from "./helpers";

describe("PositionManager.liquidateOnBook closes a position below partialThreshold in full", function () {
  useSolvencyInvariant();

  it("moves the exact position to the maker, realizes PnL, and pays the liquidation and maker fees", async function () {
    const f = await deployKeel();
    await liquidatableLong(f);
    // Before: insurance holds 20% of the opening trade's fees: (8.1 + 2.7) · 0.2 = 2.16; the fee recipient 8.64.
    expect(await insuranceBalance(f)).to.equal(wad("2.16"));
    expect(await feeRecipientBalance(f)).to.equal(wad("8.64"));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("991.9"));
    const clearingBefore = await clearingBalance(f);

    // carol rests a 0.5 BTC bid at 57,200; the liquidator sells alice's whole 0.3 into it at 57,200 (the mark).
    const bid = await makerOrder(f, f.carol, "buy", wad("0.5"), LIQ_MARK);
    const tx = await liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)]);

    // Closed notional 0.3 · 57,200 = 17,160; liquidation fee 17,160 · 0.5% = 85.8.
    await expect(tx)
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, BTC_USD, LONG_SIZE, wad("17160"), wad("85.8"));
    await expect(tx)
      .to.emit(f.pm, "LiquidationFilled")
      .withArgs(f.alice.address, BTC_USD, await f.pm.orderDigest(bid.order), LONG_SIZE, LIQ_MARK);

    // alice: realized 17,160 − 18,000 basis = −840; minus the fee 85.8 → 991.9 − 840 − 85.8 = 66.1; flat.
    // carol: maker fee 17,160 · 0.015% = 2.574 (no rebate, no taker fee to fund one), long 0.3 at basis 17,160.
    // Insurance: 85.8 + floor(2.574 · 20%) = 85.8 + 0.5148 = 86.3148; fee recipient 2.574 − 0.5148 = 2.0592;
    // clearing: the counterparty of alice's realized −840 → +840. Σ = −925.8 − 2.574 + 86.3148 + 2.0592 + 840 = 0.
    const deltas = settledDeltas(f, await receiptOf(tx));
    expect(deltas.get(f.alice.address)).to.equal(-wad("925.8"));
    expect(deltas.get(f.carol.address)).to.equal(-wad("2.574"));
    expect(deltas.get(await f.fund.getAddress())).to.equal(wad("86.3148"));
    expect(deltas.get(await f.pm.feeRecipient())).to.equal(wad("2.0592"));
    expect(deltas.get(await f.pm.getAddress())).to.equal(wad("840"));
    expect(sumDeltas(deltas)).to.equal(0n);

    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("66.1"));
    expect(await f.vault.balanceWad(f.carol.address)).to.equal(wad("100000") - wad("2.574"));
    // 2.16 + 86.3148 = 88.4748; 8.64 + 2.0592 = 10.6992.
    expect(await insuranceBalance(f)).to.equal(wad("88.4748"));
    expect(await feeRecipientBalance(f)).to.equal(wad("10.6992"));
    expect(await clearingBalance(f)).to.equal(clearingBefore + wad("840"));

    const a = await f.pm.position(f.alice.address, BTC_USD);
    expect([a.sizeWad, a.openNotionalWad]).to.deep.equal([0n, 0n]);
    expect(await f.pm.openMarkets(f.alice.address)).to.deep.equal([]);
    const c = await f.pm.position(f.carol.address, BTC_USD);
    expect([c.sizeWad, c.openNotionalWad]).to.deep.equal([LONG_SIZE, wad("17160")]);
    // bob's short is untouched; OI = Σ longs = carol's 0.3.
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(-LONG_SIZE);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(LONG_SIZE);
    // carol's bid stays open with 0.3 of 0.5 filled.
    const status = await f.pm.orderStatus(bid.order);
    expect([status.state, status.filledWad]).to.deep.equal([BigInt(OrderState.PartiallyFilled), LONG_SIZE]);
    // alice has nothing left to liquidate: equity 66.1 ≥ MM 0.
    expect((await f.pm.canLiquidate(f.alice.address)).liquidatable).to.equal(false);
  });

  it("fills across several makers at different prices within the band", async function () {
    const f = await deployKeel();
    await liquidatableLong(f);
    const carolBid = await makerOrder(f, f.carol, "buy", wad("0.1"), wad("57300"));
    const bobBid = await makerOrder(f, f.bob, "buy", wad("0.5"), wad("57000"));
    // carol takes 0.1 at 57,300 (above the mark: alice sells higher), bob 0.2 at 57,000 (reduces his short).
    const tx = await liquidate(
      f,
      f.alice,
      [carolBid, bobBid],
      [liqFill(0, wad("0.1"), wad("57300")), liqFill(1, wad("0.2"), wad("57000"))],
    );
    // Notional 5,730 + 11,400 = 17,130; fee 17,130 · 0.5% = 85.65.
    await expect(tx)
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, BTC_USD, LONG_SIZE, wad("17130"), wad("85.65"));
    // alice: realized 17,130 − 18,000 = −870; 991.9 − 870 − 85.65 = 36.25.
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("36.25"));
    // bob: short 0.3 at 60,000 buys 0.2 back at 57,000: +0.2 · 3,000 = +600; maker fee 11,400 · 0.015% = 1.71;
    // he paid 2.7 opening: 100,000 − 2.7 + 600 − 1.71 = 100,595.59.
    expect(await f.vault.balanceWad(f.bob.address)).to.equal(wad("100595.59"));
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(-wad("0.1"));
    // carol: maker fee 5,730 · 0.015% = 0.8595.
    expect(await f.vault.balanceWad(f.carol.address)).to.equal(wad("100000") - wad("0.8595"));
    // Insurance: 2.16 + 85.65 + floor(0.8595 · 20%) + floor(1.71 · 20%) = 2.16 + 85.65 + 0.1719 + 0.342 = 88.3239.
    expect(await insuranceBalance(f)).to.equal(wad("88.3239"));
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
  });

  it("settles the liquidated position's pending funding in the same balance move", async function () {
    const f = await deployKeel();
    await liquidatableLong(f);
    // Funding of +10 USD per BTC: alice's long owes 0.3 · 10 = 3 (equity 151.9 − 3 = 148.9 < MM 171.6).
    await f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("10"));
    expect((await f.pm.canLiquidate(f.alice.address)).equityWad).to.equal(wad("148.9"));
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
    const deltas = settledDeltas(
      f,
      await receiptOf(await liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)])),
    );
    // alice: −3 funding − 840 realized − 85.8 fee = −928.8 → 991.9 − 928.8 = 63.1; the clearing account takes the
    // funding and the realized loss: 3 + 840 = 843.
    expect(deltas.get(f.alice.address)).to.equal(-wad("928.8"));
    expect(deltas.get(await f.pm.getAddress())).to.equal(wad("843"));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("63.1"));
    const p = await f.pm.position(f.alice.address, BTC_USD);
    expect([p.sizeWad, p.openNotionalWad, p.pendingFundingWad]).to.deep.equal([0n, 0n, 0n]);
  });

  it("charges no maker fee and pays no rebate when the market's maker fee is negative", async function () {
    const f = await deployKeel();
    await liquidatableLong(f);
    // Maker −0.01% (a rebate), taker 0.045%, insurance share 20%.
    await setFees(f, BTC_USD, -wad("0.0001"), wad("0.00045"), wad("0.2"));
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
    const deltas = settledDeltas(
      f,
      await receiptOf(await liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)])),
    );
    // carol neither pays nor receives; the fund gets exactly the 85.8 liquidation fee; the fee recipient nothing.
    expect(deltas.get(f.carol.address)).to.equal(0n);
    expect(deltas.get(await f.fund.getAddress())).to.equal(wad("85.8"));
    expect(deltas.get(await f.pm.feeRecipient())).to.equal(0n);
    expect(deltas.get(f.alice.address)).to.equal(-wad("925.8"));
  });
});
