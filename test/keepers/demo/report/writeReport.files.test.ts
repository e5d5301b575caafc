/**
 * writeReport writes report.json (the report, pretty-printed) and report.html into the folder, creating it, and the
 * page embeds the same report as JSON.
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { writeReport } from "../../../../keepers/demo/report";
import { embeddedJson, sampleReport, tempDir } from "./helpers";

describe("demo report: writeReport files", function () {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it("creates the folder and writes report.json and report.html into it", function () {
    const outDir = path.join(tmp.dir, "reports", "2026-11-21T06-59-41Z");
    const { jsonPath, htmlPath } = writeReport(sampleReport(), outDir);
    expect(jsonPath).to.equal(path.join(outDir, "report.json"));
    expect(htmlPath).to.equal(path.join(outDir, "report.html"));
    expect(existsSync(jsonPath)).to.equal(true);
    expect(existsSync(htmlPath)).to.equal(true);
  });

  it("writes the report as pretty JSON that reads back equal", function () {
    const report = sampleReport();
    const { jsonPath } = writeReport(report, tmp.dir);
    const text = readFileSync(jsonPath, "utf8");
    expect(text).to.contain('\n  "meta": {');
    expect(JSON.parse(text)).to.deep.equal(report);
  });

  it("embeds the report as JSON in the page", function () {
    const report = sampleReport();
    const html = readFileSync(writeReport(report, tmp.dir).htmlPath, "utf8");
    expect(embeddedJson(html, "keel-report")).to.deep.equal(report);
  });
});
