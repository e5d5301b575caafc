/**
 * Dead-man switch, second step (DESIGN §9, IMarketResolution.resolveAtLastMark): a market Resolving for
 * maxResolvingTimeSec (7 days) — frozen by the switch or left there by a silent resolver — may be Resolved by anyone
 * at the mark of the oracle's last snapshot, and its positions then settle at that mark. A market never priced has no
 * such mark: it stays Resolving, waiting for the resolver.
 *
 * Setup: BTC-USD, alice long 0.1 / bob short 0.1 at 60,000 (alice taker); last push mark 61,000 with index 60,500.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { MarketStatus } from "../../../deploy/params";
import { BTC_USD, deployKeel, useSolvencyInvariant, wad, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, setPrices, trade } from "../trading/helpers";
import { balanceOf } from "../trading/behaviourHelpers";
import { fundedWithPrices, listDraftMarket } from "../trading/revertHelpers";
import { FREEZE_AFTER, MAX_RESOLVING_TIME, MAX_STALENESS, beginResolving, propose } from "./helpers";

const SILENCE = BigInt(MAX_STALENESS[BTC_USD] + FREEZE_AFTER);
const LAST_MARK = wad("61000");

/** Positions open, last push (mark 61,000, index 60,500), then frozen by the switch; returns when it froze. */
async function frozenWithPositions(): Promise<{ f: KeelFixture; since: bigint }> {
  const f = await deployKeel();
  await fundedWithPrices(f);
  await trade(f, f.bob, f.alice, "buy", wad("0.1"), BTC_PRICE);
  await setPrices(f, { [BTC_USD]: LAST_MARK }, { [BTC_USD]: wad("60500") });
  const lastPriceAt = (await f.oracle.snapshot(BTC_USD)).timestamp;
  await time.setNextBlockTimestamp(lastPriceAt + SILENCE);
  await f.pm.connect(f.outsider).freezeStaleMarket(BTC_USD);
  return { f, since: (await f.registry.marketInfo(BTC_USD)).statusChangedAt };
}

describe("PositionManager.resolveAtLastMark", function () {
  useSolvencyInvariant();

  it("resolves a market Resolving for 7 days at its last mark, and positions settle at it", async function () {
    const { f, since } = await frozenWithPositions();
    const resolveAt = since + BigInt(MAX_RESOLVING_TIME);

    await time.setNextBlockTimestamp(resolveAt - 1n);
    await expect(f.pm.connect(f.outsider).resolveAtLastMark(BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "ResolutionNotTimedOut")
      .withArgs(BTC_USD, since, resolveAt);

    // The mark of the last snapshot (61,000), not its index (60,500).
    await expect(f.pm.connect(f.outsider).resolveAtLastMark(BTC_USD))
      .to.emit(f.pm, "MarketResolved")
      .withArgs(BTC_USD, LAST_MARK, true)
      .and.to.emit(f.registry, "MarketStatusChanged")
      .withArgs(BTC_USD, MarketStatus.Resolving, MarketStatus.Resolved);
    const r = await f.pm.resolution(BTC_USD);
    expect([r.finalized, r.finalPriceWad, r.settled]).to.deep.equal([true, LAST_MARK, false]);

    // bob (short 0.1 from 60,000) pays 0.1 · 1,000 = 100; alice's +100 is a claim, paid in full.
    const aliceBefore = await balanceOf(f, f.alice);
    const bobBefore = await balanceOf(f, f.bob);
    await expect(f.pm.settlePosition(f.bob.address, BTC_USD))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(f.bob.address, BTC_USD, -wad("0.1"), -wad("100"), wad("100"));
    await expect(f.pm.settlePosition(f.alice.address, BTC_USD))
      .to.emit(f.pm, "MarketSettled")
      .withArgs(BTC_USD, wad("100"), 0n, 0n, 0n);
    await f.pm.claimSettlement(f.alice.address, BTC_USD);
    expect(await balanceOf(f, f.alice)).to.equal(aliceBefore + wad("100"));
    expect(await balanceOf(f, f.bob)).to.equal(bobBefore - wad("100"));
  });

  it("also moves on a market the resolver put into Resolving and left", async function () {
    const f = await deployKeel();
    await fundedWithPrices(f);
    await trade(f, f.bob, f.alice, "buy", wad("0.1"), BTC_PRICE);
    await beginResolving(f, BTC_USD);
    const since = (await f.registry.marketInfo(BTC_USD)).statusChangedAt;
    await time.setNextBlockTimestamp(since + BigInt(MAX_RESOLVING_TIME));
    await expect(f.pm.resolveAtLastMark(BTC_USD)).to.emit(f.pm, "MarketResolved").withArgs(BTC_USD, BTC_PRICE, true);
  });

  it("reverts ResolutionNoLastMark for a market never priced, which stays Resolving for the resolver", async function () {
    const f = await deployKeel();
    const id = await listDraftMarket(f, "ETH-USD");
    await f.registry.connect(f.deployer).activateMarket(id);
    const activatedAt = (await f.registry.marketInfo(id)).statusChangedAt;
    await time.setNextBlockTimestamp(activatedAt + SILENCE);
    await f.pm.freezeStaleMarket(id);
    const since = (await f.registry.marketInfo(id)).statusChangedAt;
    await time.setNextBlockTimestamp(since + BigInt(MAX_RESOLVING_TIME));
    await expect(f.pm.resolveAtLastMark(id)).to.be.revertedWithCustomError(f.pm, "ResolutionNoLastMark").withArgs(id);
    expect(await f.registry.marketStatus(id)).to.equal(MarketStatus.Resolving);
    // The resolver's path is still open.
    await propose(f, id, wad("3000"));
    expect((await f.pm.resolution(id)).proposedPriceWad).to.equal(wad("3000"));
  });

  it("reverts ResolutionWrongStatus outside Resolving", async function () {
    const f = await deployKeel();
    await expect(f.pm.resolveAtLastMark(BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "ResolutionWrongStatus")
      .withArgs(BTC_USD, MarketStatus.Active, MarketStatus.Resolving);
    const { f: g, since } = await frozenWithPositions();
    await time.setNextBlockTimestamp(since + BigInt(MAX_RESOLVING_TIME));
    await g.pm.resolveAtLastMark(BTC_USD);
    await expect(g.pm.resolveAtLastMark(BTC_USD))
      .to.be.revertedWithCustomError(g.pm, "ResolutionWrongStatus")
      .withArgs(BTC_USD, MarketStatus.Resolved, MarketStatus.Resolving);
  });
});
