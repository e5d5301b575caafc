/**
 * Exact decimal text → wad bigint, for the recorded files' prices, sizes and rates. Accepts plain decimals
 * ("121689.00965205", "-0.5", ".5", "3.") and scientific notation ("-2.355264834228129e-05", "1e-04"), as the
 * Deribit and Polymarket files use it. Digits beyond the 18th decimal are truncated toward zero, explicitly, before
 * ethers' `parseUnits` (which would refuse them); nothing passes through a float.
 */
import { parseUnits } from "ethers";

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

/** Wad decimals. */
const DECIMALS = 18;

/**
 * Parses `text` into a wad bigint (1e18 = 1), truncating toward zero past 18 decimals.
 * @example parseDecimalWad("1e-04") === 100000000000000n
 * @throws RangeError when `text` is not a decimal number (empty, "NA", "1,5", an exponent of more than 3 digits).
 */
export function parseDecimalWad(text: string): bigint {
  const match = DECIMAL.exec(text.trim());
  const [, sign = "", integerDigits = "", fractionDigits = "", exponentText = "0"] = match ?? [];
  if (!match || integerDigits.length + fractionDigits.length === 0) {
    throw new RangeError(`Not a decimal number: "${text}"`);
  }
  // Move the decimal point by the exponent over the digit string.
  const digits = integerDigits + fractionDigits;
  const point = integerDigits.length + Number(exponentText);
  let integerPart: string;
  let fractionPart: string;
  if (point <= 0) {
    integerPart = "0";
    fractionPart = "0".repeat(-point) + digits;
  } else if (point >= digits.length) {
    integerPart = digits + "0".repeat(point - digits.length);
    fractionPart = "";
  } else {
    integerPart = digits.slice(0, point);
    fractionPart = digits.slice(point);
  }
  // Truncate toward zero: dropping digits of the magnitude rounds a negative value up, a positive one down.
  fractionPart = fractionPart.slice(0, DECIMALS);
  return parseUnits(`${sign === "-" ? "-" : ""}${integerPart || "0"}.${fractionPart || "0"}`, DECIMALS);
}
