/**
 * The pre-trade margin check (422 INSUFFICIENT_MARGIN) assumes the worst case: the new order and every resting order
 * of the account on the same side of the market fill at their limits, on top of its fills the chain has not settled.
 *
 * Numbers (BTC-USD at 60,000, 100,000 USD of collateral, taker fee 0.045%): 50 BTC is 3M USD of notional, whose
 * initial margin is 2% = 60,000 USD (tier up to 5M notional): it fits. 100 BTC is 6M USD, in the 5% tier: 300,000 USD
 * of initial margin, far above the equity of about 97,300 USD. So a 50 BTC bid fits alone and is refused after a
 * resting (or filled but unsettled) 50 BTC bid of the same account.
 */
import { expect } from "chai";
import { signCancelRequest } from "../../../keepers/sdk/cancels";
import { wad } from "../../fixtures/keel";
import { expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: INSUFFICIENT_MARGIN", function () {
  const ctx = useExchange(3);

  it("refuses a 50 BTC bid after a resting 50 BTC bid took the margin, and accepts it once that bid is cancelled", async function () {
    const [trader] = ctx.traders;
    const first = await place(ctx.ex, trader, await orderFor(trader, "buy", { size: wad("50"), price: wad("59990") }));
    expect(first.order.status).to.equal("open");

    const second = await orderFor(trader, "buy", { size: wad("50"), price: wad("59980") });
    const error = await expectRejected(
      place(ctx.ex, trader, second),
      422,
      "INSUFFICIENT_MARGIN",
      "size 50",
      "resting buys in BTC-USD (1)",
      "initial margin",
    );
    expect(BigInt(error.details?.initialMarginWad as string)).to.be.greaterThan(wad("290000"));

    // Cancelling the first bid (a signed cancel) frees its margin: the second bid fits alone.
    const account = await trader.getAddress();
    const cancel = { account, orderHash: first.order.hash };
    await ctx.ex.client.cancelOrder(cancel, await signCancelRequest(trader, ctx.ex.domain, "CancelOrder", cancel));
    expect((await place(ctx.ex, trader, second)).order.status).to.equal("open");
  });

  it("refuses a 50 BTC bid after an unsettled 50 BTC buy, which a flat account may place", async function () {
    const [buyer, seller, flat] = ctx.traders;
    await place(ctx.ex, seller, await orderFor(seller, "sell", { size: wad("50"), price: wad("60000") }));
    const fill = await place(ctx.ex, buyer, await orderFor(buyer, "buy", { size: wad("50"), price: wad("60000") }));
    expect(fill.fills[0]).to.deep.include({ sizeWad: wad("50"), settlement: "pending" });
    const view = await ctx.ex.client.account(await buyer.getAddress());
    expect(view.positions[0]).to.deep.include({ sizeWad: wad("50"), unsettledSizeWad: wad("50") });

    const bid = { size: wad("50"), price: wad("59900") };
    await expectRejected(
      place(ctx.ex, buyer, await orderFor(buyer, "buy", bid)),
      422,
      "INSUFFICIENT_MARGIN",
      "unsettled fills included",
    );
    expect((await place(ctx.ex, flat, await orderFor(flat, "buy", bid))).order.status).to.equal("open");
  });
});
