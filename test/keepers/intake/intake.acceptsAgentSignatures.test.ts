/**
 * An agent (API wallet) the account approved on chain may sign its orders until the approval is revoked or expires;
 * after that intake refuses them with 401 INVALID_SIGNATURE, naming the agent.
 */
import { expect } from "chai";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { traders } from "../e2e/helpers";
import { caughtUp, chainNow, expectRejected, orderFor, useExchange, waitFor } from "./helpers";

describe("intake: orders signed by an agent", function () {
  const ctx = useExchange(1);

  async function approvedAgent(expiresInSec: bigint) {
    const [trader] = ctx.traders;
    const [agent] = await traders(1, 14);
    const agentAddress = await agent.getAddress();
    await ctx.ex.f.pm.connect(trader).approveAgent(agentAddress, (await chainNow()) + expiresInSec);
    const account = await trader.getAddress();
    await waitFor(
      () => ctx.ex.matcher.indexer.accountOf(account).agents.has(agentAddress),
      "the indexer to see the approval",
    );
    return { trader, agent, agentAddress };
  }

  it("accepts an order signed by an approved agent and refuses it after revokeAgent", async function () {
    const { trader, agent, agentAddress } = await approvedAgent(3600n);
    const placed = await ctx.ex.client.placeOrder(await ctx.ex.sign(agent, await orderFor(trader, "buy")));
    expect(placed.order.status).to.equal("open");

    await ctx.ex.f.pm.connect(trader).revokeAgent(agentAddress);
    await caughtUp(ctx.ex);
    await expectRejected(
      ctx.ex.client.placeOrder(await ctx.ex.sign(agent, await orderFor(trader, "buy"))),
      401,
      "INVALID_SIGNATURE",
      agentAddress,
      "neither",
    );
  });

  it("refuses an order signed by an agent whose approval expired", async function () {
    const { trader, agent, agentAddress } = await approvedAgent(100n);
    const before = await ctx.ex.client.placeOrder(await ctx.ex.sign(agent, await orderFor(trader, "sell")));
    expect(before.order.status).to.equal("open");

    await time.increase(200);
    await mine();
    await caughtUp(ctx.ex);
    await expectRejected(
      ctx.ex.client.placeOrder(await ctx.ex.sign(agent, await orderFor(trader, "sell"))),
      401,
      "INVALID_SIGNATURE",
      agentAddress,
      "approval expired",
    );
  });
});
