/**
 * Releasing a ticket gives its liquidity back to the book at the makers' time priority; naming a culprit maker (its
 * order made the chain refuse liquidateOnBook) cancels that order instead; a reverted liquidation reported with
 * confirm releases as well. The journal then counts nothing for the released fills.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import {
  BTC_USD,
  LIQ_MARK,
  bids,
  liquidatableScene,
  place,
  refusal,
  reserve,
  rest,
  wad,
  type LiquidationScene,
} from "./helpers";

describe("liquidation desk: release", function () {
  let scene: LiquidationScene;
  const NEXT = wad("57100");

  beforeEach(async function () {
    scene = await liquidatableScene();
  });

  afterEach(async function () {
    await scene.ex.stop();
  });

  it("returns the reserved liquidity to the book, first in its queue again, and is idempotent", async function () {
    const { ex, bidder, counterparty } = scene;
    const bid = await rest(ex, bidder, "buy", "0.3", "57200");
    const ticket = await reserve(scene);
    expect(await bids(scene)).to.deep.equal([]);
    await rest(ex, counterparty, "buy", "0.1", "57200"); // arrives while the bid is out of the book

    expect(await ex.client.releaseLiquidation(ticket.ticketId)).to.deep.equal({ status: "released" });

    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.4")]]);
    expect(await ex.client.order(bid)).to.deep.include({ status: "open", filledWad: 0n });
    expect(ex.matcher.journal.filledWad(bid)).to.equal(0n);
    expect(ex.matcher.journal.liquidationFills().map((f) => f.status)).to.deep.equal(["released"]);
    expect(scene.desk().ticketOf(scene.trader.address, BTC_USD)).to.equal(undefined);
    expect(await ex.client.releaseLiquidation(ticket.ticketId)).to.deep.equal({ status: "released" });
    // Time priority kept: a sell of 0.3 at the level fills the returned bid, not the later one.
    const sell = await place(ex, counterparty, "sell", "0.3", "57200");
    expect(sell.fills.map((f) => [f.makerHash, f.sizeWad])).to.deep.equal([[bid, wad("0.3")]]);
  });

  it("cancels the culprit maker with reason liquidation-rejected and returns the others", async function () {
    const { ex, bidder, counterparty } = scene;
    const first = await rest(ex, bidder, "buy", "0.2", "57200");
    const culprit = await rest(ex, counterparty, "buy", "0.5", "57100");
    const ticket = await reserve(scene);
    expect(ticket.fills.map((f) => [ticket.orders[f.makerIndex].hash, f.sizeWad, f.priceWad])).to.deep.equal([
      [first, wad("0.2"), LIQ_MARK],
      [culprit, wad("0.1"), NEXT],
    ]);
    expect(await bids(scene)).to.deep.equal([[NEXT, wad("0.4")]]);

    const stranger = `0x${"56".repeat(32)}`;
    expect(await refusal(ex.client.releaseLiquidation(ticket.ticketId, stranger))).to.include({
      status: 400,
      code: "INVALID_REQUEST",
    });
    expect(await ex.client.releaseLiquidation(ticket.ticketId, culprit)).to.deep.equal({ status: "released" });

    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.2")]]);
    expect(await ex.client.order(first)).to.deep.include({ status: "open", filledWad: 0n });
    expect(await ex.client.order(culprit)).to.deep.include({
      status: "cancelled",
      reason: "liquidation-rejected",
      filledWad: 0n,
    });
    expect(ex.matcher.journal.order(culprit)).to.deep.include({ status: "cancelled", filledWad: 0n });
  });

  it("releases the liquidity when the reported transaction reverted", async function () {
    const { ex, bidder, liquidator } = scene;
    await rest(ex, bidder, "buy", "0.5", "57200");
    const ticket = await reserve(scene);
    // A liquidateOnBook without the maker's signature, mined (automine off, so the node does not refuse it first).
    await network.provider.send("evm_setAutomine", [false]);
    let tx;
    try {
      tx = await ex.f.pm
        .connect(liquidator)
        .liquidateOnBook(
          ticket.account,
          ticket.marketId,
          [ticket.orders[0].order],
          [`0x${"00".repeat(65)}`],
          ticket.fills,
          {
            gasLimit: 2_000_000,
          },
        );
      await network.provider.send("evm_mine", []);
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
    expect((await ethers.provider.getTransactionReceipt(tx.hash))?.status).to.equal(0);

    expect(await ex.client.confirmLiquidation(ticket.ticketId, tx.hash)).to.deep.equal({ status: "released" });
    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.5")]]);
    expect(ex.matcher.journal.liquidationFills().map((f) => f.status)).to.deep.equal(["released"]);
  });
});
