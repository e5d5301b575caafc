/**
 * premiumWad: (max(impactBid − index, 0) − max(index − impactAsk, 0)) / index, rounded toward zero, and no premium at
 * all when either impact side is missing (DESIGN §7).
 */
import { expect } from "chai";
import { premiumWad } from "../../../keepers/funding/premium";
import { wad } from "../../fixtures/keel";

const INDEX = wad("60000");

describe("funding: premiumWad", function () {
  it("is positive when the impact bid is above the index (longs pay)", function () {
    // (60,180 − 60,000) / 60,000 = 0.003
    expect(premiumWad(wad("60180"), wad("60200"), INDEX)).to.equal(wad("0.003"));
  });

  it("is negative when the impact ask is below the index (shorts pay)", function () {
    // −(60,000 − 59,880) / 60,000 = −0.002
    expect(premiumWad(wad("59850"), wad("59880"), INDEX)).to.equal(-wad("0.002"));
  });

  it("is zero while the index lies between the impact bid and ask", function () {
    expect(premiumWad(wad("59990"), wad("60010"), INDEX)).to.equal(0n);
  });

  it("is undefined when either side of the book is too thin (no sample, not a zero sample)", function () {
    expect(premiumWad(undefined, wad("60010"), INDEX)).to.equal(undefined);
    expect(premiumWad(wad("60180"), undefined, INDEX)).to.equal(undefined);
    expect(premiumWad(undefined, undefined, INDEX)).to.equal(undefined);
  });

  it("rounds toward zero on both sides", function () {
    // 0.01 / 60,000 = 1.666…e-7 → 166,666,666,666.67 wei → 166,666,666,666 (toward zero), and its negative
    expect(premiumWad(wad("60000.01"), wad("60001"), INDEX)).to.equal(166_666_666_666n);
    expect(premiumWad(wad("59999"), wad("59999.99"), INDEX)).to.equal(-166_666_666_666n);
  });

  it("refuses a non-positive index", function () {
    expect(() => premiumWad(1n, 2n, 0n)).to.throw(RangeError, /positive index/);
  });
});
