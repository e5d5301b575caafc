/** Report strings are escaped in the page and in its embedded JSON: a hostile market symbol cannot inject a script. */
import { expect } from "chai";
import { readFileSync } from "node:fs";

import { writeReport } from "../../../../keepers/demo/report";
import { embeddedJson, INVARIANTS, sampleReport, tempDir } from "./helpers";

const HOSTILE = `BTC<script>alert("x")</script>&'`;

describe("demo report: escaping in report.html", function () {
  let html: string;
  const report = sampleReport({
    btcSymbol: HOSTILE,
    invariants: [{ ...INVARIANTS[0], name: "<b>bold</b>", detail: "a < b & c > d" }],
  });
  before(function () {
    const tmp = tempDir();
    try {
      html = readFileSync(writeReport(report, tmp.dir).htmlPath, "utf8");
    } finally {
      tmp.remove();
    }
  });

  it("never writes the raw symbol, and shows it escaped in the chart titles", function () {
    expect(html).to.not.contain(HOSTILE);
    expect(html).to.not.contain("<script>alert");
    expect(html).to.contain("BTC&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;: index, mark and trades");
  });

  it("escapes invariant names and details", function () {
    expect(html).to.contain("<strong>&lt;b&gt;bold&lt;/b&gt;</strong>");
    expect(html).to.contain("a &lt; b &amp; c &gt; d");
  });

  it("keeps the embedded JSON free of '<' yet equal to the report", function () {
    const tag = '<script type="application/json" id="keel-report">';
    const start = html.indexOf(tag) + tag.length;
    const body = html.slice(start, html.indexOf("</script>", start));
    expect(body).to.not.contain("<");
    expect(embeddedJson(html, "keel-report")).to.deep.equal(report);
  });

  it("has exactly the page's own script elements (none injected)", function () {
    expect(html.match(/<script\b/g)).to.have.length(4);
  });
});
