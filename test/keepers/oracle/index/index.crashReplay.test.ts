/**
 * The real 2025-10-10 crash through the index and the mark: Binance's mark kline (weight 3) and Gemini's trades
 * (weight 1) as two index venues, stepped every 3 s of data time with a 60 s staleness limit, and the mark pushed
 * through clampStep with BTC-USD's maxPushDeviation.
 */
import { expect } from "chai";
import { btcUsd, HyperCoreMode } from "../../../../deploy/params";
import { computeIndex, type IndexResult } from "../../../../keepers/oracle/index";
import { AssetMarkCalculator, clampStep } from "../../../../keepers/oracle/mark";
import { loadBinanceMarkKlines, loadTardisTrades } from "../../../../keepers/oracle/replay";
import type { PriceQuote, ReplaySource } from "../../../../keepers/oracle/types";
import { MarketKind } from "../../../../keepers/sdk/markets";

const WAD = 10n ** 18n;
const STEP_MS = 3_000;
const at = (h: number, m: number, s = 0) => Date.UTC(2025, 9, 10, h, m, s);

interface Step {
  nowMs: number;
  index: IndexResult | undefined;
  markWad: bigint;
  pushedWad: bigint;
  previousPushedWad?: bigint;
}

describe("index + mark: the 2025-10-10 crash replayed (Binance mark + Gemini trades)", () => {
  const maxPushDeviationWad = btcUsd(HyperCoreMode.None).oracle.maxPushDeviationWad;
  const steps: Step[] = [];

  before(async () => {
    const sources: ReplaySource[] = [await loadBinanceMarkKlines(), await loadTardisTrades()];
    const latest = new Map<string, PriceQuote>();
    const mark = new AssetMarkCalculator();
    let pushedWad: bigint | undefined;
    // From the first Binance close (00:00:59.999) to the end of the day, every 3 s of data time.
    for (let nowMs = at(0, 1); nowMs <= at(24, 0); nowMs += STEP_MS) {
      for (const source of sources) {
        for (const quote of source.advanceTo(nowMs)) latest.set(quote.venue, quote);
      }
      const index = computeIndex([...latest.values()], nowMs, { maxStalenessMs: 60_000 });
      // The Binance perp mark doubles as the external perp mid: two inputs, so the 30 s mark EMA joins the median.
      const binance = latest.get("binance");
      const { markWad } = mark.update({
        nowMs,
        indexWad: index?.indexWad ?? 1n,
        externalPerpMidsWad: binance ? [binance.priceWad] : [],
      });
      const previousPushedWad = pushedWad;
      pushedWad = clampStep(MarketKind.Asset, previousPushedWad, markWad, maxPushDeviationWad);
      steps.push({ nowMs, index, markWad, pushedWad, previousPushedWad });
    }
  });

  it("always has an index", () => {
    expect(steps).to.have.length((at(24, 0) - at(0, 1)) / STEP_MS + 1);
    expect(steps.filter((s) => s.index === undefined)).to.deep.equal([]);
  });

  it("drops Gemini as stale during its silence (21:14–21:19 UTC) and keeps publishing from Binance", () => {
    // Gemini's last trade before the silence is at 21:13:57.378: stale (> 60 s) from 21:14:57.379 to 21:20:46.767.
    const silence = steps.filter((s) => s.nowMs >= at(21, 15) && s.nowMs < at(21, 20, 45));
    expect(silence).to.have.length(115);
    for (const { index } of silence) {
      expect(index?.used.map((v) => v.venue)).to.deep.equal(["binance"]);
      expect(index?.dropped.map((v) => [v.venue, v.reason])).to.deep.equal([["gemini", "stale"]]);
      expect(index?.indexWad).to.equal(index?.used[0].priceWad);
    }
    // Before the silence Gemini was in use at 21:13:57, and it is back after its next trade (21:20:46.767).
    expect(steps.find((s) => s.nowMs === at(21, 13, 57))?.index?.dropped).to.deep.equal([]);
    const back = steps.find((s) => s.nowMs === at(21, 20, 48))?.index;
    expect(back?.dropped.some((v) => v.venue === "gemini" && v.reason === "stale")).to.equal(false);
  });

  it("drops Gemini as an outlier when it diverges more than 2% from Binance in the crash", () => {
    const outliers = steps.filter((s) => s.index?.dropped.some((v) => v.venue === "gemini" && v.reason === "outlier"));
    expect(outliers.length).to.be.greaterThan(0);
    for (const { index } of outliers) expect(index?.indexWad).to.equal(index?.used[0].priceWad);
  });

  it("never moves the pushed mark more than the clamp between two pushes, and catches up", () => {
    let clamped = 0;
    const tooFar: Step[] = [];
    for (const step of steps) {
      const { previousPushedWad, pushedWad, markWad } = step;
      if (previousPushedWad === undefined) continue;
      const moveWad = pushedWad > previousPushedWad ? pushedWad - previousPushedWad : previousPushedWad - pushedWad;
      // OracleRegistry's guard for ASSET: |next − last| ≤ last.mulWadDown(maxPushDeviation); strictly inside it.
      if (moveWad >= (previousPushedWad * maxPushDeviationWad) / WAD) tooFar.push(step);
      if (pushedWad !== markWad) clamped++;
    }
    expect(tooFar).to.deep.equal([]);
    // In the crash the mark runs up to about 4% away from the last push within 3 s: the clamp had to act.
    expect(clamped).to.be.greaterThan(0);
    const last = steps[steps.length - 1];
    expect(last.pushedWad).to.equal(last.markWad);
  });
});
