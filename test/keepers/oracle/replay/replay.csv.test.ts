/** The CSV reader: quoting rules, line numbers in errors, named columns. */
import { expect } from "chai";
import { CsvTable, parseCsv, ReplayFormatError } from "../../../../keepers/oracle/replay";

describe("replay: CSV reader", () => {
  it("reads quoted fields with doubled quotes, commas and line breaks, and CRLF ends", () => {
    const rows = parseCsv('\ufeffa,"b ""q"", c"\r\n"x\ny",2\n\n3,\n', "t.csv");
    expect(rows.map((r) => r.fields)).to.deep.equal([
      ["a", 'b "q", c'],
      ["x\ny", "2"],
      ["3", ""],
    ]);
    expect(rows.map((r) => r.line)).to.deep.equal([1, 2, 5]);
  });

  it("names the file and line of an unterminated quote", () => {
    expect(() => parseCsv('a\n"open,1\n', "t.csv"))
      .to.throw(ReplayFormatError, "t.csv:2: unterminated quoted field")
      .with.property("line", 2);
  });

  it("maps named columns and reports a missing one with the header", () => {
    const table = new CsvTable("x,y,x\n1,2,3\n", "t.csv", ["x", "y"]);
    expect(table.field(table.rows[0], "x")).to.equal("1");
    expect(table.parse(table.rows[0], "y", Number)).to.equal(2);
    expect(() => new CsvTable("x,y\n", "t.csv", ["z"])).to.throw(ReplayFormatError, "missing column(s) z");
    expect(() =>
      table.parse(table.rows[0], "y", () => {
        throw new RangeError("bad");
      }),
    ).to.throw(ReplayFormatError, "t.csv:2: column y: bad");
  });
});
