/**
 * AdlKeeper.plan checks each chosen counterparty's score against the chain's `adlScore` at the indexer's block: when
 * they differ it logs a warning with both values, counts `actionFailures{action="adl",reason="score-mismatch"}` and
 * ranks by the chain's scores. The disagreement is made by corrupting the keeper's indexed balance of carol.
 */
import { expect } from "chai";
import { recordingLogger } from "../../core/helpers";
import { BTC_USD, adlRig, adlScene, wad, type AdlRig } from "./helpers";

describe("AdlKeeper.plan ranks by the chain's score when the indexer's disagrees", function () {
  let rig: AdlRig | undefined;

  afterEach(async function () {
    await rig?.stop();
    rig = undefined;
  });

  it("warns with both scores, counts the mismatch and keeps the chain's ranking", async function () {
    const f = await adlScene();
    const { logger, lines } = recordingLogger("debug");
    rig = await adlRig(f, logger);
    // With 1,000 USD instead of 100,000 in the indexer's view, carol's local score outranks bob's.
    rig.indexer.accounts.get(f.carol.address)!.balanceWad = wad("1000");

    const plan = await rig.keeper.plan(f.alice.address, BTC_USD);

    const carolChain = await f.pm.adlScore(f.carol.address, BTC_USD);
    const bobChain = await f.pm.adlScore(f.bob.address, BTC_USD);
    expect(bobChain > carolChain).to.equal(true);
    expect(plan.counterparties.map((c) => [c.account, c.closeWad, c.chainScoreWad])).to.deep.equal([
      [f.bob.address, wad("0.6"), bobChain],
      [f.carol.address, wad("0.4"), carolChain],
    ]);
    const carol = plan.counterparties[1];
    expect(carol.scoreWad > bobChain, "the corrupted local score ranked carol first").to.equal(true);

    const warnings = lines.filter((l) => l.level === 40 && l.counterparty === f.carol.address);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include({ scoreWad: carol.scoreWad.toString(), chainScoreWad: carolChain.toString() });
    expect(await rig.count(rig.metrics.actionFailures, { action: "adl", reason: "score-mismatch" })).to.equal(1);
  });
});
