/**
 * Gas of each liquidation stage (DESIGN §8), on the standard setups of the waterfall tests
 * (test/contracts/waterfall/<stage>/helpers.ts): a book liquidation against one maker order, a backstop takeover,
 * and an auto-deleverage against one counterparty.
 */
import { deployKeel } from "../../test/fixtures/keel";
import {
  LIQ_MARK,
  LONG_SIZE,
  liqFill,
  liquidatableLong,
  liquidate,
  makerOrder,
} from "../../test/contracts/waterfall/book/helpers";
import { backstopSetup, moveBtc } from "../../test/contracts/waterfall/backstop/helpers";
import { adl, bankruptLong, setupAdl } from "../../test/contracts/waterfall/adl/helpers";
import { BTC_USD, wad } from "../../test/contracts/trading/helpers";
import type { BenchFigure, SuiteOptions } from "../figures";
import { gasFigure, gasOf } from "./figure";

/** `liquidateOnBook` of a 0.3 BTC long below maintenance, closed in full into one resting bid of a flat maker. */
async function bookGas(): Promise<number> {
  const f = await deployKeel();
  await liquidatableLong(f);
  const bid = await makerOrder(f, f.carol, "buy", wad("0.5"), LIQ_MARK);
  return gasOf(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)]));
}

/** `backstopLiquidate` of a 0.3 BTC long below ⅔ maintenance (equity 100 USD) by the insurance fund. */
async function backstopGas(): Promise<number> {
  const f = await backstopSetup();
  await moveBtc(f, wad("57000"));
  return gasOf(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD));
}

/** `autoDeleverage` of a bankrupt 0.3 BTC long (equity −200 USD, empty fund) against one profitable short. */
async function adlGas(): Promise<number> {
  const f = await setupAdl();
  await bankruptLong(f, f.bob);
  return gasOf(adl(f, f.alice, BTC_USD, [f.bob]));
}

/** Liquidation-stage gas figures. */
export async function waterfallFigures(options: SuiteOptions): Promise<BenchFigure[]> {
  options.log("gas: liquidation stages");
  return [
    gasFigure(
      "liquidateOnBook.oneFill",
      "liquidateOnBook, one maker fill",
      await bookGas(),
      "full close of one position: maker order load + ecrecover, both positions, fees to fund and recipient, the" +
        " vault's settleBalances, the account's health before and the maker's margin after",
    ),
    gasFigure(
      "backstopLiquidate",
      "backstopLiquidate, one market",
      await backstopGas(),
      "moves the position to the insurance fund at the mark (fund position from zero), balances through the vault",
    ),
    gasFigure(
      "autoDeleverage.oneCounterparty",
      "autoDeleverage, one counterparty",
      await adlGas(),
      "closes the bankrupt position against one short at the bankruptcy price; both positions closed (refunds)",
    ),
  ];
}
