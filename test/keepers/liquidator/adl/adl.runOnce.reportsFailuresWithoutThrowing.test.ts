/**
 * AdlKeeper.runOnce never throws for one account: a send that fails (here the transaction sender is already closed)
 * is logged, counted as `actionFailures{action="adl",reason=<error name>}` and reported as `failed`; the round goes on
 * and the position is untouched.
 */
import { expect } from "chai";
import { recordingLogger } from "../../core/helpers";
import { BTC_USD, adlRig, adlScene, wad, type AdlRig } from "./helpers";

describe("AdlKeeper.runOnce reports a failure without throwing", function () {
  let rig: AdlRig | undefined;

  afterEach(async function () {
    await rig?.stop();
    rig = undefined;
  });

  it("returns a failed outcome with the error's name, logs it and counts it", async function () {
    const f = await adlScene();
    const { logger, lines } = recordingLogger("debug");
    rig = await adlRig(f, logger);
    await rig.stop();

    const outcomes = await rig.keeper.runOnce();

    expect(outcomes).to.deep.equal([
      {
        account: f.alice.address,
        marketId: BTC_USD,
        status: "failed",
        reason: "TxSenderClosedError",
        counterparties: 0,
        closes: [],
      },
    ]);
    expect(await rig.count(rig.metrics.actionFailures, { action: "adl", reason: "TxSenderClosedError" })).to.equal(1);
    expect(lines.filter((l) => l.level === 50 && l.account === f.alice.address)).to.have.length(1);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("1"));
  });
});
