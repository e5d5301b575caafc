/**
 * A signed `CancelOrder` over HTTP takes the order off the book whether the account or an agent it approved on chain
 * signed it; cancelling an order already cancelled answers its final state again (idempotent).
 */
import { expect } from "chai";
import { caughtUp, chainNow, useExchange } from "../intake/helpers";
import { traders } from "../e2e/helpers";
import { restingBids, signRequest } from "./helpers";
import { BTC_USD } from "../../fixtures/keel";

describe("cancels: CancelOrder signed by the account or its agent", function () {
  const ctx = useExchange(1);

  it("cancels an order with the account's signature, and again idempotently", async function () {
    const [trader] = ctx.traders;
    const [order] = await restingBids(ctx.ex, trader, {});
    const request = { account: await trader.getAddress(), orderHash: order.hash };
    const signature = await signRequest(ctx.ex, trader, "CancelOrder", request);
    const cancelled = await ctx.ex.client.cancelOrder(request, signature);
    expect(cancelled).to.deep.include({ hash: order.hash, status: "cancelled", reason: "cancelled-by-user" });
    expect((await ctx.ex.client.book(BTC_USD)).bids).to.have.length(0);
    expect(await ctx.ex.client.cancelOrder(request, signature)).to.deep.include({ status: "cancelled" });
  });

  it("cancels an order with the signature of an agent the account approved", async function () {
    const [trader] = ctx.traders;
    const [agent] = await traders(1, 14);
    await ctx.ex.f.pm.connect(trader).approveAgent(await agent.getAddress(), (await chainNow()) + 3600n);
    await caughtUp(ctx.ex);
    const [order] = await restingBids(ctx.ex, trader, {});
    const request = { account: await trader.getAddress(), orderHash: order.hash };
    const cancelled = await ctx.ex.client.cancelOrder(
      request,
      await signRequest(ctx.ex, agent, "CancelOrder", request),
    );
    expect(cancelled).to.deep.include({ hash: order.hash, status: "cancelled" });
    expect((await ctx.ex.client.book(BTC_USD)).bids).to.have.length(0);
  });
});
