/**
 * Intake refuses with 422 MARKET_NOT_TRADING an order for a market that does not trade (Draft), and any order but a
 * reduce-only one where the chain only settles reducing fills: a Resolving market, a market the insurance fund's
 * circuit breaker put reduce-only, and every market while the protocol is paused. The message names the market and
 * its state.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { eventMarket, MarketKind } from "../../../deploy/params";
import { MarketStatus } from "../../../keepers/sdk/markets";
import { OrderFlag } from "../../../keepers/sdk/orders";
import { BTC_USD, SENATE22_R, wad } from "../../fixtures/keel";
import { expectRejected, orderFor, place, useExchange, waitFor } from "./helpers";

describe("intake: MARKET_NOT_TRADING", function () {
  const ctx = useExchange(2);

  it("refuses an order for a Draft market listed after the matcher started", async function () {
    const [trader] = ctx.traders;
    const { f, matcher } = ctx.ex;
    await f.registry.connect(f.deployer).listMarket("DRAFT-1", MarketKind.Bounded, eventMarket());
    const draftId = Number(await f.registry.marketCount());
    await waitFor(() => matcher.indexer.markets.get(draftId) !== undefined, "the indexer to see the listing");
    const order = await orderFor(trader, "buy", { marketId: draftId, size: wad("10"), price: wad("0.5") });
    await expectRejected(place(ctx.ex, trader, order), 422, "MARKET_NOT_TRADING", "DRAFT-1 is Draft", "does not trade");
  });

  it("in a Resolving market refuses a buy that grows a long and accepts a reduce-only sell", async function () {
    const [long, short] = ctx.traders;
    const { f, matcher } = ctx.ex;
    const at = { marketId: SENATE22_R, size: wad("100"), price: wad("0.4") };
    await place(ctx.ex, short, await orderFor(short, "sell", at));
    await place(ctx.ex, long, await orderFor(long, "buy", at));
    await ctx.ex.settle();
    expect((await f.pm.position(await long.getAddress(), SENATE22_R)).sizeWad).to.equal(wad("100"));

    await f.registry.connect(f.deployer).beginResolving(SENATE22_R);
    await waitFor(
      () => matcher.indexer.markets.get(SENATE22_R)?.status === MarketStatus.Resolving,
      "the indexer to see Resolving",
    );
    await expectRejected(
      place(ctx.ex, long, await orderFor(long, "buy", { ...at, size: wad("10") })),
      422,
      "MARKET_NOT_TRADING",
      "SENATE22-R is Resolving",
      "only reduce-only orders",
    );
    const reduce = await orderFor(long, "sell", {
      ...at,
      size: wad("50"),
      price: wad("0.45"),
      flags: OrderFlag.ReduceOnly,
    });
    expect((await place(ctx.ex, long, reduce)).order.status).to.equal("open");
  });

  it("refuses a plain order in a market the circuit breaker put reduce-only", async function () {
    const [trader] = ctx.traders;
    const { f, matcher } = ctx.ex;
    // Only the insurance fund may call setMarketReduceOnly (its circuit breaker): act as the fund contract.
    const fundAddress = await f.fund.getAddress();
    await impersonateAccount(fundAddress);
    await setBalance(fundAddress, 10n ** 18n);
    await f.pm.connect(await ethers.getSigner(fundAddress)).setMarketReduceOnly(BTC_USD, true);
    await waitFor(() => matcher.indexer.markets.get(BTC_USD)?.reduceOnly === true, "the indexer to see reduce-only");
    await expectRejected(
      place(ctx.ex, trader, await orderFor(trader, "buy")),
      422,
      "MARKET_NOT_TRADING",
      "BTC-USD is reduce-only",
      "circuit breaker",
    );
  });

  it("refuses a plain order while the protocol is paused, and accepts it again after unpause", async function () {
    const [trader] = ctx.traders;
    const { f, matcher } = ctx.ex;
    await f.pm.connect(f.deployer).pause();
    await waitFor(() => matcher.indexer.paused, "the indexer to see the pause");
    await expectRejected(
      place(ctx.ex, trader, await orderFor(trader, "buy")),
      422,
      "MARKET_NOT_TRADING",
      "Trading is paused",
      "only reduce-only orders",
    );
    await f.pm.connect(f.deployer).unpause();
    await waitFor(() => !matcher.indexer.paused, "the indexer to see the unpause");
    expect((await place(ctx.ex, trader, await orderFor(trader, "buy"))).order.status).to.equal("open");
  });
});
