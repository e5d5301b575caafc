/**
 * Intake refuses flag bytes the chain would refuse (`OrderLib.flagsValid`) with 400 INVALID_FLAGS, naming the flags and
 * the rule they break; bytes beyond the six defined bits never pass the gateway's schema.
 */
import { OrderFlag } from "../../../keepers/sdk/orders";
import { expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: INVALID_FLAGS", function () {
  const ctx = useExchange(1);

  it("refuses post-only with immediate-or-cancel", async function () {
    const flags = OrderFlag.PostOnly | OrderFlag.ImmediateOrCancel;
    const order = await orderFor(ctx.traders[0], "buy", { flags });
    await expectRejected(
      place(ctx.ex, ctx.traders[0], order),
      400,
      "INVALID_FLAGS",
      "Flags 13",
      "post-only excludes immediate-or-cancel",
    );
  });

  it("refuses stop with take-profit", async function () {
    const order = await orderFor(ctx.traders[0], "sell", {
      flags: OrderFlag.Stop | OrderFlag.TakeProfit,
      triggerPrice: 59_000n * 10n ** 18n,
    });
    await expectRejected(
      place(ctx.ex, ctx.traders[0], order),
      400,
      "INVALID_FLAGS",
      "Flags 48",
      "stop excludes take-profit",
    );
  });

  it("refuses a reserved bit at the gateway with 400 INVALID_REQUEST naming the field", async function () {
    const order = await orderFor(ctx.traders[0], "buy", { flags: 0x40 });
    await expectRejected(place(ctx.ex, ctx.traders[0], order), 400, "INVALID_REQUEST", "order.flags");
  });
});
