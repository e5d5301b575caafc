/**
 * With the role-holding liquidator stopped, anyone can clear a liquidatable account: a third party without
 * LIQUIDATOR_ROLE runs the liquidator in permissionless mode. It flags the account, waits (BTC-USD
 * `permissionlessAfterSec` = 300 s) without sending a call that would revert, and then has the insurance fund's
 * backstop take the account over at the mark.
 *
 * Alice holds 1 BTC long with 1,300 USD; at 59,200 her equity 500 is below her maintenance margin 592 (above ⅔ of it).
 */
import { expect } from "chai";
import type { Wallet } from "ethers";
import { BTC_USD, startWaterfallRig, usdc, wad, type WaterfallRig } from "../helpers";

describe("waterfall keepers: a permissionless third party clears the account after permissionlessAfter", function () {
  let rig: WaterfallRig;
  let alice: Wallet;

  before(async function () {
    rig = await startWaterfallRig(usdc(20_000));
    const maker = await rig.trader(usdc(100_000));
    alice = await rig.trader(usdc(1_300));
    await rig.rest(maker, "sell", wad("1"), wad("60000"));
    await rig.take(alice, "buy", wad("1"), wad("60000"));
  });

  after(async function () {
    await rig?.stop();
  });

  it("flags, waits out the delay, then backstops the account without any role", async function () {
    const { f } = rig.ex;
    const roleLiquidator = await rig.startLiquidator(await rig.keeperKey(true), "full");
    await roleLiquidator.stop();

    const key = await rig.keeperKey(false);
    expect(await f.pm.hasRole(await f.pm.LIQUIDATOR_ROLE(), key.address)).to.equal(false);
    const anyone = await rig.startLiquidator(key, "permissionless");
    await rig.moveBtc(wad("59200"));

    const flagged = await anyone.round();
    expect(flagged.map((o) => [o.account, o.action, o.status])).to.deep.equal([[alice.address, "flag", "done"]]);
    const since = Number((await f.pm.canLiquidate(alice.address)).liquidatableSince);
    expect(since).to.be.greaterThan(0);

    // Before the delay the keeper waits: no transaction, and a direct call would revert BackstopNotPermitted.
    await rig.warp(200);
    const waiting = await anyone.round();
    expect(waiting.map((o) => [o.action, o.status, o.reason])).to.deep.equal([
      ["flag", "skipped", `backstop opens at ${since + 300}`],
    ]);
    await expect(f.pm.connect(key).backstopLiquidate(alice.address, BTC_USD)).to.be.revertedWithCustomError(
      f.pm,
      "BackstopNotPermitted",
    );

    await rig.warp(101);
    const cleared = await anyone.round();
    expect(cleared.map((o) => [o.account, o.action, o.status])).to.deep.equal([[alice.address, "backstop", "done"]]);
    expect((await f.pm.position(alice.address, BTC_USD)).sizeWad).to.equal(0n);
    expect((await f.pm.position(rig.fundAddress, BTC_USD)).sizeWad).to.equal(wad("1"));
    const [takeover] = await f.pm.queryFilter(f.pm.filters.BackstopTakeover(alice.address));
    expect(takeover.args.caller).to.equal(key.address);
    expect(await anyone.round()).to.deep.equal([]);
  });
});
