/**
 * Dead-man switch, first step (DESIGN §9, IMarketResolution.freezeStaleMarket): anyone moves an Active market to
 * Resolving once its oracle has been silent for maxStalenessSec + freezeAfterSec (BTC-USD: 60 + 86,400 s) since the
 * later of its last price and its activation — so a market never priced is not frozen at once, and every push
 * restarts the clock.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { MarketStatus } from "../../../deploy/params";
import { BTC_USD, deployKeel, useSolvencyInvariant } from "../../fixtures/keel";
import { BTC_PRICE, setPrices } from "../trading/helpers";
import { listDraftMarket } from "../trading/revertHelpers";
import { FREEZE_AFTER, MAX_STALENESS } from "./helpers";

const SILENCE = BigInt(MAX_STALENESS[BTC_USD] + FREEZE_AFTER);

describe("PositionManager.freezeStaleMarket", function () {
  useSolvencyInvariant();

  it("freezes a market silent since its last price, not a second earlier", async function () {
    const f = await deployKeel();
    await setPrices(f, { [BTC_USD]: BTC_PRICE });
    const lastPriceAt = (await f.oracle.snapshot(BTC_USD)).timestamp;
    const freezeAt = lastPriceAt + SILENCE;

    await time.setNextBlockTimestamp(freezeAt - 1n);
    await expect(f.pm.connect(f.outsider).freezeStaleMarket(BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "ResolutionOracleNotFrozen")
      .withArgs(BTC_USD, lastPriceAt, freezeAt);
    expect(await f.registry.marketStatus(BTC_USD)).to.equal(MarketStatus.Active);

    // At freezeAt (the reverted call above was mined at freezeAt − 1) anyone may freeze.
    await expect(f.pm.connect(f.outsider).freezeStaleMarket(BTC_USD))
      .to.emit(f.pm, "MarketFrozen")
      .withArgs(BTC_USD, lastPriceAt)
      .and.to.emit(f.registry, "MarketStatusChanged")
      .withArgs(BTC_USD, MarketStatus.Active, MarketStatus.Resolving);
    expect(await f.registry.marketStatus(BTC_USD)).to.equal(MarketStatus.Resolving);
    expect((await f.registry.marketInfo(BTC_USD)).statusChangedAt).to.equal(freezeAt);

    await expect(f.pm.freezeStaleMarket(BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "ResolutionWrongStatus")
      .withArgs(BTC_USD, MarketStatus.Resolving, MarketStatus.Active);
  });

  it("every push restarts the clock", async function () {
    const f = await deployKeel();
    await setPrices(f, { [BTC_USD]: BTC_PRICE });
    const first = (await f.oracle.snapshot(BTC_USD)).timestamp;
    await time.setNextBlockTimestamp(first + SILENCE - 100n);
    await setPrices(f, { [BTC_USD]: BTC_PRICE });
    const second = (await f.oracle.snapshot(BTC_USD)).timestamp;
    // At the first deadline the market is still live: the clock runs from the second push.
    await time.setNextBlockTimestamp(first + SILENCE);
    await expect(f.pm.freezeStaleMarket(BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "ResolutionOracleNotFrozen")
      .withArgs(BTC_USD, second, second + SILENCE);
  });

  it("a market never priced counts its silence from its activation", async function () {
    const f = await deployKeel();
    const id = await listDraftMarket(f, "ETH-USD");
    // Listed long ago in Draft: Draft time does not count.
    await time.increase(Number(SILENCE) * 2);
    await f.registry.connect(f.deployer).activateMarket(id);
    const activatedAt = (await f.registry.marketInfo(id)).statusChangedAt;
    expect((await f.oracle.snapshot(id)).timestamp).to.equal(0n);

    await time.setNextBlockTimestamp(activatedAt + SILENCE - 1n);
    await expect(f.pm.freezeStaleMarket(id))
      .to.be.revertedWithCustomError(f.pm, "ResolutionOracleNotFrozen")
      .withArgs(id, activatedAt, activatedAt + SILENCE);
    await expect(f.pm.freezeStaleMarket(id)).to.emit(f.pm, "MarketFrozen").withArgs(id, activatedAt);
    expect(await f.registry.marketStatus(id)).to.equal(MarketStatus.Resolving);
  });

  it("reverts ResolutionWrongStatus for a Draft market", async function () {
    const f = await deployKeel();
    const id = await listDraftMarket(f, "ETH-USD");
    await expect(f.pm.freezeStaleMarket(id))
      .to.be.revertedWithCustomError(f.pm, "ResolutionWrongStatus")
      .withArgs(id, MarketStatus.Draft, MarketStatus.Active);
  });
});
