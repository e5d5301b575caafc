/**
 * The page's inline chart script, run against a stub DOM and a stub uPlot: it draws one chart per non-empty spec,
 * into the element of the spec's id, with the spec's data and series styles.
 */
import { expect } from "chai";
import { runInNewContext } from "node:vm";

import { buildChartSpecs, CHART_SCRIPT } from "../../../../keepers/demo/reportCharts";
import { scriptJson } from "../../../../keepers/demo/reportHtml";
import { sampleReport } from "./helpers";

interface Drawn {
  opts: { width: number; series: { label?: string; paths?: unknown; points?: { show: boolean } }[] };
  data: unknown;
  el: { id: string };
}

function runScript(specsJson: string): Drawn[] {
  const drawn: Drawn[] = [];
  const elements = new Map<string, { id: string; clientWidth: number; textContent?: string }>();
  const document = {
    getElementById(id: string) {
      if (id === "keel-charts") return { textContent: specsJson };
      if (!elements.has(id)) elements.set(id, { id, clientWidth: 900 });
      return elements.get(id);
    },
  };
  function uPlot(this: unknown, opts: Drawn["opts"], data: unknown, el: Drawn["el"]) {
    drawn.push({ opts, data, el });
  }
  uPlot.tzDate = (d: Date) => d;
  uPlot.paths = { stepped: () => () => null };
  runInNewContext(CHART_SCRIPT, { document, uPlot, window: { addEventListener: () => undefined }, JSON, Math, Date });
  return drawn;
}

describe("demo report: inline chart script", function () {
  const specs = buildChartSpecs(sampleReport()).filter((s) => !s.emptyText);
  const drawn = runScript(scriptJson(specs));

  it("draws one uPlot per non-empty spec, into the element with the spec's id", function () {
    expect(drawn.map((d) => d.el.id)).to.deep.equal(specs.map((s) => s.id));
    expect(drawn.map((d) => d.data)).to.deep.equal(specs.map((s) => s.data));
    expect(drawn[0].opts.width).to.equal(900);
  });

  it("gives trades dots and no line, and every other series a line", function () {
    const prices = drawn[0].opts.series;
    expect(prices.map((s) => s.label)).to.deep.equal([
      "chain time (UTC)",
      "index",
      "mark",
      "trade (taker buy)",
      "trade (taker sell)",
    ]);
    expect(prices[3].points?.show).to.equal(true);
    expect((prices[3].paths as () => unknown)()).to.equal(null);
    expect(prices[1].points?.show).to.equal(false);
    expect(prices[1].paths).to.equal(undefined);
  });
});
