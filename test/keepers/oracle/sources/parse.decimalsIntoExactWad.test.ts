/**
 * The response building blocks: decimal strings parse exactly into wad and everything else (numbers, signs, exponents,
 * NaN, too many decimals) is refused; epoch times are milliseconds; parseResponse names the venue and the field.
 */
import { expect } from "chai";
import { z } from "zod";
import {
  decimalWad,
  epochMs,
  epochMsString,
  formatPath,
  isoUtcMs,
  parseResponse,
  positivePriceWad,
  probabilityWad,
} from "../../../../keepers/oracle/sources/parse";
import { PriceSourceError } from "../../../../keepers/oracle/types";

describe("decimalWad", function () {
  it("parses plain decimals exactly", function () {
    expect(decimalWad.parse("97234.565")).to.equal(97_234_565_000_000_000_000_000n);
    expect(decimalWad.parse("0.000000000000000001")).to.equal(1n);
    expect(decimalWad.parse("123456789012345678901234567890.123456789012345678")).to.equal(
      123_456_789_012_345_678_901_234_567_890_123_456_789_012_345_678n,
    );
    expect(decimalWad.parse("0")).to.equal(0n);
    expect(decimalWad.parse("60000")).to.equal(60_000n * 10n ** 18n);
  });

  it("refuses anything that is not a plain non-negative decimal with at most 18 places", function () {
    const refused: unknown[] = [
      "",
      " 1",
      "1 ",
      "-1",
      "+1",
      "1e5",
      "9.7E4",
      "NaN",
      "Infinity",
      "0x10",
      "1.",
      ".5",
      "1,000.5",
      "0.1234567890123456789",
      97234.5,
      null,
    ];
    for (const value of refused) expect(decimalWad.safeParse(value).success, JSON.stringify(value)).to.equal(false);
  });

  it("requires prices above zero and probabilities within [0, 1]", function () {
    expect(positivePriceWad.safeParse("0").success).to.equal(false);
    expect(positivePriceWad.safeParse("0.00").success).to.equal(false);
    expect(positivePriceWad.parse("0.01")).to.equal(10n ** 16n);
    expect(probabilityWad.parse("1.000000000000000000")).to.equal(10n ** 18n);
    expect(probabilityWad.safeParse("1.000000000000000001").success).to.equal(false);
  });
});

describe("epoch times", function () {
  it("accepts milliseconds and refuses seconds, fractions and negatives", function () {
    expect(epochMs.parse(1_733_404_800_123)).to.equal(1_733_404_800_123);
    for (const value of [1_733_404_800, 1_733_404_800_123.5, -1, "1733404800123"]) {
      expect(epochMs.safeParse(value).success, String(value)).to.equal(false);
    }
    expect(epochMsString.parse("1733404800456")).to.equal(1_733_404_800_456);
    for (const value of ["1733404800", "1733404800456.0", "", 1_733_404_800_456]) {
      expect(epochMsString.safeParse(value).success, String(value)).to.equal(false);
    }
  });

  it("parses ISO 8601 UTC times to the millisecond and refuses other formats", function () {
    expect(isoUtcMs.parse("2024-12-05T13:20:00.987654Z")).to.equal(Date.UTC(2024, 11, 5, 13, 20, 0, 987));
    expect(isoUtcMs.parse("2024-12-05T13:20:00Z")).to.equal(Date.UTC(2024, 11, 5, 13, 20, 0));
    for (const value of ["2024-12-05T13:20:00+01:00", "2024-12-05 13:20:00Z", "2024-13-45T99:99:99Z", 1733404800000]) {
      expect(isoUtcMs.safeParse(value).success, String(value)).to.equal(false);
    }
  });
});

describe("parseResponse", function () {
  const Schema = z.object({ result: z.object({ list: z.array(z.object({ bid1Price: positivePriceWad })) }) });

  it("returns the parsed value", function () {
    expect(parseResponse("bybit", "spot ticker", Schema, { result: { list: [{ bid1Price: "1.5" }] } })).to.deep.equal({
      result: { list: [{ bid1Price: 1_500_000_000_000_000_000n }] },
    });
  });

  it("throws a PriceSourceError naming the venue, what was fetched and the field in full", function () {
    let failure: unknown;
    try {
      parseResponse("bybit", "spot ticker BTCUSDT", Schema, { result: { list: [{ bid1Price: "abc" }] } });
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(PriceSourceError);
    const error = failure as PriceSourceError;
    expect(error.venue).to.equal("bybit");
    expect(error.message).to.match(
      /^bybit: spot ticker BTCUSDT: .*field result\.list\[0\]\.bid1Price: expected a non-negative decimal/,
    );
    expect(error.cause).to.be.instanceOf(z.ZodError);
  });

  it("prefixes the path of a part of the response", function () {
    expect(() => parseResponse("hypercore", "ctx", Schema, {}, [1, 4])).to.throw(
      PriceSourceError,
      "field [1][4].result",
    );
    expect(formatPath([])).to.equal("(root)");
    expect(formatPath([0, "universe", 2, "name"])).to.equal("[0].universe[2].name");
  });
});
