/** report.html needs no network: uPlot's script and style are inlined, and no src or href points at a URL. */
import { expect } from "chai";
import { readFileSync } from "node:fs";

import { writeReport } from "../../../../keepers/demo/report";
import { sampleReport, tempDir } from "./helpers";

describe("demo report: report.html is self-contained", function () {
  let html: string;
  before(function () {
    const tmp = tempDir();
    try {
      html = readFileSync(writeReport(sampleReport(), tmp.dir).htmlPath, "utf8");
    } finally {
      tmp.remove();
    }
  });

  it("has no src or href pointing at http:// or https://, and no external script or stylesheet", function () {
    expect(html).to.not.match(/\b(src|href)\s*=\s*["']?\s*https?:/i);
    expect(html).to.not.match(/<script[^>]*\bsrc\s*=/i);
    expect(html).to.not.match(/<link\b/i);
    expect(html).to.not.match(/@import/i);
  });

  it("inlines uPlot's IIFE build and its stylesheet from node_modules", function () {
    const uplotJs = readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8");
    const uplotCss = readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8");
    expect(html).to.contain(uplotJs.slice(0, 200));
    expect(html).to.contain(uplotCss.slice(0, 100));
    expect(html).to.contain('id="keel-charts"');
  });
});
