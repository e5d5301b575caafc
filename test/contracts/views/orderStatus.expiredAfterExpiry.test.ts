/**
 * orderStatus (IPositionManager) reports Expired for an order whose expiry is before the block time (DESIGN §4: expiry
 * is checked against block time) — an open order and a partly filled one alike, the latter still with what it
 * filled — and Open up to and including the expiry second.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { OrderState } from "../../../keepers/sdk/orders";
import { deployKeel, usdc, useSolvencyInvariant } from "../../fixtures/keel";
import { BTC_PRICE, defaultPrices, fundAll, settle, wad } from "../trading/helpers";
import { place } from "../trading/behaviourHelpers";

describe("PositionManager.orderStatus after the expiry", function () {
  useSolvencyInvariant();

  it("is Open through the expiry second and Expired after it, keeping a partial fill's amount", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob], usdc(10_000));
    await defaultPrices(f);
    const expiry = BigInt(await time.latest()) + 120n;
    const open = await place(f, f.alice, "buy", { size: wad("0.1"), expiry });
    const partial = await place(f, f.alice, "buy", { size: wad("0.2"), expiry });
    await settle(f, [
      {
        maker: await place(f, f.bob, "sell", { size: wad("0.1") }),
        taker: partial,
        size: wad("0.1"),
        price: BTC_PRICE,
      },
    ]);
    expect(await f.pm.orderStatus(open.order)).to.deep.equal([BigInt(OrderState.Open), 0n]);
    expect(await f.pm.orderStatus(partial.order)).to.deep.equal([BigInt(OrderState.PartiallyFilled), wad("0.1")]);

    await time.increaseTo(expiry);
    expect(await f.pm.orderStatus(open.order)).to.deep.equal([BigInt(OrderState.Open), 0n]);

    await time.increaseTo(expiry + 1n);
    expect(await f.pm.orderStatus(open.order)).to.deep.equal([BigInt(OrderState.Expired), 0n]);
    expect(await f.pm.orderStatus(partial.order)).to.deep.equal([BigInt(OrderState.Expired), wad("0.1")]);
  });
});
