/** reportDir: `<root>/<UTC timestamp to the second>`, with no character a file system refuses. */
import { expect } from "chai";
import path from "node:path";

import { reportDir } from "../../../../keepers/demo/report";

describe("demo report: reportDir", function () {
  it("names the folder after the UTC time to the second, ':' replaced by '-'", function () {
    expect(reportDir("reports", new Date("2026-11-21T06:59:41.987Z"))).to.equal(
      path.join("reports", "2026-11-21T06-59-41Z"),
    );
  });

  it("defaults to the reports folder and the current time", function () {
    const dir = reportDir();
    expect(path.dirname(dir)).to.equal("reports");
    expect(path.basename(dir)).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
  });

  it("puts the folder under another root", function () {
    expect(reportDir("/tmp/out", new Date(Date.UTC(2025, 9, 10)))).to.equal("/tmp/out/2025-10-10T00-00-00Z");
  });

  it("throws RangeError for an invalid date", function () {
    expect(() => reportDir("reports", new Date("not a date"))).to.throw(RangeError);
  });
});
