/**
 * A BTC-USD price path that takes the real keepers through the whole waterfall of DESIGN §8, with every amount worked
 * out by hand (fees off; MMF 1%; liquidation fee 0.5%; partial threshold 100,000 USD, fraction 20%, cooldown 30 s).
 *
 * Positions, all opened at 60,000 through the gateway and settled on chain:
 * - alice long 3 (4,500 USD) from m0; m1 long 2 from carol and bob; m2 long 2.5 from dave.
 * - carol short 1 (1,800), bob short 1 (2,000), dave short 2.5 (4,000); m0, m1, m3 hold 100,000+, m2 10,000.
 * The insurance fund holds 20,000 and its BTC-USD exposure cap is 130,000 USD.
 *
 * 1. Mark 59,000 — book: alice's equity 1,500 < MM 1,770 but above ⅔ MM. Her notional 177,000 is above the partial
 *    threshold: 20% (0.6) closes against m3's bid at 58,990 (fee 0.6 · 58,990 · 0.5% = 176.97). Still liquidatable
 *    (equity 1,317.03 < MM 1,416) but in cooldown: the next round skips her. 31 s later 20% of 2.4 = 0.48 closes (fee
 *    141.576); equity 1,170.654 ≥ MM 1,132.8: healthy, she keeps 1.92.
 * 2. Mark 61,500 — backstop: carol's equity 300 < ⅔ · MM 615 → taken over at the mark. Bob's 500 is above ⅔ MM, but
 *    the book has no ask within the band → taken over too. Dave's 250 is below ⅔ MM 1,537.5, but his 2.5 would bring
 *    the fund's short to 4.5 · 61,500 > 130,000: BackstopExposureCap, handed to ADL (not bankrupt yet: nothing to do).
 * 3. Mark 62,000 — ADL: dave's equity 4,000 − 2.5 · 2,000 = −1,000 and the fund cannot take him. Bankruptcy price
 *    62,000 − 1,000 / 2.5 = 61,600. Longs in profit ranked by (mark/entry) · notional / equity: alice ≈ 17.75, m2 ≈ 10.7,
 *    m1 ≈ 1.23, m3 ≈ 0.35. Only what is needed closes: alice's 1.92, then 0.58 of m2's 2.5.
 */
import { expect } from "chai";
import type { Wallet } from "ethers";
import { BTC_USD, startWaterfallRig, usdc, wad, type LiquidatorInstance, type WaterfallRig } from "../helpers";

describe("waterfall keepers: a price path through book liquidation, backstop and ADL", function () {
  let rig: WaterfallRig;
  let liq: LiquidatorInstance;
  let alice: Wallet, carol: Wallet, bob: Wallet, dave: Wallet;
  let m0: Wallet, m1: Wallet, m2: Wallet, m3: Wallet;
  let fromBlock: number;

  before(async function () {
    rig = await startWaterfallRig(usdc(20_000));
    const { f } = rig.ex;
    await f.fund.connect(f.deployer).setBackstopExposureCap(BTC_USD, wad("130000"));
    [m0, m1, m2, m3] = [
      await rig.trader(usdc(100_000)),
      await rig.trader(usdc(100_000)),
      await rig.trader(usdc(10_000)),
      await rig.trader(usdc(200_000)),
    ];
    [alice, carol, bob, dave] = [
      await rig.trader(usdc(4_500)),
      await rig.trader(usdc(1_800)),
      await rig.trader(usdc(2_000)),
      await rig.trader(usdc(4_000)),
    ];
    const at = wad("60000");
    await rig.rest(m0, "sell", wad("3"), at);
    await rig.take(alice, "buy", wad("3"), at);
    await rig.rest(m1, "buy", wad("2"), at);
    await rig.take(carol, "sell", wad("1"), at);
    await rig.take(bob, "sell", wad("1"), at);
    await rig.rest(m2, "buy", wad("2.5"), at);
    await rig.take(dave, "sell", wad("2.5"), at);
    liq = await rig.startLiquidator(await rig.keeperKey(true), "full");
    fromBlock = await rig.ex.rpc.provider.getBlockNumber();
  });

  after(async function () {
    await rig?.stop();
  });

  const events = {
    book: () => rig.ex.f.pm.queryFilter(rig.ex.f.pm.filters.LiquidatedOnBook(), fromBlock),
    takeovers: () => rig.ex.f.pm.queryFilter(rig.ex.f.pm.filters.BackstopTakeover(), fromBlock),
    adl: () => rig.ex.f.pm.queryFilter(rig.ex.f.pm.filters.AutoDeleveraged(), fromBlock),
  };

  it("stage 1: closes 20% on the book, respects the cooldown, closes 20% of the rest, then stops", async function () {
    await rig.rest(m3, "buy", wad("1.08"), wad("58990"));
    await rig.moveBtc(wad("59000"));

    const first = await liq.round();
    expect(first.map((o) => [o.account, o.action, o.status, o.sizeWad])).to.deep.equal([
      [alice.address, "book", "done", wad("0.6")],
    ]);
    const again = await liq.round();
    expect(again.map((o) => [o.action, o.status, o.reason])).to.deep.equal([["book", "skipped", "cooldown"]]);

    await rig.warp(31);
    const third = await liq.round();
    expect(third.map((o) => [o.account, o.action, o.status, o.sizeWad])).to.deep.equal([
      [alice.address, "book", "done", wad("0.48")],
    ]);
    expect(await liq.round()).to.deep.equal([]);

    const book = (await events.book()).map((e) => [e.args.account, e.args.sizeWad, e.args.notionalWad, e.args.feeWad]);
    expect(book).to.deep.equal([
      [alice.address, wad("0.6"), wad("35394"), wad("176.97")],
      [alice.address, wad("0.48"), wad("28315.2"), wad("141.576")],
    ]);
    const pm = rig.ex.f.pm;
    expect((await pm.position(alice.address, BTC_USD)).sizeWad).to.equal(wad("1.92"));
    expect((await pm.position(m3.address, BTC_USD)).sizeWad).to.equal(wad("1.08"));
    const health = await pm.canLiquidate(alice.address);
    expect(health.equityWad).to.equal(wad("1170.654"));
    expect(health.liquidatable).to.equal(false);
    // The fund received both liquidation fees on top of its 20,000.
    expect(await rig.ex.f.vault.balanceWad(rig.fundAddress)).to.equal(wad("20318.546"));
  });

  it("stage 2: the backstop takes over below ⅔ MM and when the book cannot absorb; the exposure cap defers dave", async function () {
    await rig.moveBtc(wad("61500"));
    const outcomes = await liq.round();
    const byAccount = new Map(outcomes.map((o) => [o.account, [o.action, o.status, o.reason]]));
    expect(byAccount.get(carol.address)).to.deep.equal(["backstop", "done", undefined]);
    expect(byAccount.get(bob.address)).to.deep.equal(["backstop", "done", undefined]);
    expect(byAccount.get(dave.address)).to.deep.equal(["backstop", "skipped", "BackstopExposureCap"]);

    const takeovers = (await events.takeovers()).map((e) => [e.args.account, e.args.equityWad]);
    expect(new Map(takeovers as [string, bigint][])).to.deep.equal(
      new Map([
        [carol.address, wad("300")],
        [bob.address, wad("500")],
      ]),
    );
    const pm = rig.ex.f.pm;
    expect((await pm.position(rig.fundAddress, BTC_USD)).sizeWad).to.equal(wad("-2"));
    expect((await pm.position(dave.address, BTC_USD)).sizeWad).to.equal(wad("-2.5"));
    expect(await rig.ex.f.vault.balanceWad(rig.fundAddress)).to.equal(wad("20318.546") + wad("800"));
  });

  it("stage 3: ADL closes the bankrupt short against the top-ranked longs at the bankruptcy price, only what is needed", async function () {
    const adl = await rig.startAdl(await rig.keeperKey(true));
    await rig.moveBtc(wad("62000"));
    const deferred = await liq.round();
    expect(deferred.map((o) => [o.account, o.action, o.status])).to.deep.equal([[dave.address, "backstop", "skipped"]]);

    await adl.round();
    const closed = (await events.adl()).map((e) => [
      e.args.account,
      e.args.counterparty,
      e.args.sizeWad,
      e.args.bankruptcyPriceWad,
    ]);
    expect(closed).to.deep.equal([
      [dave.address, alice.address, wad("-1.92"), wad("61600")],
      [dave.address, m2.address, wad("-0.58"), wad("61600")],
    ]);
    const pm = rig.ex.f.pm;
    expect((await pm.position(dave.address, BTC_USD)).sizeWad).to.equal(0n);
    expect(await rig.ex.f.vault.balanceWad(dave.address)).to.equal(0n);
    expect((await pm.position(alice.address, BTC_USD)).sizeWad).to.equal(0n);
    expect((await pm.position(m2.address, BTC_USD)).sizeWad).to.equal(wad("1.92"));
    expect((await pm.position(m1.address, BTC_USD)).sizeWad).to.equal(wad("2"));
    expect((await pm.position(m3.address, BTC_USD)).sizeWad).to.equal(wad("1.08"));
    // Nothing is left for the keepers: no candidate, and the ADL keeper finds no bankrupt account.
    expect(await liq.round()).to.deep.equal([]);
    expect((await adl.round()).filter((o) => o.status === "deleveraged")).to.deep.equal([]);
  });
});
