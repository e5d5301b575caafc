/** A small fabricated demo report, a temporary folder, and helpers to read the page's embedded JSON back. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { DemoReport, InvariantResult } from "../../../../keepers/demo/report";

/** `x` USD (or units, or a fraction) as a wad decimal string; `x` may have up to 18 decimals ("0.4"). */
export function w(x: string): string {
  const [int, frac = ""] = x.replace("-", "").split(".");
  const wadDigits = (BigInt(int) * 10n ** 18n + BigInt(frac.padEnd(18, "0") || "0")).toString();
  return x.startsWith("-") ? `-${wadDigits}` : wadDigits;
}

export const T0 = 1760054400; // 2025-10-10 00:00:00 UTC

export const INVARIANTS: InvariantResult[] = [
  { name: "vault balance equals all claims", pass: true, detail: "vault 1,000.00 USD = claims 1,000.00 USD" },
  { name: "long OI equals short OI", pass: true, detail: "BTC-USD 2 = 2" },
  { name: "ADL closed no more than the shortfall", pass: false, detail: "closed 12.00 USD > shortfall 10.00 USD" },
];

/** A report with two markets, a handful of points in every series and distinctive summary figures. */
export function sampleReport(
  overrides: { synthetic?: boolean; btcSymbol?: string; invariants?: InvariantResult[] } = {},
): DemoReport {
  return {
    meta: {
      title: "Keel demo: 2025-10-10 BTC crash and the Senate 2022 market",
      mode: "quick",
      synthetic: overrides.synthetic ?? false,
      dataSources: ["/data/BTCUSD_PERP-1m-2025-10-10.csv", "/data/gemini_BTCUSD_2025-10-10.csv"],
      startedAt: "2026-11-21T06:59:41.000Z",
      finishedAt: "2026-11-21T07:01:23.000Z",
      runtimeSec: 102.4,
      chainStartSec: T0,
      chainEndSec: T0 + 7200,
      dataStartMs: (T0 - 1800) * 1000,
      dataEndMs: (T0 + 5400) * 1000,
      blocks: 7321,
    },
    markets: [
      { marketId: 1, symbol: overrides.btcSymbol ?? "BTC-USD", kind: "ASSET" },
      { marketId: 2, symbol: "SENATE22-R", kind: "BOUNDED" },
    ],
    series: {
      prices: [
        { marketId: 1, t: T0, indexWad: w("121000"), markWad: w("121010.5") },
        { marketId: 1, t: T0 + 60, indexWad: w("110000"), markWad: w("109900") },
        { marketId: 2, t: T0, indexWad: w("0.4"), markWad: w("0.41") },
      ],
      trades: [
        { marketId: 1, t: T0 + 30, priceWad: w("120500"), sizeWad: w("0.5"), takerSide: "sell" },
        { marketId: 1, t: T0 + 30, priceWad: w("120400"), sizeWad: w("0.25"), takerSide: "sell" },
        { marketId: 1, t: T0 + 45, priceWad: w("120600"), sizeWad: w("1"), takerSide: "buy" },
      ],
      funding: [
        { marketId: 1, t: T0 + 3600, fundingPerUnitWad: w("1.21"), ratePerHourWad: w("0.0000125") },
        { marketId: 2, t: T0 + 3600, fundingPerUnitWad: w("0"), ratePerHourWad: w("-0.0001") },
      ],
      openInterest: [
        { marketId: 1, t: T0, longWad: w("2"), shortWad: w("2") },
        { marketId: 1, t: T0 + 60, longWad: w("1.5"), shortWad: w("1.5") },
      ],
      liquidations: [
        { t: T0 + 70, stage: "book", account: "0x01", marketId: 1, sizeWad: w("1"), notionalWad: w("110000") },
        { t: T0 + 80, stage: "book", account: "0x02", marketId: 1, sizeWad: w("1"), notionalWad: w("110000") },
        { t: T0 + 90, stage: "backstop", account: "0x03", marketId: 1, sizeWad: w("1"), notionalWad: w("109000") },
      ],
      insuranceFund: [
        { t: T0, balanceWad: w("100000") },
        { t: T0 + 90, balanceWad: w("95000") },
      ],
      adl: [
        {
          t: T0 + 100,
          account: "0x04",
          counterparty: "0x05",
          marketId: 1,
          sizeWad: w("-0.0001"),
          bankruptcyPriceWad: w("120000"),
        },
      ],
    },
    summary: {
      fills: 12345,
      batches: 678,
      gasPerFill: 41234.6,
      fundingPaidWad: w("1234.565"),
      liquidations: { book: 17, backstop: 4, adl: 2 },
      insurance: { startWad: w("100000"), minWad: w("95000.004"), endWad: w("97500.5") },
      adlClosedWad: w("12"),
      shortfallWad: w("10"),
      boundedMarket: { finalPriceWad: "0", status: "Resolved", positionsSettled: 42, claimsPaidWad: w("8765.4321") },
      traders: 24,
      orders: 98765,
    },
    invariants: overrides.invariants ?? INVARIANTS,
  };
}

/** A fresh temporary folder and a function removing it. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "keel-report-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The text content of `<script type="application/json" id="<id>">` in a page. */
export function embeddedJson(html: string, id: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html);
  if (match === null) throw new Error(`no <script type="application/json" id="${id}"> in the page`);
  return JSON.parse(match[1]);
}
