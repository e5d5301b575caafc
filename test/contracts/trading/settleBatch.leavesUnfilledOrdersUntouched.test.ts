/**
 * An order sent in a batch that no fill names is not part of the settlement (DESIGN §5): its nonce stays unused and
 * nothing is recorded for it, so the matcher may fill it in a later batch exactly as if it had never been sent.
 */
import { expect } from "chai";
import { deployKeel, usdc, useSolvencyInvariant } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, buildBatch, defaultPrices, fundAll, settle, wad } from "./helpers";
import { place } from "./behaviourHelpers";
import { OrderState } from "../../../keepers/sdk/orders";

describe("PositionManager.settleBatch with an order no fill names", function () {
  useSolvencyInvariant();

  it("settles the named fills, leaves the extra order open, and fills it in a later batch", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob, f.carol], usdc(10_000));
    await defaultPrices(f);
    const ask = await place(f, f.bob, "sell", { size: wad("0.1") });
    const bid = await place(f, f.alice, "buy", { size: wad("0.1") });
    const unnamed = await place(f, f.carol, "buy", { size: wad("0.1") });

    const { batchId, orders, signatures, fills } = (
      await buildBatch(f, [{ maker: ask, taker: bid, size: wad("0.1"), price: BTC_PRICE }])
    ).args();
    await f.pm
      .connect(f.deployer)
      .settleBatch(batchId, [...orders, unnamed.order], [...signatures, unnamed.signature], fills);

    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.1"));
    expect(await f.pm.isNonceUsed(f.alice.address, bid.order.nonce), "a fully filled order dies").to.equal(true);
    expect(await f.pm.isNonceUsed(f.carol.address, unnamed.order.nonce)).to.equal(false);
    expect((await f.pm.orderStatus(unnamed.order)).state).to.equal(BigInt(OrderState.Open));
    expect((await f.pm.position(f.carol.address, BTC_USD)).sizeWad).to.equal(0n);

    const laterAsk = await place(f, f.bob, "sell", { size: wad("0.1") });
    await settle(f, [{ maker: laterAsk, taker: unnamed, size: wad("0.1"), price: BTC_PRICE }]);
    expect((await f.pm.position(f.carol.address, BTC_USD)).sizeWad).to.equal(wad("0.1"));
    expect(await f.pm.isNonceUsed(f.carol.address, unnamed.order.nonce)).to.equal(true);
  });
});
