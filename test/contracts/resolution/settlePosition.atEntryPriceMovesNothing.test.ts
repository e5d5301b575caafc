/**
 * A position settled at exactly its entry price (DESIGN §9) has no profit and no loss: PositionSettled reports a PnL
 * of 0 and nothing collected, no claim is recorded (claimSettlement reverts ResolutionNoClaim), no balance moves,
 * and the market is Settled once both sides are closed.
 *
 * SENATE22-R with fees off: alice buys 100 from bob at 0.40; the market resolves at 0.40.
 */
import { expect } from "chai";
import { MarketStatus } from "../../../deploy/params";
import { SENATE22_R, deployKeel, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";
import { EVENT_PRICE, defaultPrices, fundAll, trade } from "../trading/helpers";
import { balanceOf, setFees } from "../trading/behaviourHelpers";
import { beginResolving, resolveAt } from "./helpers";

describe("PositionManager.settlePosition at the entry price", function () {
  useSolvencyInvariant();

  it("settles both sides with a PnL of 0, records no claim and moves no balance", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob], usdc(1_000));
    await setFees(f, SENATE22_R, 0n, 0n, 0n);
    await defaultPrices(f);
    await trade(f, f.bob, f.alice, "buy", wad("100"), EVENT_PRICE, SENATE22_R);
    await beginResolving(f, SENATE22_R);
    await resolveAt(f, SENATE22_R, EVENT_PRICE);
    expect(await f.registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Resolved);

    await expect(f.pm.settlePosition(f.alice.address, SENATE22_R))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(f.alice.address, SENATE22_R, wad("100"), 0n, 0n);
    await expect(f.pm.settlePosition(f.bob.address, SENATE22_R))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(f.bob.address, SENATE22_R, -wad("100"), 0n, 0n);

    expect(await f.registry.marketStatus(SENATE22_R)).to.equal(MarketStatus.Settled);
    for (const who of [f.alice, f.bob]) {
      expect(await balanceOf(f, who)).to.equal(wad("1000"));
      expect(await f.pm.settlementClaim(who.address, SENATE22_R)).to.equal(0n);
      await expect(f.pm.claimSettlement(who.address, SENATE22_R))
        .to.be.revertedWithCustomError(f.pm, "ResolutionNoClaim")
        .withArgs(who.address, SENATE22_R);
    }
    const r = await f.pm.resolution(SENATE22_R);
    expect([r.totalClaimsWad, r.uncollectedWad, r.haircutWad]).to.deep.equal([0n, 0n, 0n]);
  });
});
