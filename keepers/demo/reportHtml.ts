/**
 * The demo's `report.html`: one self-contained page (uPlot's script and style inlined, no network) with the synthetic
 * banner when it applies, the summary table, the charts and, last, every invariant with PASS or FAIL.
 */
import { readFileSync } from "node:fs";

import type { DemoReport } from "./report";
import { buildChartSpecs, CHART_SCRIPT, type ChartSpec } from "./reportCharts";

/** One row of the summary table: a label and its already formatted value. */
export interface SummaryRow {
  label: string;
  value: string;
}

/** uPlot's files could not be read: the package is not installed where Node resolves it. */
export class ReportAssetError extends Error {
  override readonly name = "ReportAssetError";
  constructor(
    readonly asset: string,
    options: { cause: unknown },
  ) {
    super(
      `Cannot read ${asset} to inline it into report.html: run \`npm ci\` so that the uplot package is installed`,
      options,
    );
  }
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * JSON safe inside a `<script type="application/json">`: `<`, `>`, `&` and the JavaScript line separators escaped as
 * `\u....` (they can only occur inside JSON strings, where the escape means the same character).
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Source text made safe to inline between `<script>` (or `<style>`) tags: no closing tag, no comment opener. */
function inlineSafe(source: string, tag: "script" | "style"): string {
  return source.replace(new RegExp(`</(${tag})`, "gi"), "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** Reads one of uPlot's dist files, resolved the way Node resolves the `uplot` package. */
function uplotAsset(file: "uPlot.iife.min.js" | "uPlot.min.css"): string {
  const asset = `uplot/dist/${file}`;
  try {
    return readFileSync(require.resolve(asset), "utf8");
  } catch (cause) {
    throw new ReportAssetError(asset, { cause });
  }
}

const PAGE_CSS = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1240px; padding: 0 20px 40px; color: #1b1f24; }
h1 { font-size: 26px; margin: 24px 0 4px; }
h2 { margin-top: 36px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
.meta { color: #57606a; margin: 2px 0; }
.synthetic { background: #c62828; color: #fff; font-size: 30px; font-weight: 800; text-align: center; padding: 18px; margin: 0 -20px; letter-spacing: 1px; }
.synthetic small { display: block; font-size: 15px; font-weight: 500; letter-spacing: 0; }
table.summary { border-collapse: collapse; }
table.summary th, table.summary td { text-align: left; padding: 4px 16px 4px 0; border-bottom: 1px solid #eaeef2; vertical-align: top; }
table.summary th { font-weight: 600; white-space: nowrap; }
figure { margin: 18px 0; }
figcaption { font-weight: 600; margin-bottom: 6px; }
.empty { color: #57606a; font-style: italic; }
ul.invariants { list-style: none; padding: 0; }
ul.invariants li { padding: 6px 0; border-bottom: 1px solid #eaeef2; }
.verdict { font-weight: 800; padding: 1px 8px; border-radius: 4px; color: #fff; margin-right: 8px; }
.pass .verdict { background: #1a7f37; }
.fail .verdict { background: #c62828; }
.detail { color: #57606a; }
.overall.pass { color: #1a7f37; } .overall.fail { color: #c62828; }
`;

/** The red banner of a run on synthetic data, or nothing. */
function syntheticBanner(report: DemoReport): string {
  if (!report.meta.synthetic) return "";
  return (
    `<div class="synthetic" role="alert">SYNTHETIC DATA` +
    `<small>The recorded market data was unavailable: every price, trade and figure below comes from a synthetic ` +
    `path, not from the markets of the day.</small></div>`
  );
}

function summaryTable(rows: readonly SummaryRow[]): string {
  const body = rows.map((r) => `<tr><th>${escapeHtml(r.label)}</th><td>${escapeHtml(r.value)}</td></tr>`).join("\n");
  return `<table class="summary">\n${body}\n</table>`;
}

function chartFigure(spec: ChartSpec): string {
  const content = spec.emptyText
    ? `<p class="empty">${escapeHtml(spec.emptyText)}</p>`
    : `<div class="chart" id="${escapeHtml(spec.id)}"></div>`;
  return `<figure><figcaption>${escapeHtml(spec.title)}</figcaption>${content}</figure>`;
}

function invariantList(report: DemoReport): string {
  const failed = report.invariants.filter((i) => !i.pass).length;
  const overall =
    failed === 0
      ? `<p class="overall pass">All ${report.invariants.length} invariants PASS.</p>`
      : `<p class="overall fail">${failed} of ${report.invariants.length} invariants FAIL.</p>`;
  const items = report.invariants
    .map(
      (i) =>
        `<li class="${i.pass ? "pass" : "fail"}"><span class="verdict">${i.pass ? "PASS" : "FAIL"}</span>` +
        `<strong>${escapeHtml(i.name)}</strong> <span class="detail">${escapeHtml(i.detail)}</span></li>`,
    )
    .join("\n");
  return `${overall}\n<ul class="invariants">\n${items}\n</ul>`;
}

/**
 * Renders the whole page. Every report string is escaped; the report itself is embedded as JSON in
 * `<script type="application/json" id="keel-report">` and the chart specs in `id="keel-charts"`, from which the inline
 * script draws the charts.
 * @param summary the rows of the summary table (the same figures as the terminal summary).
 * @throws ReportDataError when a wad string of the report is malformed; ReportAssetError when uPlot is not installed.
 */
export function renderReportHtml(report: DemoReport, summary: readonly SummaryRow[]): string {
  const specs = buildChartSpecs(report);
  const m = report.meta;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(m.title)}</title>
<style>${inlineSafe(uplotAsset("uPlot.min.css"), "style")}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
${syntheticBanner(report)}
<h1>${escapeHtml(m.title)}</h1>
<p class="meta">Mode: ${escapeHtml(m.mode)}${m.synthetic ? " (synthetic data)" : ""}</p>
<p class="meta">Data: ${escapeHtml(m.dataSources.join(", ") || "none")}</p>
<p class="meta">Started ${escapeHtml(m.startedAt)}, finished ${escapeHtml(m.finishedAt)}; times on the charts are chain time (UTC).</p>
<h2>Summary</h2>
${summaryTable(summary)}
<h2>Charts</h2>
${specs.map(chartFigure).join("\n")}
<h2>Invariants</h2>
${invariantList(report)}
<script type="application/json" id="keel-report">${scriptJson(report)}</script>
<script type="application/json" id="keel-charts">${scriptJson(specs.filter((s) => !s.emptyText))}</script>
<script>${inlineSafe(uplotAsset("uPlot.iife.min.js"), "script")}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
