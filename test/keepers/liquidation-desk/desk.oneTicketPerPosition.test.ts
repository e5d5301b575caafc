/**
 * At most one live liquidation ticket per (account, market): of two liquidator instances asking at once for the same
 * position, exactly one gets the liquidity and the other 409 LIQUIDATION_IN_PROGRESS, so the same slice is never
 * liquidated twice; a client's retry of the same signed request gets the same ticket back, and once the ticket is
 * released the position can be asked for again.
 */
import { expect } from "chai";
import { GatewayRequestError } from "../../../keepers/gateway/client";
import {
  BTC_USD,
  LIQ_MARK,
  bids,
  liquidatableScene,
  refusal,
  request,
  reserve,
  rest,
  wad,
  type LiquidationScene,
} from "./helpers";

describe("liquidation desk: one live ticket per account and market", function () {
  let scene: LiquidationScene;

  beforeEach(async function () {
    scene = await liquidatableScene();
    await rest(scene.ex, scene.bidder, "buy", "1", "57200");
  });

  afterEach(async function () {
    await scene.ex.stop();
  });

  it("gives the liquidity to exactly one of two concurrent requests and 409 LIQUIDATION_IN_PROGRESS to the other", async function () {
    const first = request(scene);
    const second = request(scene, { deadline: first.deadline + 1n }); // another instance signs its own request
    const outcomes = await Promise.allSettled([reserve(scene, first), reserve(scene, second)]);

    const tickets = outcomes.filter((o) => o.status === "fulfilled").map((o) => o.value);
    const refused = outcomes.filter((o) => o.status === "rejected").map((o) => o.reason as unknown);
    expect(tickets).to.have.length(1);
    expect(refused).to.have.length(1);
    expect(refused[0]).to.be.instanceOf(GatewayRequestError);
    expect(refused[0]).to.include({ status: 409, code: "LIQUIDATION_IN_PROGRESS" });
    expect((refused[0] as GatewayRequestError).details?.expiresAtMs).to.equal(tickets[0].expiresAtMs);
    // One slice reserved, once.
    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.7")]]);
    const journaled = scene.ex.matcher.journal.liquidationFills();
    expect(journaled.map((f) => [f.ticketId, f.sizeWad])).to.deep.equal([[tickets[0].ticketId, wad("0.3")]]);
    expect(scene.desk().ticketOf(scene.trader.address, BTC_USD)?.ticketId).to.equal(tickets[0].ticketId);
  });

  it("never hands one liquidator's ticket to another that signed the same request content", async function () {
    // Two instances pricing the same slice at the same second sign identical requests; only the signer differs.
    const { f } = scene.ex;
    const other = f.carol;
    await f.pm.connect(f.deployer).grantRole(await f.pm.LIQUIDATOR_ROLE(), other.address);
    const same = request(scene);
    const ticket = await reserve(scene, same);
    expect(await refusal(reserve(scene, same, other))).to.include({ status: 409, code: "LIQUIDATION_IN_PROGRESS" });
    // The first liquidator's own retry still gets its ticket back.
    expect(await reserve(scene, same)).to.deep.equal(ticket);
  });

  it("answers a retried request with its live ticket and a new request after the release", async function () {
    const req = request(scene);
    const ticket = await reserve(scene, req);
    expect(await reserve(scene, req)).to.deep.equal(ticket);
    expect(await refusal(reserve(scene, request(scene, { maxSizeWad: wad("0.1") })))).to.include({
      status: 409,
      code: "LIQUIDATION_IN_PROGRESS",
    });

    await scene.ex.client.releaseLiquidation(ticket.ticketId);
    expect(await refusal(reserve(scene, req))).to.include({ status: 409, code: "REQUEST_REPLAYED" });
    const next = await reserve(scene, request(scene, { maxSizeWad: wad("0.1") }));
    expect(next.ticketId).to.not.equal(ticket.ticketId);
    expect(next.filledSizeWad).to.equal(wad("0.1"));
  });
});
