/** Intake refuses an order for a market id that was never listed with 404 UNKNOWN_MARKET, naming the id. */
import { expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: UNKNOWN_MARKET", function () {
  const ctx = useExchange(1);

  it("refuses market 99 and points at the market list", async function () {
    const [trader] = ctx.traders;
    const order = await orderFor(trader, "buy", { marketId: 99 });
    await expectRejected(place(ctx.ex, trader, order), 404, "UNKNOWN_MARKET", "Market 99", "/v1/markets");
  });
});
