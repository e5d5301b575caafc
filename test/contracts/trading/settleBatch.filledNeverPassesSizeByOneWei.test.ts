/**
 * `filled ≤ size` (DESIGN §13.5) holds to the wei. An order's size need not be a whole number of lots, so a fill of
 * whole lots can pass it by less than a lot: by 1 wei here. The check must refuse that and still fill an order
 * exactly to its size.
 */
import { expect } from "chai";
import { OrderState } from "../../../keepers/sdk/orders";
import { deployKeel, useSolvencyInvariant } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, order, settle, signed, wad } from "./helpers";
import { expectLedgerUnchanged, fundedWithPrices, ledgerSnapshot } from "./revertHelpers";

/** A whole number of BTC-USD lots (lot 0.0001). */
const SIZE = wad("0.1");

describe("settleBatch keeps filled ≤ size to the wei", function () {
  useSolvencyInvariant();

  it("refuses FillExceedsOrder for a fill 1 wei past the maker's size, and nothing moves", async function () {
    const f = await deployKeel();
    await fundedWithPrices(f);
    const makerSize = SIZE - 1n;
    const maker = await signed(f, f.bob, order(f.bob, "sell", { size: makerSize }));
    const taker = await signed(f, f.alice, order(f.alice, "buy"));
    const before = await ledgerSnapshot(f, [f.alice, f.bob]);

    await expect(settle(f, [{ maker, taker, size: SIZE, price: BTC_PRICE }]))
      .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
      .withArgs(0, 0, SIZE, makerSize);

    await expectLedgerUnchanged(f, before, [f.alice, f.bob]);
    expect((await f.pm.orderStatus(maker.order)).state).to.equal(OrderState.Open);
  });

  it("refuses a taker filled 1 wei past its size", async function () {
    const f = await deployKeel();
    await fundedWithPrices(f);
    const takerSize = SIZE - 1n;
    const maker = await signed(f, f.bob, order(f.bob, "sell"));
    const taker = await signed(f, f.alice, order(f.alice, "buy", { size: takerSize }));

    await expect(settle(f, [{ maker, taker, size: SIZE, price: BTC_PRICE }]))
      .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
      .withArgs(0, 1, SIZE, takerSize);
  });

  it("fills both orders exactly to their size, and both are then dead", async function () {
    const f = await deployKeel();
    await fundedWithPrices(f);
    const maker = await signed(f, f.bob, order(f.bob, "sell"));
    const taker = await signed(f, f.alice, order(f.alice, "buy"));

    await settle(f, [{ maker, taker, size: SIZE, price: BTC_PRICE }]);

    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(SIZE);
    expect((await f.pm.orderStatus(maker.order)).state).to.equal(OrderState.Dead);
    expect((await f.pm.orderStatus(taker.order)).state).to.equal(OrderState.Dead);
  });
});
