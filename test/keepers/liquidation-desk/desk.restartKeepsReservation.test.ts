/**
 * A reserved ticket survives a matcher restart: the new matcher rebuilds the book from the journal with the reserved
 * liquidity still out of it (a bid the ticket filled completely stays off the book, a partly taken one rests with its
 * remainder), keeps the ticket live (a second request for the position is refused), and a release after the restart
 * puts every maker back at its place. Its lease keeps running: the new matcher's housekeeping releases it once it
 * ends.
 */
import { expect } from "chai";
import {
  BTC_USD,
  LIQ_MARK,
  bids,
  eventually,
  liquidatableScene,
  refusal,
  request,
  reserve,
  rest,
  restartMatcher,
  wad,
  type LiquidationScene,
} from "./helpers";

describe("liquidation desk: restart keeps a reservation", function () {
  let scene: LiquidationScene;

  beforeEach(async function () {
    scene = await liquidatableScene();
  });

  afterEach(async function () {
    await scene.ex.stop();
  });

  it("restores the reserved ticket with its liquidity out of the book, then releases it", async function () {
    const { bidder, counterparty } = scene;
    const whole = await rest(scene.ex, bidder, "buy", "0.2", "57200");
    const part = await rest(scene.ex, counterparty, "buy", "0.5", "57100");
    const ticket = await reserve(scene);
    const bookWhileReserved = [[wad("57100"), wad("0.4")]];
    expect(await bids(scene)).to.deep.equal(bookWhileReserved);

    await restartMatcher(scene);

    expect(await bids(scene)).to.deep.equal(bookWhileReserved);
    expect(scene.desk().ticketOf(scene.trader.address, BTC_USD)).to.deep.equal(ticket);
    expect(await scene.ex.client.order(whole)).to.deep.include({ status: "filled", filledWad: wad("0.2") });
    expect(await scene.ex.client.order(part)).to.deep.include({ status: "open", filledWad: wad("0.1") });
    const again = request(scene, { deadline: BigInt(scene.ex.matcher.indexer.chainTimeSec() + 90) });
    expect(await refusal(reserve(scene, again))).to.include({ status: 409, code: "LIQUIDATION_IN_PROGRESS" });

    expect(await scene.ex.client.releaseLiquidation(ticket.ticketId)).to.deep.equal({ status: "released" });

    expect(await bids(scene)).to.deep.equal([
      [LIQ_MARK, wad("0.2")],
      [wad("57100"), wad("0.5")],
    ]);
    expect(await scene.ex.client.order(whole)).to.deep.include({ status: "open", filledWad: 0n });
    expect(scene.ex.matcher.journal.order(whole)).to.deep.include({ status: "open", filledWad: 0n });
  });

  it("lets the restored ticket's lease end on the new matcher's housekeeping timer", async function () {
    await rest(scene.ex, scene.bidder, "buy", "0.5", "57200");
    const ticket = await reserve(scene);
    // The restarted matcher's lease clock runs past the ticket's lease end.
    await restartMatcher(scene, { now: () => ticket.expiresAtMs + 1 });

    await eventually(
      async () => (await bids(scene)).length > 0 && (await bids(scene))[0][1] === wad("0.5"),
      "released",
    );

    expect(scene.ex.matcher.journal.liquidationFills().map((f) => f.status)).to.deep.equal(["released"]);
    expect(scene.desk().ticketOf(scene.trader.address, BTC_USD)).to.equal(undefined);
  });
});
