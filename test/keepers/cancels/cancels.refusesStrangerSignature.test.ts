/**
 * A cancel request signed by anyone but the account or its agents is refused with 401 INVALID_SIGNATURE and nothing
 * is cancelled; a stranger naming itself as the account cannot reach another account's order (404 ORDER_NOT_FOUND).
 */
import { expect } from "chai";
import { BTC_USD } from "../../fixtures/keel";
import { traders } from "../e2e/helpers";
import { expectRejected, useExchange } from "../intake/helpers";
import { deadlineIn, restingBids, signRequest } from "./helpers";

describe("cancels: a stranger's signature", function () {
  const ctx = useExchange(1);

  it("refuses CancelOrder and CancelAll signed by a stranger; the order keeps resting", async function () {
    const [trader] = ctx.traders;
    const [stranger] = await traders(1, 13);
    const strangerAddress = await stranger.getAddress();
    const [order] = await restingBids(ctx.ex, trader, {});
    const account = await trader.getAddress();

    const cancel = { account, orderHash: order.hash };
    await expectRejected(
      ctx.ex.client.cancelOrder(cancel, await signRequest(ctx.ex, stranger, "CancelOrder", cancel)),
      401,
      "INVALID_SIGNATURE",
      strangerAddress,
      account,
    );
    const all = { account, marketId: 0, deadline: await deadlineIn(60) };
    await expectRejected(
      ctx.ex.client.cancelAll(all, await signRequest(ctx.ex, stranger, "CancelAll", all)),
      401,
      "INVALID_SIGNATURE",
      strangerAddress,
    );

    const own = { account: strangerAddress, orderHash: order.hash };
    await expectRejected(
      ctx.ex.client.cancelOrder(own, await signRequest(ctx.ex, stranger, "CancelOrder", own)),
      404,
      "ORDER_NOT_FOUND",
      order.hash,
    );
    expect(await ctx.ex.client.order(order.hash)).to.deep.include({ status: "open" });
    expect((await ctx.ex.client.book(BTC_USD)).bids).to.have.length(1);
  });
});
