/**
 * AdlKeeper.runOnce leaves a bankrupt account to the backstop while the insurance fund can cover it: the simulation
 * reverts `AdlInsuranceCanCover`, the outcome is `skipped` with that reason, nothing is sent and no position moves.
 * Once the fund's per-block draw cap leaves it unable to cover, the same account is deleveraged.
 */
import { expect } from "chai";
import { seedInsuranceFund, usdc } from "../../../fixtures/keel";
import { BTC_USD, adlRig, adlScene, wad, type AdlRig } from "./helpers";

describe("AdlKeeper.runOnce skips an account the insurance fund can cover", function () {
  let rig: AdlRig | undefined;

  afterEach(async function () {
    await rig?.stop();
    rig = undefined;
  });

  it("skips with AdlInsuranceCanCover, then deleverages once the draw cap is below the deficit", async function () {
    const f = await adlScene();
    await seedInsuranceFund(f, usdc(10_000));
    rig = await adlRig(f);
    const nonceBefore = await f.pm.runner!.provider!.getTransactionCount(rig.key.address);

    const skipped = await rig.keeper.runOnce();

    expect(skipped).to.deep.equal([
      {
        account: f.alice.address,
        marketId: BTC_USD,
        status: "skipped",
        reason: "AdlInsuranceCanCover",
        counterparties: 0,
        closes: [],
      },
    ]);
    expect(await f.pm.runner!.provider!.getTransactionCount(rig.key.address)).to.equal(nonceBefore);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("1"));
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(-wad("0.6"));
    expect(await rig.count(rig.metrics.actionFailures)).to.equal(0);

    await (await f.fund.connect(f.deployer).setMaxDrawPerBlock(1n)).wait();
    await rig.indexer.poll();
    const [outcome] = await rig.keeper.runOnce();
    expect(outcome).to.deep.include({ status: "deleveraged", counterparties: 2 });
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
  });
});
