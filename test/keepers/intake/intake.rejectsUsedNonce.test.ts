/**
 * Nonces are unique per account: intake refuses with 409 NONCE_USED a nonce the matcher already holds (the same order
 * again, or another order with its nonce) and a nonce the chain marked used (here by an on-chain `cancelOrder`),
 * naming the nonce and where it was used.
 */
import { expect } from "chai";
import { wad } from "../../fixtures/keel";
import { expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: NONCE_USED", function () {
  const ctx = useExchange(1);

  it("refuses the same order twice and another order with its nonce", async function () {
    const [trader] = ctx.traders;
    const first = await orderFor(trader, "buy", { nonce: 7_000_001n });
    expect((await place(ctx.ex, trader, first)).order.status).to.equal("open");
    await expectRejected(place(ctx.ex, trader, first), 409, "NONCE_USED", "Nonce 7000001", "the matcher holds");
    const other = { ...first, price: wad("59000") };
    await expectRejected(place(ctx.ex, trader, other), 409, "NONCE_USED", "Nonce 7000001");
    expect((await ctx.ex.client.book(first.marketId)).bids).to.have.length(1);
  });

  it("refuses a nonce used on chain by cancelOrder, for that order and any other", async function () {
    const [trader] = ctx.traders;
    const cancelled = await orderFor(trader, "buy", { nonce: 7_000_002n });
    await ctx.ex.f.pm.connect(trader).cancelOrder(cancelled);
    await expectRejected(place(ctx.ex, trader, cancelled), 409, "NONCE_USED", "Nonce 7000002", "on chain");
    const other = { ...cancelled, size: wad("0.2") };
    await expectRejected(place(ctx.ex, trader, other), 409, "NONCE_USED", "on chain");
  });
});
