/**
 * After the account raises its nonce floor on chain (`cancelUpTo`), intake refuses lower nonces with 409
 * NONCE_BELOW_FLOOR naming the nonce and the floor, and accepts the floor itself.
 */
import { expect } from "chai";
import { caughtUp, expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: NONCE_BELOW_FLOOR", function () {
  const ctx = useExchange(1);

  it("refuses nonce 5,000,049 after cancelUpTo(5,000,050) and accepts 5,000,050", async function () {
    const [trader] = ctx.traders;
    const account = await trader.getAddress();
    await ctx.ex.f.pm.connect(trader).cancelUpTo(account, 5_000_050n);
    await caughtUp(ctx.ex);
    const below = await orderFor(trader, "buy", { nonce: 5_000_049n });
    await expectRejected(place(ctx.ex, trader, below), 409, "NONCE_BELOW_FLOOR", "Nonce 5000049", "floor 5000050");
    const atFloor = await orderFor(trader, "buy", { nonce: 5_000_050n });
    expect((await place(ctx.ex, trader, atFloor)).order.status).to.equal("open");
  });
});
