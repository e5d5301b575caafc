/**
 * Chart specs: one chart per figure in page order, points aligned on one chain-time axis without losing trades that
 * share a second, liquidations counted per stage, ADL valued at the bankruptcy price, malformed wads refused.
 */
import { expect } from "chai";

import { alignSeries, buildChartSpecs, ReportDataError, wadToNumber } from "../../../../keepers/demo/reportCharts";
import { sampleReport, T0, w } from "./helpers";

describe("demo report: chart specs", function () {
  const specs = buildChartSpecs(sampleReport());
  const byTitle = (title: string) => {
    const spec = specs.find((s) => s.title === title);
    if (spec === undefined) throw new Error(`no chart "${title}" in ${specs.map((s) => s.title).join(", ")}`);
    return spec;
  };

  it("builds the charts in page order with ids chart-0, chart-1, ...", function () {
    expect(specs.map((s) => s.title)).to.deep.equal([
      "BTC-USD: index, mark and trades",
      "SENATE22-R: index, mark and trades",
      "Funding rate",
      "BTC-USD: open interest",
      "SENATE22-R: open interest",
      "Liquidations by stage (cumulative count)",
      "Insurance fund balance",
      "ADL events (value closed at the bankruptcy price)",
    ]);
    expect(specs.map((s) => s.id)).to.deep.equal(specs.map((_, i) => `chart-${i}`));
    expect(byTitle("SENATE22-R: open interest").emptyText).to.be.a("string");
    expect(byTitle("BTC-USD: open interest").emptyText).to.equal(undefined);
  });

  it("plots index, mark and both trade sides, keeping two trades of the same second as two rows", function () {
    const { data, series } = byTitle("BTC-USD: index, mark and trades");
    expect(series.map((s) => s.style)).to.deep.equal(["line", "line", "points", "points"]);
    expect(data).to.deep.equal([
      [T0, T0 + 30, T0 + 30, T0 + 45, T0 + 60],
      [121000, null, null, null, 110000],
      [121010.5, null, null, null, 109900],
      [null, null, null, 120600, null],
      [null, 120500, 120400, null, null],
    ]);
  });

  it("shows the funding rate in percent per hour, one series per market", function () {
    const { data } = byTitle("Funding rate");
    expect(data).to.have.length(3);
    expect(data[0]).to.deep.equal([T0 + 3600]);
    expect(data[1][0]).to.be.closeTo(0.00125, 1e-12);
    expect(data[2][0]).to.be.closeTo(-0.01, 1e-12);
  });

  it("counts liquidations per stage from chain start to chain end", function () {
    const { data } = byTitle("Liquidations by stage (cumulative count)");
    expect(data).to.deep.equal([
      [T0, T0 + 70, T0 + 80, T0 + 90, T0 + 7200],
      [0, 1, 2, 2, 2],
      [0, 0, 0, 1, 1],
      [0, 0, 0, 0, 0],
    ]);
  });

  it("values an ADL event at |size| × bankruptcy price", function () {
    expect(byTitle("ADL events (value closed at the bankruptcy price)").data).to.deep.equal([[T0 + 100], [12], [12]]);
  });

  it("aligns series of different times with nulls", function () {
    expect(
      alignSeries([
        [{ t: 2, y: 1 }],
        [
          { t: 1, y: 5 },
          { t: 2, y: 6 },
        ],
      ]),
    ).to.deep.equal([
      [1, 2],
      [null, 1],
      [5, 6],
    ]);
  });

  it("converts wads to numbers for plotting, negatives included", function () {
    expect(wadToNumber(w("-1.5"), "x")).to.equal(-1.5);
    expect(wadToNumber(w("60000.25"), "x")).to.equal(60000.25);
  });

  it("refuses a malformed wad with ReportDataError naming the field", function () {
    const report = sampleReport();
    report.series.prices[1].markWad = "1.5e18";
    expect(() => buildChartSpecs(report))
      .to.throw(ReportDataError)
      .with.property("field", "series.prices[1].markWad");
  });
});
