/**
 * A subscriber that throws must not stop the indexer: the exception is logged and counted, the other subscribers
 * still get the event, and the indexer moves on to the next block instead of re-reading the same range forever.
 *
 * The real case: a market listed and priced after the matcher started. The matching engine does not know it, so the
 * matcher's `mark` handler throws UNKNOWN_MARKET; the matcher must keep following the chain (here: it still sees a
 * deposit made after the push).
 */
import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { eventMarket, MarketKind } from "../../../deploy/params";
import { deployKeel, fund, usdc, wad } from "../../fixtures/keel";
import { setPrices } from "../../contracts/trading/helpers";
import { caughtUp, useExchange } from "../intake/helpers";
import { traders } from "../e2e/helpers";
import { indexerOf } from "./helpers";

describe("indexer: keeps following when a subscriber throws", function () {
  describe("with a throwing test subscriber", function () {
    it("counts the failure, still calls the other subscribers and processes the block once", async function () {
      const f = await deployKeel();
      const indexer = indexerOf(f);
      await indexer.rebuild();
      const delivered: number[] = [];
      indexer.on("mark", () => {
        throw new Error("subscriber bug");
      });
      indexer.on("mark", (update) => delivered.push(update.marketId));
      await setPrices(f, { 1: wad("60100") });
      const head = await indexer.poll();
      expect(indexer.lastProcessedBlock).to.equal(head);
      expect(indexer.subscriberFailures).to.equal(1);
      expect(delivered).to.deep.equal([1]);
      expect(indexer.markets.get(1)?.markWad).to.equal(wad("60100"));
      expect(await indexer.poll()).to.equal(head);
      expect(indexer.subscriberFailures, "the block is not processed again").to.equal(1);
    });
  });

  describe("in the running matcher", function () {
    const ctx = useExchange(1);

    it("keeps following after a market listed and priced after start", async function () {
      const { f, matcher } = ctx.ex;
      await f.registry.connect(f.deployer).listMarket("LATE-1", MarketKind.Bounded, eventMarket());
      const marketId = Number(await f.registry.marketCount());
      await f.registry.connect(f.deployer).activateMarket(marketId);
      await setPrices(f, { [marketId]: wad("0.3") });
      const [late] = (await traders(1, 16)) as HardhatEthersSigner[];
      await fund(f, late, usdc(1_234));
      await caughtUp(ctx.ex);
      expect(matcher.indexer.markets.get(marketId)?.markWad).to.equal(wad("0.3"));
      expect(matcher.indexer.accountOf(late.address).balanceWad).to.equal(wad("1234"));
      expect(matcher.indexer.subscriberFailures, "the matcher's mark handler threw").to.be.greaterThan(0);
    });
  });
});
