/**
 * Two liquidator instances (two keys holding LIQUIDATOR_ROLE, each with its own indexer, health tracker and sender, as
 * two processes would run) work the same accounts at the same time against one matcher. Every slice is liquidated
 * once: the matcher grants one reservation per account and market at a time, and the chain's cooldown and health
 * checks refuse a second call. Four accounts hold 3 BTC long (177,000 USD at 59,000: partial liquidation, 20% per call,
 * 30 s cooldown) and become liquidatable together.
 */
import { expect } from "chai";
import type { Wallet } from "ethers";
import { liquidationCloseSize } from "../../../../keepers/sdk/math";
import { BTC_USD, startWaterfallRig, usdc, wad, type LiquidatorInstance, type WaterfallRig } from "../helpers";

describe("waterfall keepers: two liquidator instances never liquidate the same slice twice", function () {
  let rig: WaterfallRig;
  let longs: Wallet[];
  let a: LiquidatorInstance, b: LiquidatorInstance;

  before(async function () {
    rig = await startWaterfallRig(usdc(20_000));
    const maker = await rig.trader(usdc(1_000_000));
    const bidder = await rig.trader(usdc(1_000_000));
    longs = [];
    for (let i = 0; i < 4; i++) longs.push(await rig.trader(usdc(4_500)));
    await rig.rest(maker, "sell", wad("12"), wad("60000"));
    for (const long of longs) await rig.take(long, "buy", wad("3"), wad("60000"));
    await rig.rest(bidder, "buy", wad("12"), wad("58990"));
    a = await rig.startLiquidator(await rig.keeperKey(true), "full");
    b = await rig.startLiquidator(await rig.keeperKey(true), "full");
  });

  after(async function () {
    await rig?.stop();
  });

  it("closes each account's slices exactly once per cooldown, whichever instance gets there first", async function () {
    const pm = rig.ex.f.pm;
    const fromBlock = await rig.ex.rpc.provider.getBlockNumber();
    await rig.moveBtc(wad("59000"));
    const done: { account: string; by: string; sizeWad: bigint }[] = [];
    for (let window = 0; window < 3; window++) {
      // Both instances run three rounds at once within the same cooldown window.
      for (let round = 0; round < 3; round++) {
        const [fromA, fromB] = await Promise.all([a.round(), b.round()]);
        for (const [by, outcomes] of [
          [a.address, fromA],
          [b.address, fromB],
        ] as const) {
          expect(
            outcomes.filter((o) => o.status === "failed"),
            `failed actions of ${by}`,
          ).to.deep.equal([]);
          for (const o of outcomes.filter((o) => o.status === "done"))
            done.push({ account: o.account, by, sizeWad: o.sizeWad ?? 0n });
        }
      }
      await rig.warp(31);
    }

    const events = await pm.queryFilter(pm.filters.LiquidatedOnBook(), fromBlock);
    // What the instances say they did is exactly what the chain recorded: no action claimed twice or lost.
    expect(done.map((d) => [d.account, d.sizeWad]).sort()).to.deep.equal(
      events.map((e) => [e.args.account, e.args.sizeWad]).sort(),
    );
    expect(new Set(done.map((d) => d.by)).size, "both instances took part").to.equal(2);

    const lot = wad("0.0001");
    for (const long of longs) {
      const mine = events.filter((e) => e.args.account === long.address);
      expect(mine.length, `liquidations of ${long.address}`).to.be.greaterThan(0);
      // Each call closed exactly what the partial rule allows of the position it found, and calls on a position above
      // the threshold are at least the cooldown apart.
      let size = wad("3");
      let lastAt = 0;
      for (const e of mine) {
        expect(e.args.sizeWad).to.equal(liquidationCloseSize(size, wad("59000"), lot, wad("0.2"), wad("100000")));
        const at = (await e.getBlock()).timestamp;
        if (lastAt !== 0) expect(at - lastAt).to.be.at.least(30);
        lastAt = at;
        size -= e.args.sizeWad;
      }
      expect((await pm.position(long.address, BTC_USD)).sizeWad).to.equal(size);
    }

    // The bidder's order was used once per fill: the journal's landed liquidation fills equal what the chain counts.
    const fills = await pm.queryFilter(pm.filters.LiquidationFilled(), fromBlock);
    const total = fills.reduce((sum, e) => sum + e.args.sizeWad, 0n);
    const hashes = new Set(fills.map((e) => e.args.makerOrderHash));
    expect(hashes.size).to.equal(1);
    const [hash] = [...hashes];
    expect(rig.ex.matcher.journal.settledWad(hash)).to.equal(total);
    const order = rig.ex.matcher.journal.order(hash);
    expect(order?.filledWad).to.equal(total);
  });
});
