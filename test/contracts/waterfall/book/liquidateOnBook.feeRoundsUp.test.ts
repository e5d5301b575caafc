/**
 * The book-liquidation fee is a debit of the liquidated account, so it rounds up (DESIGN §2): `ceil(closed notional ·
 * liquidationFee)`. With the deploy's 0.5% every BTC-USD notional gives an exact fee, so this test sets a fee rate one
 * wei above 0.5% and closes at a price whose notional leaves a remainder.
 */
import { expect } from "chai";
import { deployKeel, useSolvencyInvariant } from "../../../fixtures/keel";
import { receiptOf, settledDeltas } from "../../trading/behaviourHelpers";
import {
  BTC_USD,
  LIQ_MARK,
  LONG_SIZE,
  liqFill,
  liquidatableLong,
  liquidate,
  makerOrder,
  setBtcLiquidationParams,
  wad,
} from "./helpers";

const WAD = 10n ** 18n;

describe("PositionManager.liquidateOnBook rounds the liquidation fee up", function () {
  useSolvencyInvariant();

  it("charges ceil(notional · fee) to the account and credits it to the insurance fund", async function () {
    const f = await deployKeel();
    const feeRateWad = wad("0.005") + 1n;
    await setBtcLiquidationParams(f, { liquidationFeeWad: feeRateWad });
    await liquidatableLong(f);
    // 0.3 at 57,200.1 (one tick above the mark): notional 17,160.03.
    const priceWad = LIQ_MARK + wad("0.1");
    const notionalWad = (LONG_SIZE * priceWad) / WAD;
    expect(notionalWad).to.equal(wad("17160.03"));
    const productWad2 = notionalWad * feeRateWad;
    expect(productWad2 % WAD, "the fee has a remainder to round").to.not.equal(0n);
    const feeWad = productWad2 / WAD + 1n;

    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, priceWad);
    const tx = await liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, priceWad)]);

    await expect(tx)
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, BTC_USD, LONG_SIZE, notionalWad, feeWad);
    // alice: realized 17,160.03 − 18,000 = −839.97, minus the fee.
    const deltas = settledDeltas(f, await receiptOf(tx));
    expect(deltas.get(f.alice.address)).to.equal(-wad("839.97") - feeWad);
  });
});
