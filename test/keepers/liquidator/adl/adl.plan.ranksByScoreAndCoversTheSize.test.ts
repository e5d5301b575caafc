/**
 * AdlKeeper.plan ranks the opposite side by the DESIGN §8 score and takes only what is needed: the bankrupt long of
 * 1 BTC is covered by bob (A, the highest score) in full and carol (B, lower) in part; dave (C, short at a loss) is
 * not eligible. Every score equals the chain's `adlScore` view, and the bankruptcy price is the chain's formula.
 */
import { expect } from "chai";
import { bankruptcyPrice, MarketKind } from "../../../../keepers/sdk";
import { BANKRUPT_MARK, BTC_USD, adlRig, adlScene, wad, type AdlRig } from "./helpers";

describe("AdlKeeper.plan ranks counterparties by score and covers the bankrupt size", function () {
  let rig: AdlRig | undefined;

  afterEach(async function () {
    await rig?.stop();
    rig = undefined;
  });

  it("picks the highest score in full, then the next in part, and leaves out the short at a loss", async function () {
    const f = await adlScene();
    rig = await adlRig(f);

    const plan = await rig.keeper.plan(f.alice.address, BTC_USD);

    expect(plan).to.deep.include({ account: f.alice.address, marketId: BTC_USD, sizeWad: wad("1") });
    // equity = 1,500 + 1 · (58,000 − 60,000) = −500.
    expect(plan.deficitWad).to.equal(wad("500"));
    expect(plan.bankruptcyPriceWad).to.equal(wad("58500"));
    expect(plan.bankruptcyPriceWad).to.equal(bankruptcyPrice(MarketKind.Asset, wad("1"), BANKRUPT_MARK, wad("500")));
    expect(plan.counterparties.map((c) => [c.account, c.sizeWad, c.closeWad])).to.deep.equal([
      [f.bob.address, -wad("0.6"), wad("0.6")],
      [f.carol.address, -wad("0.8"), wad("0.4")],
    ]);
    const [a, b] = plan.counterparties;
    expect(a.scoreWad > b.scoreWad, "A ranks above B").to.equal(true);
    for (const c of plan.counterparties) {
      const chain = await f.pm.adlScore(c.account, BTC_USD);
      expect(c.scoreWad, `score of ${c.account}`).to.equal(chain);
      expect(c.chainScoreWad).to.equal(chain);
    }
    // dave is short at 57,000 with the mark at 58,000: no profit, score 0 on chain, not in the plan.
    expect(await f.pm.adlScore(f.dave.address, BTC_USD)).to.equal(0n);
    expect(await rig.count(rig.metrics.actionFailures, { reason: "score-mismatch" })).to.equal(0);
  });

  it("plans no counterparty when no opposite position is in profit", async function () {
    const f = await adlScene();
    rig = await adlRig(f);
    // Opposite dave's short: alice (long 1 at 60,000) and erin (0.4 at 60,000 + 0.5 at 57,000, basis 52,500, worth
    // 52,200 at 58,000) are both at a loss.
    const plan = await rig.keeper.plan(f.dave.address, BTC_USD);
    expect(plan.counterparties).to.deep.equal([]);
    // dave is not bankrupt: no deficit, the bankruptcy price is the mark.
    expect(plan.deficitWad).to.equal(0n);
    expect(plan.bankruptcyPriceWad).to.equal(BANKRUPT_MARK);
  });
});
