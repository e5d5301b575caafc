/**
 * The dead-man switch: a signed `ScheduleCancel` arms a cancel-all at `cancelAt` (chain time). Once the chain's time
 * passes it, every order of the account in every market is cancelled (reason `dead-man-switch`), other accounts'
 * orders stay; `cancelAt` 0 disarms it.
 */
import { expect } from "chai";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { SENATE22_R, wad } from "../../fixtures/keel";
import { caughtUp, chainNow, useExchange, waitFor } from "../intake/helpers";
import { deadlineIn, restingBids, signRequest, statuses } from "./helpers";

describe("cancels: the dead-man switch", function () {
  const ctx = useExchange(2);

  it("cancels every order of the account once chain time passes cancelAt", async function () {
    const [trader, other] = ctx.traders;
    const mine_ = await restingBids(
      ctx.ex,
      trader,
      { price: wad("59000") },
      { marketId: SENATE22_R, size: wad("10"), price: wad("0.35") },
    );
    const [others] = await restingBids(ctx.ex, other, { price: wad("58000") });
    const account = await trader.getAddress();
    const cancelAt = (await chainNow()) + 30n;
    const request = { account, cancelAt, deadline: await deadlineIn(60) };
    const armed = await ctx.ex.client.scheduleCancel(
      request,
      await signRequest(ctx.ex, trader, "ScheduleCancel", request),
    );
    expect(armed).to.deep.equal({ account, cancelAt });
    expect(ctx.ex.matcher.engine.scheduledCancel(account)).to.equal(Number(cancelAt) * 1000);
    expect((await statuses(ctx.ex, mine_)).map((s) => s.status)).to.deep.equal(["open", "open"]);

    await time.increaseTo(cancelAt + 1n);
    await mine();
    await caughtUp(ctx.ex);
    await waitFor(
      async () => (await statuses(ctx.ex, mine_)).every((s) => s.status === "cancelled"),
      "the dead-man switch to cancel the account's orders",
    );
    expect(await statuses(ctx.ex, mine_)).to.deep.equal(
      Array(2).fill({ status: "cancelled", reason: "dead-man-switch" }),
    );
    expect(await ctx.ex.client.order(others.hash)).to.deep.include({ status: "open" });
    expect(ctx.ex.matcher.engine.scheduledCancel(account)).to.equal(undefined);
  });

  it("disarms the switch with cancelAt 0", async function () {
    const [trader] = ctx.traders;
    const account = await trader.getAddress();
    const arm = { account, cancelAt: (await chainNow()) + 30n, deadline: await deadlineIn(60) };
    await ctx.ex.client.scheduleCancel(arm, await signRequest(ctx.ex, trader, "ScheduleCancel", arm));
    expect(ctx.ex.matcher.engine.scheduledCancel(account)).to.equal(Number(arm.cancelAt) * 1000);
    const disarm = { account, cancelAt: 0n, deadline: await deadlineIn(61) };
    await ctx.ex.client.scheduleCancel(disarm, await signRequest(ctx.ex, trader, "ScheduleCancel", disarm));
    expect(ctx.ex.matcher.engine.scheduledCancel(account)).to.equal(undefined);
  });
});
