/**
 * nextFundingAtSec mirrors applyFunding's clock-aligned rule (`block.timestamp / interval` must have advanced past
 * `lastFundingAt / interval`); a market never funded waits for the first boundary after the keeper saw it.
 */
import { expect } from "chai";
import { nextFundingAtSec } from "../../../keepers/funding/schedule";

describe("funding: nextFundingAtSec", function () {
  it("is the next interval boundary after the last application", function () {
    expect(nextFundingAtSec(7_230, 3_600, 0)).to.equal(10_800); // 2:00:30 → 3:00:00
    expect(nextFundingAtSec(7_200, 3_600, 0)).to.equal(10_800); // applied exactly at 2:00:00 → 3:00:00
    expect(nextFundingAtSec(10_799, 3_600, 0)).to.equal(10_800); // a late 2:59:59 application → 3:00:00
  });

  it("waits for the boundary after the keeper first saw a market never funded", function () {
    expect(nextFundingAtSec(0, 3_600, 5_000)).to.equal(7_200);
  });

  it("refuses a zero interval", function () {
    expect(() => nextFundingAtSec(0, 0, 0)).to.throw(RangeError);
  });
});
