/**
 * Intake refuses a limit price off the market's tick or outside its price bounds with 400 INVALID_PRICE, naming the
 * price and the tick or the bounds (BTC-USD: tick 0.1 in [1,000, 10,000,000]; SENATE22-R: tick 0.001 in
 * [0.001, 0.999]).
 */
import { SENATE22_R, wad } from "../../fixtures/keel";
import { expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: INVALID_PRICE", function () {
  const ctx = useExchange(1);

  it("refuses a BTC price off the 0.1 tick", async function () {
    const [trader] = ctx.traders;
    const order = await orderFor(trader, "buy", { price: wad("60000.05") });
    await expectRejected(place(ctx.ex, trader, order), 400, "INVALID_PRICE", "Price 60000.05", "tick size 0.1");
  });

  it("refuses a BTC price below the market's minimum", async function () {
    const [trader] = ctx.traders;
    const order = await orderFor(trader, "buy", { price: wad("999.9") });
    await expectRejected(place(ctx.ex, trader, order), 400, "INVALID_PRICE", "Price 999.9", "[1000, 10000000]");
  });

  it("refuses an event price off the 0.001 tick and one above 0.999", async function () {
    const [trader] = ctx.traders;
    const base = { marketId: SENATE22_R, size: wad("10") };
    await expectRejected(
      place(ctx.ex, trader, await orderFor(trader, "buy", { ...base, price: wad("0.4005") })),
      400,
      "INVALID_PRICE",
      "Price 0.4005",
      "tick size 0.001",
      "SENATE22-R",
    );
    await expectRejected(
      place(ctx.ex, trader, await orderFor(trader, "sell", { ...base, price: wad("1") })),
      400,
      "INVALID_PRICE",
      "Price 1 ",
      "[0.001, 0.999]",
    );
  });
});
