/**
 * The charts of the demo report: plain-number chart specs derived from a {@link DemoReport} (wad strings converted for
 * plotting only), and the inline browser script that draws them with uPlot.
 *
 * A spec's `data` is uPlot's aligned format: `[xs, ys1, ys2, ...]`, xs in chain time (unix seconds, ascending), `null`
 * where a series has no point at that x. Times shared by several points of one series (many trades settled in one
 * block) become several rows with the same x, so no point is lost.
 */
import { WAD, abs, wadToNumber as wadAsNumber } from "../sdk/math";
import type { DemoReport } from "./report";

/** A wad field of the report that is not a decimal integer string (the orchestrator built a malformed report). */
export class ReportDataError extends Error {
  override readonly name = "ReportDataError";
  constructor(
    /** Where the value sits, e.g. `series.prices[3].markWad`. */
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`Report field ${field} is ${JSON.stringify(value)}, expected a wad as a decimal integer string (1e18 = 1)`);
  }
}

/**
 * Parses a wad decimal string of the report (`"-1500000000000000000"` is -1.5).
 * @throws ReportDataError when `value` is not an optionally signed string of decimal digits.
 */
export function parseWad(value: string, field: string): bigint {
  if (typeof value !== "string" || !/^-?\d+$/.test(value)) throw new ReportDataError(field, value);
  return BigInt(value);
}

/**
 * A wad as a JavaScript number, for plotting only (about 15 significant digits survive; never use it for money).
 * @throws ReportDataError as {@link parseWad}.
 */
export function wadToNumber(value: string, field: string): number {
  return wadAsNumber(parseWad(value, field));
}

/** How a series is drawn: a line, a step line (value holds until the next point), or dots only. */
export type ChartSeriesStyle = "line" | "step" | "points";

/** One plotted series of a chart. */
export interface ChartSeriesSpec {
  label: string;
  /** CSS colour. */
  color: string;
  style: ChartSeriesStyle;
  /** Canvas dash pattern in pixels, e.g. `[6, 4]`. */
  dash?: number[];
}

/** One chart: its container id in the page, its title and y-axis label, its series and their aligned data. */
export interface ChartSpec {
  /** Element id of the chart's container (`chart-<n>`; never derived from report strings). */
  id: string;
  title: string;
  yLabel: string;
  series: ChartSeriesSpec[];
  /** `[xs, ...ys]`, one ys array per entry of `series`, all as long as xs. */
  data: (number | null)[][];
  /** Set when there is nothing to draw: the page shows this text instead of a chart. */
  emptyText?: string;
}

/** A point before alignment: chain time (unix s) and value. */
interface Point {
  t: number;
  y: number;
}

const PALETTE = ["#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"];
const BUY_COLOR = "#2ca02c";
const SELL_COLOR = "#d62728";

/**
 * Aligns several point lists on one x axis, as uPlot wants: the union of their times, ascending, each time repeated as
 * often as the series with the most points at that time needs.
 */
export function alignSeries(series: readonly (readonly Point[])[]): (number | null)[][] {
  const buckets = series.map((points) => {
    const byTime = new Map<number, number[]>();
    for (const p of points) {
      const ys = byTime.get(p.t);
      if (ys === undefined) byTime.set(p.t, [p.y]);
      else ys.push(p.y);
    }
    return byTime;
  });
  const times = [...new Set(series.flatMap((points) => points.map((p) => p.t)))].sort((a, b) => a - b);
  const xs: number[] = [];
  const ys: (number | null)[][] = series.map(() => []);
  for (const t of times) {
    const rows = Math.max(...buckets.map((b) => b.get(t)?.length ?? 0));
    for (let row = 0; row < rows; row++) {
      xs.push(t);
      buckets.forEach((b, i) => ys[i].push(b.get(t)?.[row] ?? null));
    }
  }
  return [xs, ...ys];
}

/** A spec from named point lists; empty (with `emptyText`) when `hasData` is false, by default when no list has a point. */
function chart(
  id: string,
  title: string,
  yLabel: string,
  lines: readonly { spec: ChartSeriesSpec; points: readonly Point[] }[],
  emptyText: string,
  hasData = lines.some((l) => l.points.length > 0),
): ChartSpec {
  const spec: ChartSpec = {
    id,
    title,
    yLabel,
    series: lines.map((l) => l.spec),
    data: alignSeries(lines.map((l) => l.points)),
  };
  return hasData ? spec : { ...spec, emptyText };
}

/** Every market id of the report: the listed markets first, then any id that only the series mention. */
function marketIds(report: DemoReport): number[] {
  const s = report.series;
  const ids = [
    ...report.markets.map((m) => m.marketId),
    ...[...s.prices, ...s.trades, ...s.funding, ...s.openInterest].map((p) => p.marketId),
  ];
  return [...new Set(ids)];
}

/** The market's symbol, or `market <id>` for an id the report does not list. */
function marketName(report: DemoReport, marketId: number): string {
  return report.markets.find((m) => m.marketId === marketId)?.symbol ?? `market ${marketId}`;
}

/**
 * Step points counting events per stage over time: one point per event (every stage's running count), framed by the
 * chain start and end so that the steps span the whole run.
 */
function cumulativeCounts<S extends string>(
  events: readonly { t: number; stage: S }[],
  stages: readonly S[],
  startSec: number,
  endSec: number,
): Point[][] {
  const counts = stages.map(() => 0);
  const out: Point[][] = stages.map(() => []);
  const push = (t: number) => counts.forEach((c, i) => out[i].push({ t, y: c }));
  push(startSec);
  for (const e of [...events].sort((a, b) => a.t - b.t)) {
    counts[stages.indexOf(e.stage)] += 1;
    push(e.t);
  }
  push(
    Math.max(
      endSec,
      events.reduce((t, e) => Math.max(t, e.t), startSec),
    ),
  );
  return out;
}

/**
 * Builds every chart of the report, in page order: index, mark and trades per market; funding rate; open interest per
 * market; liquidations by stage; insurance fund; ADL events. Chart ids are `chart-0`, `chart-1`, ...
 * @throws ReportDataError when a wad string of the series is malformed (the message names the field).
 */
export function buildChartSpecs(report: DemoReport): ChartSpec[] {
  const s = report.series;
  const ids = marketIds(report);
  const specs: ChartSpec[] = [];
  const add = (build: (id: string) => ChartSpec) => specs.push(build(`chart-${specs.length}`));

  for (const marketId of ids) {
    const name = marketName(report, marketId);
    const bounded = report.markets.find((m) => m.marketId === marketId)?.kind === "BOUNDED";
    const prices = s.prices.map((p, i) => ({ p, i })).filter(({ p }) => p.marketId === marketId);
    const trades = s.trades.map((p, i) => ({ p, i })).filter(({ p }) => p.marketId === marketId);
    const tradePoints = (side: "buy" | "sell") =>
      trades
        .filter(({ p }) => p.takerSide === side)
        .map(({ p, i }) => ({ t: p.t, y: wadToNumber(p.priceWad, `series.trades[${i}].priceWad`) }));
    add((id) =>
      chart(
        id,
        `${name}: index, mark and trades`,
        bounded ? "price (probability)" : "price (USD)",
        [
          {
            spec: { label: "index", color: PALETTE[0], style: "line" },
            points: prices.map(({ p, i }) => ({ t: p.t, y: wadToNumber(p.indexWad, `series.prices[${i}].indexWad`) })),
          },
          {
            spec: { label: "mark", color: PALETTE[1], style: "line" },
            points: prices.map(({ p, i }) => ({ t: p.t, y: wadToNumber(p.markWad, `series.prices[${i}].markWad`) })),
          },
          { spec: { label: "trade (taker buy)", color: BUY_COLOR, style: "points" }, points: tradePoints("buy") },
          { spec: { label: "trade (taker sell)", color: SELL_COLOR, style: "points" }, points: tradePoints("sell") },
        ],
        `No prices or trades recorded for ${name}.`,
      ),
    );
  }

  add((id) =>
    chart(
      id,
      "Funding rate",
      "% per hour",
      ids.map((marketId, k) => ({
        spec: { label: marketName(report, marketId), color: PALETTE[k % PALETTE.length], style: "step" },
        points: s.funding
          .map((f, i) => ({ f, i }))
          .filter(({ f }) => f.marketId === marketId)
          .map(({ f, i }) => ({
            t: f.t,
            y: 100 * wadToNumber(f.ratePerHourWad, `series.funding[${i}].ratePerHourWad`),
          })),
      })),
      "No funding was settled during the run.",
    ),
  );

  for (const marketId of ids) {
    const name = marketName(report, marketId);
    const oi = s.openInterest.map((o, i) => ({ o, i })).filter(({ o }) => o.marketId === marketId);
    add((id) =>
      chart(
        id,
        `${name}: open interest`,
        "size (units of the base)",
        [
          {
            spec: { label: "long", color: BUY_COLOR, style: "step" },
            points: oi.map(({ o, i }) => ({ t: o.t, y: wadToNumber(o.longWad, `series.openInterest[${i}].longWad`) })),
          },
          {
            spec: { label: "short", color: SELL_COLOR, style: "step", dash: [6, 4] },
            points: oi.map(({ o, i }) => ({
              t: o.t,
              y: wadToNumber(o.shortWad, `series.openInterest[${i}].shortWad`),
            })),
          },
        ],
        `No open interest recorded for ${name}.`,
      ),
    );
  }

  const stages = ["book", "backstop", "adl"] as const;
  const counts = cumulativeCounts(s.liquidations, stages, report.meta.chainStartSec, report.meta.chainEndSec);
  add((id) =>
    chart(
      id,
      "Liquidations by stage (cumulative count)",
      "liquidations",
      stages.map((stage, k) => ({ spec: { label: stage, color: PALETTE[k], style: "step" }, points: counts[k] })),
      "No liquidations during the run.",
      s.liquidations.length > 0,
    ),
  );

  add((id) =>
    chart(
      id,
      "Insurance fund balance",
      "USD",
      [
        {
          spec: { label: "balance", color: PALETTE[0], style: "step" },
          points: s.insuranceFund.map((p, i) => ({
            t: p.t,
            y: wadToNumber(p.balanceWad, `series.insuranceFund[${i}].balanceWad`),
          })),
        },
      ],
      "No insurance fund balance recorded.",
    ),
  );

  const adl = [...s.adl]
    .map((a, i) => {
      const size = parseWad(a.sizeWad, `series.adl[${i}].sizeWad`);
      const price = parseWad(a.bankruptcyPriceWad, `series.adl[${i}].bankruptcyPriceWad`);
      const closed = (abs(size) * price) / WAD;
      return { t: a.t, y: wadAsNumber(closed) };
    })
    .sort((a, b) => a.t - b.t);
  let total = 0;
  const adlTotal = adl.map((p) => ({ t: p.t, y: (total += p.y) }));
  add((id) =>
    chart(
      id,
      "ADL events (value closed at the bankruptcy price)",
      "USD",
      [
        { spec: { label: "event", color: SELL_COLOR, style: "points" }, points: adl },
        { spec: { label: "cumulative", color: PALETTE[2], style: "step" }, points: adlTotal },
      ],
      "No auto-deleveraging during the run.",
    ),
  );
  return specs;
}

/**
 * The page's chart script (browser JavaScript, run after uPlot's IIFE build): reads the specs from the
 * `<script type="application/json" id="keel-charts">` element and draws one uPlot per spec into the element with the
 * spec's id, x axis in UTC chain time; redraws at the new width when the window is resized.
 */
export const CHART_SCRIPT = `(function () {
  "use strict";
  var specs = JSON.parse(document.getElementById("keel-charts").textContent);
  var plots = [];
  function utc(ts) {
    return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC");
  }
  function widthOf(el) {
    return Math.max(320, Math.min(1200, el.clientWidth || 960));
  }
  function seriesOptions(s) {
    var o = { label: s.label, stroke: s.color, width: 1.5, spanGaps: true, points: { show: false } };
    if (s.dash) o.dash = s.dash;
    if (s.style === "step") o.paths = uPlot.paths.stepped({ align: 1 });
    if (s.style === "points") {
      o.paths = function () {
        return null;
      };
      o.points = { show: true, size: 5, width: 1, stroke: s.color, fill: s.color };
    }
    return o;
  }
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) throw new Error("Keel report: no element for chart " + spec.id);
    var opts = {
      width: widthOf(el),
      height: 300,
      tzDate: utc,
      scales: { x: { time: true } },
      series: [{ label: "chain time (UTC)" }].concat(spec.series.map(seriesOptions)),
      axes: [{}, { label: spec.yLabel, size: 80 }],
    };
    plots.push({ el: el, plot: new uPlot(opts, spec.data, el) });
  });
  window.addEventListener("resize", function () {
    plots.forEach(function (p) {
      p.plot.setSize({ width: widthOf(p.el), height: 300 });
    });
  });
})();
`;
