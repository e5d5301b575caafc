/**
 * A signed `CancelAll` is accepted once: the same request and signature sent again is refused with 409
 * REQUEST_REPLAYED (it could otherwise cancel orders placed after it); a new request with another deadline works.
 */
import { expect } from "chai";
import { expectRejected, useExchange } from "../intake/helpers";
import { deadlineIn, restingBids, signRequest } from "./helpers";

describe("cancels: a replayed CancelAll", function () {
  const ctx = useExchange(1);

  it("refuses the second use of a signed cancel-all and leaves the newer order resting", async function () {
    const [trader] = ctx.traders;
    await restingBids(ctx.ex, trader, {});
    const request = { account: await trader.getAddress(), marketId: 0, deadline: await deadlineIn(60) };
    const signature = await signRequest(ctx.ex, trader, "CancelAll", request);
    expect(await ctx.ex.client.cancelAll(request, signature)).to.have.length(1);

    const [newer] = await restingBids(ctx.ex, trader, {});
    await expectRejected(ctx.ex.client.cancelAll(request, signature), 409, "REQUEST_REPLAYED", "already used");
    expect(await ctx.ex.client.order(newer.hash)).to.deep.include({ status: "open" });

    const fresh = { ...request, deadline: request.deadline + 1n };
    const cancelled = await ctx.ex.client.cancelAll(fresh, await signRequest(ctx.ex, trader, "CancelAll", fresh));
    expect(cancelled.map((o) => o.hash)).to.deep.equal([newer.hash]);
  });
});
