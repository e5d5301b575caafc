/**
 * The 2022 Senate market replayed into a BoundedMarkCalculator with SENATE22-R's parameters (deploy/params.ts
 * eventMarket: prices in [0.001, 0.999], absolute push deviation 0.05, staleness 300 s): the mark stays inside
 * [ε, 1 − ε] all the way and ends at ε for "Republican" (the market resolved Democratic).
 */
import { expect } from "chai";
import { eventMarket } from "../../../../deploy/params";
import { BoundedMarkCalculator, clampStep } from "../../../../keepers/oracle/mark";
import { loadPolymarketTrades } from "../../../../keepers/oracle/replay";
import { MarketKind } from "../../../../keepers/sdk/markets";

const WAD = 10n ** 18n;

async function replay(outcome: string) {
  const params = eventMarket();
  const epsilonWad = params.trading.minPriceWad;
  const maxStepWad = params.oracle.maxPushDeviationWad;
  const calc = new BoundedMarkCalculator({
    epsilonWad,
    maxStepWad,
    emaMs: 60_000,
    staleAfterMs: params.oracle.maxStalenessSec * 1000,
  });
  const trades = await loadPolymarketTrades({ outcome });
  const marks: bigint[] = [];
  const pushes: bigint[] = [];
  for (const trade of trades.records) {
    const { markWad } = calc.update({ nowMs: trade.timestampMs, observationWad: trade.priceWad });
    marks.push(markWad);
    pushes.push(clampStep(MarketKind.Bounded, pushes[pushes.length - 1], markWad, maxStepWad));
  }
  return { epsilonWad, maxStepWad, marks, pushes };
}

const steps = (series: bigint[]) => series.slice(1).map((v, i) => (v > series[i] ? v - series[i] : series[i] - v));

describe("mark: the 2022 Senate market replayed to resolution (us_senate_overall.csv)", () => {
  it("uses the event market's ε = 0.001 and step 0.05", async () => {
    const { epsilonWad, maxStepWad } = await replay("Republican");
    expect([epsilonWad, maxStepWad]).to.deep.equal([WAD / 1000n, WAD / 20n]);
  });

  it("keeps the Republican mark in [ε, 1 − ε], moving at most one step per trade, and ends at ε", async () => {
    const { epsilonWad, maxStepWad, marks, pushes } = await replay("Republican");
    expect(marks).to.have.length(2111);
    expect(marks.filter((m) => m < epsilonWad || m > WAD - epsilonWad)).to.deep.equal([]);
    expect(steps(marks).filter((s) => s > maxStepWad)).to.deep.equal([]);
    // Starts at the first trade (0.6095) and ends at the floor once Nevada is called.
    expect(marks[0]).to.equal(609_500_000_000_000_000n);
    expect(marks[marks.length - 1]).to.equal(epsilonWad);
    // The pushes (clamped to 0.0495) stay strictly inside the 0.05 guard and reach ε too.
    expect(steps(pushes).filter((s) => s >= maxStepWad)).to.deep.equal([]);
    expect(pushes[pushes.length - 1]).to.equal(epsilonWad);
  });

  it("ends the Democratic mark at its last trade, 0.9817 (the AMM's last Democratic trade is a sell)", async () => {
    const { epsilonWad, marks } = await replay("Democratic");
    expect(marks.filter((m) => m < epsilonWad || m > WAD - epsilonWad)).to.deep.equal([]);
    // "2022-11-13 11:08:55,…,"Democratic",…,0.9817", 2.5 h after the previous one: alpha is 1 at a 60 s EMA.
    expect(marks[marks.length - 1]).to.equal(981_700_000_000_000_000n);
  });
});
