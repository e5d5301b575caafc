/** formatWadDecimal: thousands separators, rounding half away from zero, negatives, and the decimals range. */
import { expect } from "chai";

import { formatWadDecimal } from "../../../../keepers/demo/report";

const WAD = 10n ** 18n;

describe("demo report: formatWadDecimal", function () {
  it("groups thousands and pads to two decimals by default", function () {
    expect(formatWadDecimal(1234567n * WAD)).to.equal("1,234,567.00");
    expect(formatWadDecimal(0n)).to.equal("0.00");
    expect(formatWadDecimal(999n * WAD)).to.equal("999.00");
  });

  it("rounds half away from zero", function () {
    expect(formatWadDecimal(1234565n * 10n ** 15n)).to.equal("1,234.57");
    expect(formatWadDecimal(1234564999n * 10n ** 12n)).to.equal("1,234.56");
    expect(formatWadDecimal(-1234565n * 10n ** 15n)).to.equal("-1,234.57");
  });

  it("drops the sign of a negative amount that rounds to zero", function () {
    expect(formatWadDecimal(-1n)).to.equal("0.00");
  });

  it("formats other precisions, 0 and 18 included", function () {
    expect(formatWadDecimal(4n * 10n ** 17n, 4)).to.equal("0.4000");
    expect(formatWadDecimal(1500n * 10n ** 15n, 0)).to.equal("2");
    expect(formatWadDecimal(1n, 18)).to.equal("0.000000000000000001");
  });

  it("throws RangeError for decimals outside [0, 18]", function () {
    expect(() => formatWadDecimal(1n, 19)).to.throw(RangeError);
    expect(() => formatWadDecimal(1n, 1.5)).to.throw(RangeError);
  });
});
