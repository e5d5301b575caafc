/**
 * When a ticket's lease ends without a confirm or a release, the desk looks at the chain itself: a liquidateOnBook
 * that landed (its LiquidationFilled logs since the reservation match the ticket) is recorded as landed, so the journal
 * agrees with the chain; a ticket whose transaction was never sent is released and its liquidity is back on the book.
 * A lease that has not ended is left alone; a transaction that lands after the lease ended, once confirmed, is
 * recorded as landed after all (the chain is the truth) and its liquidity leaves the book again.
 */
import { expect } from "chai";
import { verifyOrders } from "../../../keepers/settlement/verify";
import {
  BTC_USD,
  LIQ_MARK,
  LONG_SIZE,
  bids,
  liquidatableScene,
  liquidateOnChain,
  request,
  reserve,
  rest,
  wad,
  type LiquidationScene,
} from "./helpers";

describe("liquidation desk: lease expiry", function () {
  let scene: LiquidationScene;
  let bid: string;

  beforeEach(async function () {
    scene = await liquidatableScene();
    bid = await rest(scene.ex, scene.bidder, "buy", "0.5", "57200");
  });

  afterEach(async function () {
    await scene.ex.stop();
  });

  it("records a liquidation that landed without a confirm as landed, journal equal to the chain", async function () {
    const ticket = await reserve(scene);
    const receipt = await liquidateOnChain(scene, ticket);
    expect(await scene.desk().expireLeases(ticket.expiresAtMs - 1)).to.deep.equal([]);

    const outcomes = await scene.desk().expireLeases(ticket.expiresAtMs);

    expect(outcomes).to.deep.equal([{ ticketId: ticket.ticketId, status: "landed", txHash: receipt.hash }]);
    const { journal } = scene.ex.matcher;
    expect(journal.liquidationFills()[0]).to.deep.include({ status: "landed", landedBlock: receipt.blockNumber });
    expect((await scene.ex.f.pm.orderStatus(ticket.orders[0].order)).filledWad).to.equal(LONG_SIZE);
    expect(journal.settledWad(bid)).to.equal(LONG_SIZE);
    expect((await verifyOrders(scene.ex.f.pm, journal)).mismatches).to.deep.equal([]);
    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.2")]]);
    expect(scene.desk().ticketOf(scene.trader.address, BTC_USD)).to.equal(undefined);
  });

  it("releases a ticket whose transaction was never sent and puts its liquidity back", async function () {
    const ticket = await reserve(scene);
    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.2")]]);

    const outcomes = await scene.desk().expireLeases(ticket.expiresAtMs + 1);

    expect(outcomes).to.deep.equal([{ ticketId: ticket.ticketId, status: "released" }]);
    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.5")]]);
    expect(scene.ex.matcher.journal.filledWad(bid)).to.equal(0n);
    expect(await scene.ex.client.releaseLiquidation(ticket.ticketId)).to.deep.equal({ status: "released" });
    // The position can be asked for again.
    const again = request(scene, { deadline: BigInt(scene.ex.matcher.indexer.chainTimeSec() + 90) });
    expect((await reserve(scene, again)).filledSizeWad).to.equal(LONG_SIZE);
  });

  it("records a transaction confirmed after its ticket's lease ended as landed and takes the liquidity again", async function () {
    const ticket = await reserve(scene);
    await scene.desk().expireLeases(ticket.expiresAtMs);
    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.5")]]);
    const late = await liquidateOnChain(scene, ticket);

    expect(await scene.ex.client.confirmLiquidation(ticket.ticketId, late.hash)).to.deep.equal({ status: "landed" });

    const { journal } = scene.ex.matcher;
    expect(journal.liquidationFills().map((f) => f.status)).to.deep.equal(["landed"]);
    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.2")]]);
    expect(journal.settledWad(bid)).to.equal(LONG_SIZE);
    expect((await verifyOrders(scene.ex.f.pm, journal)).mismatches).to.deep.equal([]);
  });
});
