/**
 * A reduce-only fill never flips a position (DESIGN §4, §13.7), even to a smaller one on the other side: a long of
 * 0.1 selling 0.15 reduce-only would end short 0.05 — smaller in size, but new risk on the other side. The same rule
 * holds for every fill while the protocol is paused.
 */
import { expect } from "chai";
import { deployKeel, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import type { SignedOrder } from "../../../keepers/sdk/batch";
import { BTC_PRICE, BTC_USD, OrderFlag, order, settle, signed, trade, wad } from "./helpers";
import { expectLedgerUnchanged, fundedWithPrices, ledgerSnapshot } from "./revertHelpers";

const LONG = wad("0.1");
const SELL = wad("0.15");

/** Alice long 0.1 against bob, carol short 0.2 against bob; carol rests a 0.15 bid (which only reduces her short). */
async function aliceLongAndCarolBid(f: KeelFixture): Promise<SignedOrder> {
  await fundedWithPrices(f);
  await trade(f, f.bob, f.alice, "buy", LONG, BTC_PRICE);
  await trade(f, f.carol, f.bob, "buy", wad("0.2"), BTC_PRICE);
  return signed(f, f.carol, order(f.carol, "buy", { size: SELL }));
}

describe("settleBatch never lets a reduce-only fill flip a position to a smaller one", function () {
  useSolvencyInvariant();

  it("refuses FillIncreasesPosition for a reduce-only sell of 0.15 against a long of 0.1", async function () {
    const f = await deployKeel();
    const bid = await aliceLongAndCarolBid(f);
    const flip = await signed(f, f.alice, order(f.alice, "sell", { size: SELL, flags: OrderFlag.ReduceOnly }));
    const before = await ledgerSnapshot(f, [f.alice, f.carol]);

    await expect(settle(f, [{ maker: bid, taker: flip, size: SELL, price: BTC_PRICE }]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 1, LONG, LONG - SELL);

    await expectLedgerUnchanged(f, before, [f.alice, f.carol]);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(LONG);
  });

  it("refuses the same plain sell while paused", async function () {
    const f = await deployKeel();
    const bid = await aliceLongAndCarolBid(f);
    const flip = await signed(f, f.alice, order(f.alice, "sell", { size: SELL }));
    await f.pm.connect(f.deployer).pause();

    await expect(settle(f, [{ maker: bid, taker: flip, size: SELL, price: BTC_PRICE }]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 1, LONG, LONG - SELL);
  });
});
