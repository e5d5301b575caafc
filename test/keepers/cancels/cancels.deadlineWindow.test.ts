/**
 * `CancelAll` and `ScheduleCancel` carry a deadline that must lie between the chain time and 120 s after it: a
 * deadline in the past or further ahead is refused with 400 REQUEST_EXPIRED naming the deadline and the window, and
 * nothing is cancelled or scheduled.
 */
import { expect } from "chai";
import { expectRejected, useExchange } from "../intake/helpers";
import { deadlineIn, MAX_REQUEST_TTL_SEC, restingBids, signRequest } from "./helpers";

describe("cancels: the deadline window", function () {
  const ctx = useExchange(1);

  it("refuses a cancel-all whose deadline passed and one dated too far ahead", async function () {
    const [trader] = ctx.traders;
    const [order] = await restingBids(ctx.ex, trader, {});
    const account = await trader.getAddress();
    for (const offsetSec of [-5, MAX_REQUEST_TTL_SEC + 600]) {
      const request = { account, marketId: 0, deadline: await deadlineIn(offsetSec) };
      await expectRejected(
        ctx.ex.client.cancelAll(request, await signRequest(ctx.ex, trader, "CancelAll", request)),
        400,
        "REQUEST_EXPIRED",
        `deadline ${request.deadline}`,
        `${MAX_REQUEST_TTL_SEC} s`,
      );
    }
    expect(await ctx.ex.client.order(order.hash)).to.deep.include({ status: "open" });
  });

  it("refuses a schedule-cancel dated too far ahead and arms nothing", async function () {
    const [trader] = ctx.traders;
    const account = await trader.getAddress();
    const request = { account, cancelAt: await deadlineIn(30), deadline: await deadlineIn(MAX_REQUEST_TTL_SEC + 600) };
    await expectRejected(
      ctx.ex.client.scheduleCancel(request, await signRequest(ctx.ex, trader, "ScheduleCancel", request)),
      400,
      "REQUEST_EXPIRED",
    );
    expect(ctx.ex.matcher.engine.scheduledCancel(account)).to.equal(undefined);
  });
});
