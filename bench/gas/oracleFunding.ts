/**
 * Gas of the keepers' periodic transactions: `pushPrices` for one and for two markets (per market) and
 * `applyFunding` in its steady state (a market already funded in an earlier interval).
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, type KeelFixture } from "../../test/fixtures/keel";
import { BTC_PRICE, BTC_USD, EVENT_PRICE, SENATE22_R, defaultPrices, wad } from "../../test/contracts/trading/helpers";
import { nextHour, refreshPrices } from "../../test/contracts/trading/behaviourHelpers";
import type { BenchFigure, SuiteOptions } from "../figures";
import { gasFigure, gasOf } from "./figure";

/** Gas of one `pushPrices` of `marks` (index = mark) dated at the block it is mined in. */
async function pushGas(f: KeelFixture, marks: Record<number, bigint>): Promise<number> {
  const ids = Object.keys(marks).map(Number);
  const ts = (await time.latest()) + 1;
  await time.setNextBlockTimestamp(ts);
  const prices = ids.map((id) => marks[id]);
  return gasOf(f.oracle.connect(f.deployer).pushPrices(ids, prices, prices, ts));
}

/** Gas of the second `applyFunding` of BTC-USD, one hour after the first (prices fresh before each). */
async function fundingGas(f: KeelFixture): Promise<number> {
  let ts = await nextHour();
  for (let round = 0; ; round++) {
    await time.increaseTo(ts - 2);
    await refreshPrices(f);
    await time.setNextBlockTimestamp(ts);
    const gas = await gasOf(f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("1")));
    if (round === 1) return gas;
    ts += 3600;
  }
}

/** Oracle push and funding gas figures. */
export async function oracleFundingFigures(options: SuiteOptions): Promise<BenchFigure[]> {
  options.log("gas: pushPrices and applyFunding");
  const f = await deployKeel();
  await defaultPrices(f);
  // Prices move a little so that every slot changes, as in a live push.
  const one = await pushGas(f, { [BTC_USD]: BTC_PRICE + wad("10") });
  const two = await pushGas(f, { [BTC_USD]: BTC_PRICE + wad("20"), [SENATE22_R]: EVENT_PRICE + wad("0.001") });
  const funding = await fundingGas(f);
  const pushNote = "per market: clamp and staleness checks + the market's price slots; the 21k base is shared";
  return [
    gasFigure("pushPrices.1market", "pushPrices, 1 market", one, pushNote, { unit: "gas/market" }),
    gasFigure("pushPrices.2markets", "pushPrices, 2 markets (per market)", Math.round(two / 2), pushNote, {
      unit: "gas/market",
    }),
    gasFigure(
      "applyFunding",
      "applyFunding, one market",
      funding,
      "steady state (second interval): registry reads (risk and funding params), the index price, cumulative index" +
        " and epoch; positions settle lazily at their next batch",
    ),
  ];
}
