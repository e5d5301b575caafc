/**
 * The liquidation desk refuses, and reserves nothing for: a request whose deadline is not in (now, now + 120 s]
 * (400), a signature that recovers to no address (401), a signer without LIQUIDATOR_ROLE (403), an unknown market
 * (404), a healthy account (409 ACCOUNT_HEALTHY) and a liquidatable account without a position in the market (422
 * NO_POSITION). A signer granted the role is accepted.
 */
import { expect } from "chai";
import { signLiquidationRequest } from "../../../keepers/sdk/liquidations";
import { SENATE22_R } from "../../fixtures/keel";
import {
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

describe("liquidation desk: refused requests", function () {
  let scene: LiquidationScene;

  before(async function () {
    scene = await liquidatableScene();
    await rest(scene.ex, scene.bidder, "buy", "0.5", "57200");
  });

  after(async function () {
    await scene.ex.stop();
  });

  afterEach(async function () {
    // Every refusal leaves the book as it was and reserves nothing.
    expect(await bids(scene)).to.deep.equal([[LIQ_MARK, wad("0.5")]]);
    expect(scene.ex.matcher.journal.liquidationFills({ status: "reserved" })).to.deep.equal([]);
  });

  it("answers 400 INVALID_REQUEST for a deadline now or in the past, or more than 120 s ahead", async function () {
    const nowSec = BigInt(scene.ex.matcher.indexer.chainTimeSec());
    for (const deadline of [nowSec - 1n, nowSec, nowSec + 200n]) {
      const refused = await refusal(reserve(scene, request(scene, { deadline })));
      expect(refused).to.include({ status: 400, code: "INVALID_REQUEST" });
      expect(refused.message).to.match(/deadline/);
    }
  });

  it("answers 401 BAD_SIGNATURE for a signature that recovers to no address", async function () {
    const req = request(scene);
    const refused = await refusal(scene.ex.client.reserveLiquidation(req, `0x${"00".repeat(65)}`));
    expect(refused).to.include({ status: 401, code: "BAD_SIGNATURE" });
  });

  it("answers 403 FORBIDDEN to a signer without LIQUIDATOR_ROLE, and accepts one once it is granted", async function () {
    const { ex, bidder } = scene;
    const refused = await refusal(reserve(scene, request(scene), bidder));
    expect(refused).to.include({ status: 403, code: "FORBIDDEN" });
    expect(refused.details?.signer).to.equal(bidder.address);

    const role = await ex.f.pm.LIQUIDATOR_ROLE();
    await ex.f.pm.connect(ex.f.deployer).grantRole(role, bidder.address);
    try {
      const req = request(scene);
      const ticket = await ex.client.reserveLiquidation(req, await signLiquidationRequest(bidder, ex.domain, req));
      expect(ticket.filledSizeWad).to.equal(wad("0.3"));
      await ex.client.releaseLiquidation(ticket.ticketId);
    } finally {
      await ex.f.pm.connect(ex.f.deployer).revokeRole(role, bidder.address);
    }
  });

  it("answers 404 for a market that is not listed", async function () {
    const refused = await refusal(reserve(scene, request(scene, { marketId: 99 })));
    expect(refused).to.include({ status: 404, code: "NOT_FOUND" });
  });

  it("answers 409 ACCOUNT_HEALTHY for an account above its maintenance margin", async function () {
    const refused = await refusal(reserve(scene, request(scene, { account: scene.counterparty.address })));
    expect(refused).to.include({ status: 409, code: "ACCOUNT_HEALTHY" });
    expect(BigInt(refused.details?.equityWad as string)).to.be.greaterThan(
      BigInt(refused.details?.maintenanceMarginWad as string),
    );
  });

  it("answers 422 NO_POSITION for a liquidatable account without a position in the market", async function () {
    const refused = await refusal(reserve(scene, request(scene, { marketId: SENATE22_R })));
    expect(refused).to.include({ status: 422, code: "NO_POSITION" });
  });
});
