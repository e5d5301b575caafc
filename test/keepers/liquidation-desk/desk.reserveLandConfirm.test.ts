/**
 * The liquidation desk's happy path, end to end on the Hardhat network: a liquidator reserves book liquidity for a
 * liquidatable long, the liquidity leaves the book, the account's own resting order is cancelled, the liquidator
 * lands liquidateOnBook with the ticket and confirms it; the journal then agrees with the chain's orderStatus for the
 * maker, and the maker's remaining size rests on the book.
 */
import { expect } from "chai";
import { OrderState } from "../../../keepers/sdk/orders";
import { verifyOrders } from "../../../keepers/settlement/verify";
import {
  BTC_USD,
  LIQ_MARK,
  LONG_SIZE,
  bids,
  liquidatableScene,
  liquidateOnChain,
  refusal,
  reserve,
  rest,
  wad,
  type LiquidationScene,
} from "./helpers";

describe("liquidation desk: reserve, liquidateOnBook, confirm", function () {
  let scene: LiquidationScene;

  beforeEach(async function () {
    scene = await liquidatableScene();
  });

  afterEach(async function () {
    await scene.ex.stop();
  });

  it("reserves the bid, lands the liquidation, and leaves journal = chain with the remainder resting", async function () {
    const { ex, trader, bidder } = scene;
    const ownAsk = await rest(ex, trader, "sell", "0.1", "59000");
    const bid = await rest(ex, bidder, "buy", "0.5", "57200");
    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.5")]]);

    const ticket = await reserve(scene);

    expect(ticket).to.deep.include({ account: trader.address, marketId: BTC_USD, side: "sell" });
    expect(ticket.closeSizeWad).to.equal(LONG_SIZE);
    expect(ticket.filledSizeWad).to.equal(LONG_SIZE);
    expect(ticket.orders.map((o) => o.hash)).to.deep.equal([bid]);
    expect(ticket.fills).to.deep.equal([{ makerIndex: 0, sizeWad: LONG_SIZE, priceWad: LIQ_MARK }]);
    expect(ticket.expiresAtMs).to.be.greaterThan(Date.now());
    // The liquidity is out of the book while the ticket lives, and the trader's own order is gone.
    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.2")]]);
    expect(await ex.client.order(bid)).to.deep.include({ filledWad: LONG_SIZE, settledWad: 0n, status: "open" });
    expect(await ex.client.order(ownAsk)).to.deep.include({ status: "cancelled", reason: "liquidated" });
    // Both accounts' projected positions count the reserved fill (pre-trade margin checks, reduce-only orders).
    const unsettled = async (who: string) =>
      (await ex.client.account(who)).positions.find((p) => p.marketId === BTC_USD)?.unsettledSizeWad;
    expect(await unsettled(bidder.address)).to.equal(LONG_SIZE);
    expect(await unsettled(trader.address)).to.equal(-LONG_SIZE);

    const receipt = await liquidateOnChain(scene, ticket);
    expect(await ex.client.confirmLiquidation(ticket.ticketId, receipt.hash)).to.deep.equal({ status: "landed" });

    const status = await ex.f.pm.orderStatus(ticket.orders[0].order);
    expect([Number(status.state), status.filledWad]).to.deep.equal([OrderState.PartiallyFilled, LONG_SIZE]);
    expect(ex.matcher.journal.settledWad(bid)).to.equal(status.filledWad);
    const verify = await verifyOrders(ex.f.pm, ex.matcher.journal);
    expect(verify.mismatches).to.deep.equal([]);
    expect(verify.checked).to.be.greaterThan(2);
    expect(ex.matcher.journal.liquidationFills({ ticketId: ticket.ticketId })).to.have.length(1);
    expect(ex.matcher.journal.liquidationFills({ ticketId: ticket.ticketId })[0]).to.deep.include({
      status: "landed",
      txHash: receipt.hash.toLowerCase(),
    });
    // The remainder rests; the order view counts the landed fill as settled; the trader is flat on chain.
    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.2")]]);
    expect(await ex.client.order(bid)).to.deep.include({ filledWad: LONG_SIZE, settledWad: LONG_SIZE, status: "open" });
    expect((await ex.f.pm.position(trader.address, BTC_USD)).sizeWad).to.equal(0n);
    // A repeated confirm answers the same, without another journal write.
    expect(await ex.client.confirmLiquidation(ticket.ticketId, receipt.hash)).to.deep.equal({ status: "landed" });
    expect(scene.desk().ticketOf(trader.address, BTC_USD)).to.equal(undefined);
  });

  it("answers a confirm of a transaction that is not mined yet with 409, and of an unknown ticket with 404", async function () {
    const { ex, bidder } = scene;
    await rest(ex, bidder, "buy", "0.5", "57200");
    const ticket = await reserve(scene);
    const unmined = `0x${"12".repeat(32)}`;
    expect(await refusal(ex.client.confirmLiquidation(ticket.ticketId, unmined))).to.include({
      status: 409,
      code: "CONFLICT",
    });
    expect(scene.desk().ticketOf(scene.trader.address, BTC_USD)?.ticketId).to.equal(ticket.ticketId);
    expect(await refusal(ex.client.confirmLiquidation(`0x${"34".repeat(32)}`, unmined))).to.include({
      status: 404,
      code: "NOT_FOUND",
    });
  });

  it("answers an empty ticket, reserving nothing, when no bid lies within the liquidation band", async function () {
    const { ex, bidder } = scene;
    await rest(ex, bidder, "buy", "0.5", "55000"); // 3.8% below the mark: outside the 2% band
    const ticket = await reserve(scene);
    expect(ticket.fills).to.deep.equal([]);
    expect(ticket.orders).to.deep.equal([]);
    expect(ticket.filledSizeWad).to.equal(0n);
    expect(ticket.closeSizeWad).to.equal(LONG_SIZE);
    expect(ticket.expiresAtMs).to.equal(0);
    expect(await bids(scene)).to.deep.equal([[wad("55000"), wad("0.5")]]);
    expect(scene.desk().ticketOf(scene.trader.address, BTC_USD)).to.equal(undefined);
    expect(ex.matcher.journal.liquidationFills()).to.deep.equal([]);
  });
});
