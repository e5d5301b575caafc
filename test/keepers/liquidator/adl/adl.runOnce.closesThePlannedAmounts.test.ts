/**
 * AdlKeeper.runOnce deleverages a bankrupt account the insurance fund cannot cover (it is empty): it simulates, sends
 * `autoDeleverage` with the planned counterparties and closes exactly the planned amounts at the bankruptcy price —
 * bob's 0.6 in full and 0.4 of carol's 0.8 — leaving dave (short at a loss) untouched; the next round finds nothing.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { BTC_USD, adlRig, adlScene, wad, type AdlRig } from "./helpers";

describe("AdlKeeper.runOnce closes the planned amounts at the bankruptcy price", function () {
  let rig: AdlRig | undefined;

  afterEach(async function () {
    await rig?.stop();
    rig = undefined;
  });

  it("sends autoDeleverage, reports the AutoDeleveraged events and leaves the positions as planned", async function () {
    const f = await adlScene();
    rig = await adlRig(f);
    expect(await f.fund.coverableWad()).to.equal(0n);
    const price = wad("58500");

    const outcomes = await rig.keeper.runOnce();

    expect(outcomes).to.have.length(1);
    const [outcome] = outcomes;
    expect(outcome).to.deep.include({ account: f.alice.address, marketId: BTC_USD, status: "deleveraged" });
    expect(outcome.counterparties).to.equal(2);
    expect(outcome.closes).to.deep.equal([
      { counterparty: f.bob.address, sizeWad: wad("0.6"), bankruptcyPriceWad: price },
      { counterparty: f.carol.address, sizeWad: wad("0.4"), bankruptcyPriceWad: price },
    ]);
    // The receipt on chain says the same.
    const receipt = await ethers.provider.getTransactionReceipt(outcome.txHash!);
    const events = receipt!.logs
      .map((log) => f.pm.interface.parseLog(log))
      .filter((e) => e?.name === "AutoDeleveraged")
      .map((e) => [
        e!.args.account,
        e!.args.counterparty,
        e!.args.marketId,
        e!.args.sizeWad,
        e!.args.bankruptcyPriceWad,
      ]);
    expect(events).to.deep.equal([
      [f.alice.address, f.bob.address, BigInt(BTC_USD), wad("0.6"), price],
      [f.alice.address, f.carol.address, BigInt(BTC_USD), wad("0.4"), price],
    ]);

    const size = async (who: { address: string }) => (await f.pm.position(who.address, BTC_USD)).sizeWad;
    expect(await size(f.alice)).to.equal(0n);
    expect(await size(f.bob)).to.equal(0n);
    expect(await size(f.carol)).to.equal(-wad("0.4"));
    expect(await size(f.dave)).to.equal(-wad("0.5"));
    expect(await size(f.erin)).to.equal(wad("0.9"));

    expect(await rig.count(rig.metrics.adlEvents)).to.equal(2);
    expect(await rig.count(rig.metrics.liquidations, { stage: "adl" })).to.equal(1);
    expect(await rig.count(rig.metrics.liquidatedNotional, { stage: "adl" })).to.equal(58_500);
    expect(await rig.count(rig.metrics.actionFailures)).to.equal(0);

    // The keeper polled its indexer: alice holds nothing now, so the next round has nothing to do.
    expect(rig.indexer.accountOf(f.alice.address).positions.size).to.equal(0);
    expect(await rig.keeper.runOnce()).to.deep.equal([]);
  });
});
