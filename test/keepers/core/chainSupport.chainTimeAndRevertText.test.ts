/**
 * The shared helpers of the funding and oracle keepers: the chain clock never runs behind the latest block and
 * extrapolates an idle chain (with one second of margin), and a failed call reads as its decoded custom error.
 */
import { expect } from "chai";
import type { Block, Provider } from "ethers";
import { chainTimeEstimator, describeCallFailure } from "../../../keepers/core/chainSupport";
import { PositionManager__factory } from "../../../keepers/sdk/typechain";

function providerWith(block: { number: number; timestamp: number }): Pick<Provider, "getBlock"> {
  return { getBlock: () => Promise.resolve(block as Block) };
}

describe("funding: shared keeper helpers", function () {
  it("estimates the chain time from the latest block, extrapolating an idle chain", async function () {
    const block = { number: 10, timestamp: 1_000 };
    const wall = { nowMs: 50_000 };
    const clock = chainTimeEstimator(providerWith(block), () => wall.nowMs);
    expect(await clock()).to.equal(1_000);
    wall.nowMs += 30_400; // 30 whole seconds later, no new block: 1,000 + 30 − 1 margin
    expect(await clock()).to.equal(1_029);
    Object.assign(block, { number: 11, timestamp: 1_031 }); // a new block restarts the extrapolation
    expect(await clock()).to.equal(1_031);
  });

  it("describes a revert by its custom error and arguments", function () {
    const iface = PositionManager__factory.createInterface();
    const data = iface.encodeErrorResult("FundingTooEarly", [1, 7_200, 3_600]);
    expect(describeCallFailure({ data }, iface)).to.equal(
      "FundingTooEarly(marketId=1, lastFundingAt=7200, fundingIntervalSec=3600)",
    );
    expect(describeCallFailure(new Error("connect ECONNREFUSED"), iface)).to.match(/ECONNREFUSED/);
  });
});
