/**
 * Cancels made on chain without the matcher reach its book through the indexer: `cancelOrder` (an `OrderCancelled`
 * event, re-emitted as `orderCancelled`) takes that order off the book, and `cancelUpTo` (`nonceFloorRaised`) takes
 * every order below the new floor off it.
 */
import { expect } from "chai";
import { BTC_USD, wad } from "../../fixtures/keel";
import { orderFor, place, useExchange, waitFor } from "../intake/helpers";

describe("indexer: on-chain cancels leave the matcher's book", function () {
  const ctx = useExchange(1);

  it("cancelOrder on chain removes the order from the book (orderCancelled)", async function () {
    const [trader] = ctx.traders;
    const seen: string[] = [];
    ctx.ex.matcher.indexer.on("orderCancelled", ({ orderHash }) => seen.push(orderHash));
    const order = await orderFor(trader, "buy", { price: wad("59000") });
    const kept = await place(ctx.ex, trader, await orderFor(trader, "buy", { price: wad("58000") }));
    const placed = await place(ctx.ex, trader, order);
    expect((await ctx.ex.client.book(BTC_USD)).bids).to.have.length(2);

    await ctx.ex.f.pm.connect(trader).cancelOrder(order);
    await waitFor(async () => (await ctx.ex.client.order(placed.order.hash))?.status === "cancelled", "the cancel");
    expect(seen).to.deep.equal([placed.order.hash]);
    expect(await ctx.ex.client.order(placed.order.hash)).to.deep.include({ reason: "cancelled-on-chain" });
    expect((await ctx.ex.client.book(BTC_USD)).bids.map((level) => level.priceWad)).to.deep.equal([wad("58000")]);
    expect(await ctx.ex.client.order(kept.order.hash)).to.deep.include({ status: "open" });
  });

  it("cancelUpTo on chain removes every order below the new floor (nonceFloorRaised)", async function () {
    const [trader] = ctx.traders;
    const low = await place(ctx.ex, trader, await orderFor(trader, "buy", { nonce: 9_000_001n, price: wad("59000") }));
    const high = await place(ctx.ex, trader, await orderFor(trader, "buy", { nonce: 9_000_010n, price: wad("58000") }));

    await ctx.ex.f.pm.connect(trader).cancelUpTo(await trader.getAddress(), 9_000_005n);
    await waitFor(async () => (await ctx.ex.client.order(low.order.hash))?.status === "cancelled", "the floor");
    expect(await ctx.ex.client.order(low.order.hash)).to.deep.include({ reason: "below-nonce-floor" });
    expect(await ctx.ex.client.order(high.order.hash)).to.deep.include({ status: "open" });
  });
});
