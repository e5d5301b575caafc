/**
 * Intake refuses an order whose expiry (unix s) is before the chain time with 422 ORDER_EXPIRED, naming the expiry;
 * an order expiring later rests.
 */
import { expect } from "chai";
import { chainNow, expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: ORDER_EXPIRED", function () {
  const ctx = useExchange(1);

  it("refuses an order that expired 30 s ago and accepts one expiring in 60 s", async function () {
    const [trader] = ctx.traders;
    const now = await chainNow();
    const expired = await orderFor(trader, "buy", { expiry: now - 30n });
    await expectRejected(
      place(ctx.ex, trader, expired),
      422,
      "ORDER_EXPIRED",
      `expired at ${now - 30n}`,
      "later expiry",
    );
    const fresh = await orderFor(trader, "buy", { expiry: now + 60n });
    expect((await place(ctx.ex, trader, fresh)).order.status).to.equal("open");
  });
});
