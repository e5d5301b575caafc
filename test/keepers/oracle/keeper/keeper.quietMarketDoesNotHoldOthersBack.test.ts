/**
 * A market whose sources report nothing newer than its last push is left out of the next push instead of dating it
 * back: the other markets are still pushed at their own, newer observation time.
 */
import { expect } from "chai";
import { setPrices } from "../../../contracts/trading/helpers";
import { BTC_USD, SENATE22_R, deployKeel, wad } from "../../../fixtures/keel";
import { oracleHarness, type OracleHarness } from "./helpers";

describe("oracle keeper: a quiet market does not hold the others back", function () {
  let h: OracleHarness | undefined;
  afterEach(async function () {
    await h?.close();
    h = undefined;
  });

  it("pushes BTC-USD alone at the new second while SENATE22-R has nothing new", async function () {
    const f = await deployKeel();
    await setPrices(f, { [BTC_USD]: wad("60000"), [SENATE22_R]: wad("0.4") });
    h = await oracleHarness(f);
    h.setBtc(wad("60000"));
    h.event.set(wad("0.4"));
    await h.nextSecond();
    const first = await h.keeper.round();
    expect(first.push?.markets.map((m) => m.marketId)).to.deep.equal([BTC_USD, SENATE22_R]);
    const firstSec = first.push?.timestampSec ?? 0;

    h.event.frozenAtMs = firstSec * 1_000; // Polymarket's quote stays dated at the last push
    h.setBtc(wad("60600")); // +1%: an early push
    await h.nextSecond();
    const second = await h.keeper.round();
    expect(second.trigger).to.equal("deviation");
    expect(second.push?.timestampSec).to.equal(h.clock.nowMs / 1_000);
    expect(second.push?.timestampSec).to.be.greaterThan(firstSec);
    expect(second.push?.markets.map((m) => m.marketId)).to.deep.equal([BTC_USD]);
    expect((await f.oracle.snapshot(BTC_USD)).markWad).to.equal(wad("60600"));
    expect((await f.oracle.snapshot(SENATE22_R)).timestamp).to.equal(BigInt(firstSec));
  });
});
