/** Decimal text → wad: exact, scientific notation, explicit truncation past 18 decimals. */
import { expect } from "chai";
import { parseDecimalWad } from "../../../../keepers/oracle/replay";

describe("replay: parseDecimalWad", () => {
  it("parses plain decimals exactly", () => {
    expect(parseDecimalWad("121689.00965205")).to.equal(121_689_009_652_050_000_000_000n);
    expect(parseDecimalWad("0")).to.equal(0n);
    expect(parseDecimalWad("-0.5")).to.equal(-500_000_000_000_000_000n);
    expect(parseDecimalWad(".5")).to.equal(500_000_000_000_000_000n);
    expect(parseDecimalWad("3.")).to.equal(3n * 10n ** 18n);
    expect(parseDecimalWad(" 7 ")).to.equal(7n * 10n ** 18n);
  });

  it("parses scientific notation as Deribit and Polymarket write it", () => {
    expect(parseDecimalWad("1e-04")).to.equal(100_000_000_000_000n);
    // -2.355264834228129e-05 = -0.00002355264834228129 → 18 decimals: -0.000023552648342281 (truncated toward zero).
    expect(parseDecimalWad("-2.355264834228129e-05")).to.equal(-23_552_648_342_281n);
    expect(parseDecimalWad("1.5E+3")).to.equal(1500n * 10n ** 18n);
  });

  it("truncates toward zero past the 18th decimal", () => {
    expect(parseDecimalWad("0.1234567890123456789")).to.equal(123_456_789_012_345_678n);
    expect(parseDecimalWad("-0.0000000000000000019")).to.equal(-1n);
    expect(parseDecimalWad("1e-19")).to.equal(0n);
  });

  it("refuses text that is not a number", () => {
    for (const bad of ["", "NA", "1,5", "1e", "e5", "--1", "1.2.3", "0x10", "1e1000"]) {
      expect(() => parseDecimalWad(bad), bad).to.throw(RangeError, "Not a decimal number");
    }
  });
});
