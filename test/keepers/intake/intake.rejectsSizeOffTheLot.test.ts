/**
 * Intake refuses a size that is not a positive multiple of the market's lot size with 400 INVALID_SIZE, naming the
 * size, the lot size and the market (BTC-USD lot 0.0001, SENATE22-R lot 0.01).
 */
import { expect } from "chai";
import { BTC_USD, SENATE22_R, wad } from "../../fixtures/keel";
import { expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: INVALID_SIZE", function () {
  const ctx = useExchange(1);

  it("refuses 0.00015 BTC (lot 0.0001) and accepts 0.0002", async function () {
    const [trader] = ctx.traders;
    const off = await orderFor(trader, "buy", { marketId: BTC_USD, size: wad("0.00015") });
    await expectRejected(place(ctx.ex, trader, off), 400, "INVALID_SIZE", "Size 0.00015", "lot size 0.0001", "BTC-USD");
    const on = await place(ctx.ex, trader, await orderFor(trader, "buy", { size: wad("0.0002") }));
    expect(on.order.status).to.equal("open");
  });

  it("refuses a zero size and 0.015 of the event market (lot 0.01)", async function () {
    const [trader] = ctx.traders;
    await expectRejected(
      place(ctx.ex, trader, await orderFor(trader, "buy", { size: 0n })),
      400,
      "INVALID_SIZE",
      "Size 0 ",
    );
    const event = await orderFor(trader, "buy", { marketId: SENATE22_R, size: wad("0.015"), price: wad("0.4") });
    await expectRejected(
      place(ctx.ex, trader, event),
      400,
      "INVALID_SIZE",
      "Size 0.015",
      "lot size 0.01",
      "SENATE22-R",
    );
  });
});
