/**
 * The terminal summary shows every figure of the report (amounts as "1,234.57 USD"), the synthetic warning only for a
 * synthetic run, and each invariant with PASS or FAIL.
 */
import { expect } from "chai";

import { formatSummary } from "../../../../keepers/demo/report";
import { ReportDataError } from "../../../../keepers/demo/reportCharts";
import { INVARIANTS, sampleReport } from "./helpers";

describe("demo report: formatSummary", function () {
  const text = formatSummary(sampleReport());

  it("shows every summary figure, formatted", function () {
    for (const figure of [
      "Keel demo: 2025-10-10 BTC crash and the Senate 2022 market",
      "quick",
      "12,345", // fills
      "678", // batches
      "41,235 gas", // gas per fill, rounded
      "1,234.57 USD", // funding paid
      "book 17, backstop 4, ADL 2",
      "start 100,000.00 USD → min 95,000.00 USD → end 97,500.50 USD",
      "closed 12.00 USD against a shortfall of 10.00 USD",
      "final price 0.0000, status Resolved, 42 positions settled, claims paid 8,765.43 USD",
      "Bounded market SENATE22-R",
      "24 traders, 98,765 orders",
      "7,321 blocks",
      "2025-10-10 00:00:00 UTC → 2025-10-10 02:00:00 UTC",
      "1 min 42 s",
      "recorded 2025-10-09 23:30:00 UTC → 2025-10-10 01:30:00 UTC",
    ]) {
      expect(text).to.contain(figure);
    }
  });

  it("lists each invariant with PASS or FAIL and the overall verdict", function () {
    for (const inv of INVARIANTS) expect(text).to.contain(`${inv.pass ? "PASS" : "FAIL"}  ${inv.name}: ${inv.detail}`);
    expect(text.trimEnd().split("\n").at(-1)).to.equal("1 of 3 invariants FAIL");
  });

  it("warns of synthetic data only when the run was synthetic", function () {
    expect(text).to.not.contain("SYNTHETIC");
    expect(formatSummary(sampleReport({ synthetic: true }))).to.contain("*** SYNTHETIC DATA");
  });

  it("refuses a malformed amount with ReportDataError naming the field", function () {
    const report = sampleReport();
    report.summary.shortfallWad = "ten";
    expect(() => formatSummary(report)).to.throw(ReportDataError, "summary.shortfallWad");
  });
});
