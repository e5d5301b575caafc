/**
 * Intake refuses a stop or take-profit without a usable trigger price (zero, or off the tick) with 400
 * INVALID_TRIGGER, naming the trigger price and the tick; a stop with a good trigger waits untriggered.
 */
import { expect } from "chai";
import { OrderFlag } from "../../../keepers/sdk/orders";
import { wad } from "../../fixtures/keel";
import { expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: INVALID_TRIGGER", function () {
  const ctx = useExchange(1);

  it("refuses a stop whose trigger price is 0", async function () {
    const [trader] = ctx.traders;
    const order = await orderFor(trader, "sell", { flags: OrderFlag.Stop, price: wad("58000") });
    await expectRejected(place(ctx.ex, trader, order), 400, "INVALID_TRIGGER", "Trigger price 0", "stop", "0.1");
  });

  it("refuses a take-profit whose trigger is off the tick and accepts a stop with a good trigger", async function () {
    const [trader] = ctx.traders;
    const offTick = await orderFor(trader, "sell", { flags: OrderFlag.TakeProfit, triggerPrice: wad("61000.05") });
    await expectRejected(
      place(ctx.ex, trader, offTick),
      400,
      "INVALID_TRIGGER",
      "Trigger price 61000.05",
      "take-profit",
    );
    const stop = await orderFor(trader, "sell", {
      flags: OrderFlag.Stop,
      triggerPrice: wad("59000"),
      price: wad("58900"),
    });
    expect((await place(ctx.ex, trader, stop)).order.status).to.equal("untriggered");
  });
});
