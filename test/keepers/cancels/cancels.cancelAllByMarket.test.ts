/**
 * A signed `CancelAll` with a market id cancels the account's orders in that market only; with market id 0 it cancels
 * them in every market. Other accounts' orders stay.
 */
import { expect } from "chai";
import { BTC_USD, SENATE22_R, wad } from "../../fixtures/keel";
import { useExchange } from "../intake/helpers";
import { deadlineIn, restingBids, signRequest, statuses } from "./helpers";

describe("cancels: CancelAll in one market or in all", function () {
  const ctx = useExchange(2);

  it("cancels the event-market orders first, then everything left with marketId 0", async function () {
    const [trader, other] = ctx.traders;
    const event = { marketId: SENATE22_R, size: wad("10"), price: wad("0.35") };
    const btc = await restingBids(ctx.ex, trader, { price: wad("59000") }, { price: wad("58000") });
    const events = await restingBids(ctx.ex, trader, event, { ...event, price: wad("0.34") });
    const [others] = await restingBids(ctx.ex, other, { price: wad("57000") });
    const account = await trader.getAddress();

    const oneMarket = { account, marketId: SENATE22_R, deadline: await deadlineIn(60) };
    const cancelledFirst = await ctx.ex.client.cancelAll(
      oneMarket,
      await signRequest(ctx.ex, trader, "CancelAll", oneMarket),
    );
    expect(cancelledFirst.map((o) => o.hash).sort()).to.deep.equal(events.map((o) => o.hash).sort());
    expect((await statuses(ctx.ex, btc)).map((s) => s.status)).to.deep.equal(["open", "open"]);

    const everything = { account, marketId: 0, deadline: await deadlineIn(60) };
    const cancelledThen = await ctx.ex.client.cancelAll(
      everything,
      await signRequest(ctx.ex, trader, "CancelAll", everything),
    );
    expect(cancelledThen.map((o) => o.hash).sort()).to.deep.equal(btc.map((o) => o.hash).sort());
    expect(await statuses(ctx.ex, [...btc, ...events])).to.deep.equal(
      Array(4).fill({ status: "cancelled", reason: "cancel-all" }),
    );
    expect(await ctx.ex.client.order(others.hash)).to.deep.include({ status: "open" });
    expect((await ctx.ex.client.book(BTC_USD)).bids.map((level) => level.priceWad)).to.deep.equal([wad("57000")]);
    expect((await ctx.ex.client.book(SENATE22_R)).bids).to.have.length(0);
  });
});
