/**
 * The demo's output: the report shape collected by the orchestrator, the files it becomes (`report.json` and a
 * self-contained `report.html` under `reports/<timestamp>/`), the terminal summary and the progress bar of long runs.
 *
 * Units: every `…Wad` string is a wad bigint in decimal (1e18 = 1 USD, 1 unit of base, or 100% for rates); every `t`
 * is chain time in unix seconds.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { Presets, SingleBar } from "cli-progress";

import { parseWad } from "./reportCharts";
import { renderReportHtml, type SummaryRow } from "./reportHtml";

/** The verdict of one invariant checked at the end of the demo (keepers/demo/invariants.ts). */
export interface InvariantResult {
  name: string;
  pass: boolean;
  /** The figures behind the verdict, e.g. "vault 1,000.00 USD = claims 1,000.00 USD". */
  detail: string;
}

/** Everything the demo measured, as written to `report.json`. Bigints are decimal strings (wad). */
export interface DemoReport {
  meta: {
    /** e.g. "Keel demo: 2025-10-10 BTC crash and the Senate 2022 market". */
    title: string;
    mode: "full" | "quick";
    /** True when the recorded data was unavailable and a synthetic path ran (labelled in every output). */
    synthetic: boolean;
    /** File paths of the replayed data, or "synthetic path". */
    dataSources: string[];
    /** ISO wall-clock times. */
    startedAt: string;
    finishedAt: string;
    runtimeSec: number;
    chainStartSec: number;
    chainEndSec: number;
    /** Recording time span of the BTC replay (unix ms). */
    dataStartMs: number;
    dataEndMs: number;
    blocks: number;
  };
  markets: { marketId: number; symbol: string; kind: "ASSET" | "BOUNDED" }[];
  series: {
    prices: { marketId: number; t: number; indexWad: string; markWad: string }[];
    trades: { marketId: number; t: number; priceWad: string; sizeWad: string; takerSide: "buy" | "sell" }[];
    funding: { marketId: number; t: number; fundingPerUnitWad: string; ratePerHourWad: string }[];
    openInterest: { marketId: number; t: number; longWad: string; shortWad: string }[];
    liquidations: {
      t: number;
      stage: "book" | "backstop" | "adl";
      account: string;
      marketId: number;
      sizeWad: string;
      notionalWad: string;
    }[];
    insuranceFund: { t: number; balanceWad: string }[];
    adl: {
      t: number;
      account: string;
      counterparty: string;
      marketId: number;
      sizeWad: string;
      bankruptcyPriceWad: string;
    }[];
  };
  summary: {
    fills: number;
    batches: number;
    /** settleBatch gas / fills settled. */
    gasPerFill: number;
    /** Σ |funding| paid by payers, all markets. */
    fundingPaidWad: string;
    liquidations: { book: number; backstop: number; adl: number };
    insurance: { startWad: string; minWad: string; endWad: string };
    /** Value ADL took from counterparties, against the bankrupt accounts' deficits. */
    adlClosedWad: string;
    shortfallWad: string;
    boundedMarket: { finalPriceWad: string; status: string; positionsSettled: number; claimsPaidWad: string };
    traders: number;
    orders: number;
  };
  /** From keepers/demo/invariants.ts. */
  invariants: InvariantResult[];
}

/* FORMATTING */

/** Inserts thousands separators into a string of decimal digits ("1234567" → "1,234,567"). */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * A wad as a decimal with thousands separators, rounded half away from zero to `decimals` places
 * (`formatWadDecimal(1234567890000000000000n)` is "1,234.57").
 * @throws RangeError when `decimals` is not an integer in [0, 18].
 */
export function formatWadDecimal(wad: bigint, decimals = 2): string {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 18) {
    throw new RangeError(`formatWadDecimal: decimals must be an integer in [0, 18], got ${decimals}`);
  }
  const negative = wad < 0n;
  const unit = 10n ** BigInt(18 - decimals);
  const rounded = ((negative ? -wad : wad) + unit / 2n) / unit;
  const scale = 10n ** BigInt(decimals);
  const fraction = decimals > 0 ? `.${(rounded % scale).toString().padStart(decimals, "0")}` : "";
  return `${negative && rounded !== 0n ? "-" : ""}${groupDigits((rounded / scale).toString())}${fraction}`;
}

/** A USD wad string of the report as "1,234.56 USD". @throws ReportDataError when malformed. */
function usd(value: string, field: string): string {
  return `${formatWadDecimal(parseWad(value, field))} USD`;
}

/** A count or a rounded figure with thousands separators. */
function count(n: number): string {
  return Number.isFinite(n) ? `${n < 0 ? "-" : ""}${groupDigits(Math.round(Math.abs(n)).toString())}` : String(n);
}

/** A duration as "9 min 41 s" (or "12.3 s" under a minute). */
function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** Unix seconds as "2025-10-10 21:15:00 UTC" (fractions of a second dropped). */
function chainTime(sec: number): string {
  const d = new Date(sec * 1000);
  return Number.isNaN(d.getTime()) ? `${sec} (not a time)` : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * The summary figures, in display order, each formatted for people (amounts as "1,234.56 USD"). The terminal summary
 * and the HTML table both show exactly these rows.
 * @throws ReportDataError when a wad string of the summary is malformed.
 */
export function summaryRows(report: DemoReport): SummaryRow[] {
  const { meta, summary: s } = report;
  const bounded = report.markets.find((m) => m.kind === "BOUNDED");
  const b = s.boundedMarket;
  return [
    { label: "Mode", value: `${meta.mode}${meta.synthetic ? " (SYNTHETIC DATA)" : ""}` },
    {
      label: "Chain time",
      value: `${chainTime(meta.chainStartSec)} → ${chainTime(meta.chainEndSec)}, ${count(meta.blocks)} blocks`,
    },
    {
      label: "Replayed data",
      value: `recorded ${chainTime(meta.dataStartMs / 1000)} → ${chainTime(meta.dataEndMs / 1000)}`,
    },
    { label: "Traders", value: `${count(s.traders)} traders, ${count(s.orders)} orders` },
    { label: "Fills", value: count(s.fills) },
    { label: "Batches", value: count(s.batches) },
    { label: "Gas per fill", value: `${count(s.gasPerFill)} gas` },
    { label: "Funding paid", value: usd(s.fundingPaidWad, "summary.fundingPaidWad") },
    {
      label: "Liquidations",
      value: `book ${count(s.liquidations.book)}, backstop ${count(s.liquidations.backstop)}, ADL ${count(s.liquidations.adl)}`,
    },
    {
      label: "Insurance fund",
      value:
        `start ${usd(s.insurance.startWad, "summary.insurance.startWad")} → ` +
        `min ${usd(s.insurance.minWad, "summary.insurance.minWad")} → ` +
        `end ${usd(s.insurance.endWad, "summary.insurance.endWad")}`,
    },
    {
      label: "ADL",
      value:
        `closed ${usd(s.adlClosedWad, "summary.adlClosedWad")} ` +
        `against a shortfall of ${usd(s.shortfallWad, "summary.shortfallWad")}`,
    },
    {
      label: `Bounded market${bounded ? ` ${bounded.symbol}` : ""}`,
      value:
        `final price ${formatWadDecimal(parseWad(b.finalPriceWad, "summary.boundedMarket.finalPriceWad"), 4)}, ` +
        `status ${b.status}, ${count(b.positionsSettled)} positions settled, ` +
        `claims paid ${usd(b.claimsPaidWad, "summary.boundedMarket.claimsPaidWad")}`,
    },
    { label: "Runtime", value: duration(meta.runtimeSec) },
  ];
}

/**
 * The terminal summary: title, a SYNTHETIC DATA warning when it applies, the summary rows, then every invariant with
 * PASS or FAIL and the overall verdict. Plain text (no colour codes), lines joined by "\n". The caller prints the
 * report paths after it.
 * @throws ReportDataError when a wad string of the summary is malformed.
 */
export function formatSummary(report: DemoReport): string {
  const rows = summaryRows(report);
  const width = Math.max(...rows.map((r) => r.label.length));
  const failed = report.invariants.filter((i) => !i.pass).length;
  return [
    report.meta.title,
    ...(report.meta.synthetic
      ? ["*** SYNTHETIC DATA: the recorded market data was unavailable; these figures come from a synthetic path ***"]
      : []),
    "",
    ...rows.map((r) => `  ${r.label.padEnd(width)}  ${r.value}`),
    "",
    "Invariants:",
    ...report.invariants.map((i) => `  ${i.pass ? "PASS" : "FAIL"}  ${i.name}: ${i.detail}`),
    failed === 0
      ? `All ${report.invariants.length} invariants PASS`
      : `${failed} of ${report.invariants.length} invariants FAIL`,
  ].join("\n");
}

/* FILES */

/**
 * Writes `report.json` (pretty JSON, as given) and the self-contained `report.html` into `outDir`, creating it.
 * @returns the two paths (joined onto `outDir`).
 * @throws ReportDataError when a wad string of the report is malformed (before anything is written);
 *   ReportAssetError when uPlot is not installed; the file system's error when `outDir` cannot be written.
 */
export function writeReport(report: DemoReport, outDir: string): { jsonPath: string; htmlPath: string } {
  const html = renderReportHtml(report, summaryRows(report));
  mkdirSync(outDir, { recursive: true });
  const jsonPath = path.join(outDir, "report.json");
  const htmlPath = path.join(outDir, "report.html");
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(htmlPath, html);
  return { jsonPath, htmlPath };
}

/**
 * The folder of one run's report: `<root>/<UTC timestamp>`, e.g. `reports/2026-11-21T06-59-41Z` (second precision,
 * `:` replaced by `-` so that every file system accepts it).
 * @throws RangeError when `now` is an invalid date.
 */
export function reportDir(root = "reports", now = new Date()): string {
  if (Number.isNaN(now.getTime())) throw new RangeError("reportDir: `now` is an invalid date");
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/:/g, "-");
  return path.join(root, stamp);
}

/* PROGRESS */

/** Extra figures shown after the bar, e.g. `{ fills: 1200, mark: "61,250" }`. */
export type ProgressInfo = Record<string, string | number>;

/** A stream the progress goes to; a TTY gets a live bar, anything else a plain line every 10%. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

/** A running progress display. */
export interface Progress {
  /**
   * Advances by `n` steps (clamped at the total); `info`, when given, replaces the figures shown. Ignored after `stop()`.
   * @throws RangeError when `n` is negative or not finite.
   */
  tick(n?: number, info?: ProgressInfo): void;
  /** Ends the display (idempotent). Always call it: a live bar keeps a render timer until stopped. */
  stop(): void;
}

function infoText(info: ProgressInfo): string {
  return Object.entries(info)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

/**
 * A progress display for `total` steps: a cli-progress bar when `stream` is a TTY; otherwise (CI, pipes) one plain line
 * `"<label>: 40% (400/1000) k=v"` each time another 10% is reached, and a last line on `stop()` if the run stopped
 * between two such lines.
 * @throws RangeError when `total` is not a positive finite number.
 */
export function createProgress(total: number, label: string, stream: ProgressStream = process.stderr): Progress {
  if (!Number.isFinite(total) || total <= 0) {
    throw new RangeError(`createProgress(${label}): total must be a positive finite number, got ${total}`);
  }
  return stream.isTTY === true ? barProgress(total, label, stream) : lineProgress(total, label, stream);
}

function checkStep(n: number, label: string): void {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`progress ${label}: tick(n) needs n ≥ 0, got ${n}`);
}

function barProgress(total: number, label: string, stream: ProgressStream): Progress {
  const bar = new SingleBar(
    { stream, format: "{label} [{bar}] {percentage}% | {value}/{total} | {info}", barsize: 30 },
    Presets.shades_classic,
  );
  let value = 0;
  let stopped = false;
  bar.start(total, 0, { label, info: "" });
  return {
    tick(n = 1, info) {
      checkStep(n, label);
      if (stopped) return;
      value = Math.min(total, value + n);
      bar.update(value, info === undefined ? {} : { info: infoText(info) });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

function lineProgress(total: number, label: string, stream: ProgressStream): Progress {
  let value = 0;
  let printedTenth = 0;
  let lastLineValue = 0;
  let lastInfo = "";
  let stopped = false;
  const print = () => {
    const percent = Math.floor((100 * value) / total);
    stream.write(`${label}: ${percent}% (${value}/${total})${lastInfo ? ` ${lastInfo}` : ""}\n`);
    lastLineValue = value;
  };
  return {
    tick(n = 1, info) {
      checkStep(n, label);
      if (stopped) return;
      value = Math.min(total, value + n);
      if (info !== undefined) lastInfo = infoText(info);
      const tenth = Math.floor((10 * value) / total);
      if (tenth > printedTenth) {
        printedTenth = tenth;
        print();
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (value !== lastLineValue) print();
    },
  };
}
