/**
 * Intake refuses an order for an Active market that has never had an oracle push with 422 MARKET_NO_MARK (no band and
 * no margin can be computed without a mark), naming the market.
 */
import { eventMarket, MarketKind } from "../../../deploy/params";
import { MarketStatus } from "../../../keepers/sdk/markets";
import { wad } from "../../fixtures/keel";
import { expectRejected, orderFor, place, useExchange, waitFor } from "./helpers";

describe("intake: MARKET_NO_MARK", function () {
  const ctx = useExchange(1);

  it("refuses an order for a market activated before its first price", async function () {
    const [trader] = ctx.traders;
    const { f, matcher } = ctx.ex;
    await f.registry.connect(f.deployer).listMarket("UNPRICED-1", MarketKind.Bounded, eventMarket());
    const marketId = Number(await f.registry.marketCount());
    await f.registry.connect(f.deployer).activateMarket(marketId);
    await waitFor(() => matcher.indexer.markets.get(marketId)?.status === MarketStatus.Active, "the activation");
    const order = await orderFor(trader, "buy", { marketId, size: wad("10"), price: wad("0.5") });
    await expectRejected(place(ctx.ex, trader, order), 422, "MARKET_NO_MARK", "UNPRICED-1 has no mark price yet");
  });
});
