/**
 * Intake refuses a reduce-only order that would open or grow a position with 422 REDUCE_ONLY_WOULD_INCREASE, naming
 * the position it saw, which includes fills the chain has not settled yet; a reduce-only order against that position
 * is accepted.
 */
import { expect } from "chai";
import { OrderFlag } from "../../../keepers/sdk/orders";
import { wad } from "../../fixtures/keel";
import { expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: REDUCE_ONLY_WOULD_INCREASE", function () {
  const ctx = useExchange(2);

  it("refuses a reduce-only sell with no position", async function () {
    const [trader] = ctx.traders;
    const order = await orderFor(trader, "sell", { flags: OrderFlag.ReduceOnly });
    await expectRejected(
      place(ctx.ex, trader, order),
      422,
      "REDUCE_ONLY_WOULD_INCREASE",
      "Reduce-only sell with a position of 0 in BTC-USD",
      "open a position first",
    );
  });

  it("counts an unsettled long: refuses a reduce-only buy, accepts a reduce-only sell", async function () {
    const [buyer, seller] = ctx.traders;
    await place(ctx.ex, seller, await orderFor(seller, "sell", { size: wad("0.3") }));
    const filled = await place(ctx.ex, buyer, await orderFor(buyer, "buy", { size: wad("0.3") }));
    expect(filled.fills).to.have.length(1);
    expect(filled.fills[0].settlement).to.equal("pending");

    await expectRejected(
      place(ctx.ex, buyer, await orderFor(buyer, "buy", { flags: OrderFlag.ReduceOnly, price: wad("59000") })),
      422,
      "REDUCE_ONLY_WOULD_INCREASE",
      "Reduce-only buy with a position of 0.3",
      "sell instead",
    );
    const reduce = await orderFor(buyer, "sell", { flags: OrderFlag.ReduceOnly, price: wad("61000") });
    expect((await place(ctx.ex, buyer, reduce)).order.status).to.equal("open");
  });
});
