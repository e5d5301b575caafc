/**
 * The page shows the SYNTHETIC DATA banner only for a synthetic run, and ends with every invariant marked PASS or
 * FAIL, after the charts.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";

import { writeReport, type DemoReport } from "../../../../keepers/demo/report";
import { INVARIANTS, sampleReport, tempDir } from "./helpers";

function page(report: DemoReport): string {
  const tmp = tempDir();
  try {
    return readFileSync(writeReport(report, tmp.dir).htmlPath, "utf8");
  } finally {
    tmp.remove();
  }
}

/** The visible part of the page: everything before the embedded data and scripts. */
function visible(html: string): string {
  return html.slice(0, html.indexOf("<script"));
}

describe("demo report: banner and invariants in report.html", function () {
  it("shows the SYNTHETIC DATA banner when meta.synthetic is true", function () {
    expect(visible(page(sampleReport({ synthetic: true })))).to.match(/<div class="synthetic"[^>]*>SYNTHETIC DATA/);
  });

  it("shows no banner when the data was recorded", function () {
    expect(visible(page(sampleReport({ synthetic: false })))).to.not.contain("SYNTHETIC DATA");
  });

  it("marks each invariant PASS or FAIL, with its name and detail", function () {
    const html = visible(page(sampleReport()));
    for (const inv of INVARIANTS) {
      const verdict = inv.pass ? "PASS" : "FAIL";
      const detail = inv.detail.replace(/>/g, "&gt;"); // the fixture's details contain no other character to escape
      expect(html).to.contain(
        `<li class="${verdict.toLowerCase()}"><span class="verdict">${verdict}</span>` +
          `<strong>${inv.name}</strong> <span class="detail">${detail}</span></li>`,
      );
    }
    expect(html).to.contain("1 of 3 invariants FAIL");
  });

  it("says all invariants PASS when none failed", function () {
    const html = visible(page(sampleReport({ invariants: INVARIANTS.map((i) => ({ ...i, pass: true })) })));
    expect(html).to.contain("All 3 invariants PASS");
    expect(html).to.not.contain('class="fail"');
  });

  it("lists the invariants after the summary and the charts", function () {
    const html = visible(page(sampleReport()));
    const invariants = html.indexOf("<h2>Invariants</h2>");
    expect(invariants).to.be.greaterThan(html.lastIndexOf("<figure>"));
    expect(invariants).to.be.greaterThan(html.indexOf('<table class="summary">'));
    expect(html.slice(invariants)).to.not.contain("<figure>");
  });
});
