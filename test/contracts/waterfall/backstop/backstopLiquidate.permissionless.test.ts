/**
 * The permissionless backstop (DESIGN §8 stage 2, ILiquidationWaterfall): LIQUIDATOR_ROLE may take a liquidatable
 * account over at once; anyone else only once the account was flagged with `flagLiquidatable` (open to anyone) and
 * from `permissionlessAfterSec` (300 s on BTC-USD) after the flag until twice that, both ends included. The flag is set
 * only while the account is liquidatable, cleared by a call on a healthy account and by the takeover, and a flag whose
 * window has closed can be set again.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { useSolvencyInvariant, type KeelFixture } from "../../../fixtures/keel";
import { refreshPrices } from "../../trading/behaviourHelpers";
import { BTC_USD, backstopSetup, moveBtc, wad } from "./helpers";

/** BTC-USD's permissionlessAfterSec (deploy/params.ts). */
const AFTER = 300n;

/** Flags alice (liquidatable at 57,000) by the outsider; returns the flag's time. */
async function flagAlice(f: KeelFixture): Promise<bigint> {
  await moveBtc(f, wad("57000"));
  const tx = await f.pm.connect(f.outsider).flagLiquidatable(f.alice.address);
  const since = BigInt(await time.latest());
  await expect(tx).to.emit(f.pm, "LiquidatableFlagged").withArgs(f.alice.address, since);
  return since;
}

/** Refreshes every price (BTC stays at its mark) and sets the next block's time to `at`. */
async function freshAt(f: KeelFixture, at: bigint): Promise<void> {
  await time.increaseTo(at - 10n);
  await refreshPrices(f);
  await time.setNextBlockTimestamp(at);
}

describe("PositionManager.backstopLiquidate by anyone after the flag", function () {
  useSolvencyInvariant();

  it("refuses an outsider without a flag", async function () {
    const f = await backstopSetup();
    await moveBtc(f, wad("57000"));
    // No flag: since = 0, open at 0 + 300, closed at 600.
    await expect(f.pm.connect(f.outsider).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopNotPermitted")
      .withArgs(f.outsider.address, f.alice.address, 0n, AFTER, 2n * AFTER);
    expect((await f.pm.canLiquidate(f.alice.address)).permissionlessBackstop).to.equal(false);
  });

  it("lets LIQUIDATOR_ROLE take a flagged account over at once and clears the flag", async function () {
    const f = await backstopSetup();
    await flagAlice(f);
    const tx = f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
    await expect(tx).to.emit(f.pm, "LiquidatableFlagCleared").withArgs(f.alice.address);
    await expect(tx)
      .to.emit(f.pm, "BackstopTakeover")
      .withArgs(f.alice.address, BTC_USD, wad("100"), f.deployer.address);
    expect((await f.pm.canLiquidate(f.alice.address)).liquidatableSince).to.equal(0n);
  });

  it("opens to anyone from flag + 300 s and not a second before", async function () {
    const f = await backstopSetup();
    const since = await flagAlice(f);
    expect((await f.pm.canLiquidate(f.alice.address)).liquidatableSince).to.equal(since);
    // A second flag while the first stands changes nothing.
    await expect(f.pm.connect(f.bob).flagLiquidatable(f.alice.address)).not.to.emit(f.pm, "LiquidatableFlagged");
    expect((await f.pm.canLiquidate(f.alice.address)).liquidatableSince).to.equal(since);

    await freshAt(f, since + AFTER - 1n);
    await expect(f.pm.connect(f.outsider).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopNotPermitted")
      .withArgs(f.outsider.address, f.alice.address, since, since + AFTER, since + 2n * AFTER);

    await time.setNextBlockTimestamp(since + AFTER);
    const tx = f.pm.connect(f.outsider).backstopLiquidate(f.alice.address, BTC_USD);
    await expect(tx)
      .to.emit(f.pm, "BackstopTakeover")
      .withArgs(f.alice.address, BTC_USD, wad("100"), f.outsider.address);
    await expect(tx).to.emit(f.pm, "LiquidatableFlagCleared").withArgs(f.alice.address);
    expect((await f.pm.position(await f.fund.getAddress(), BTC_USD)).sizeWad).to.equal(wad("0.3"));
  });

  it("stays open until flag + 600 s included, then closes", async function () {
    const f = await backstopSetup();
    const since = await flagAlice(f);
    await freshAt(f, since + 2n * AFTER - 1n);
    const status = await f.pm.canLiquidate(f.alice.address);
    expect(status.permissionlessBackstop).to.equal(true);

    await time.setNextBlockTimestamp(since + 2n * AFTER + 1n);
    await expect(f.pm.connect(f.outsider).backstopLiquidate(f.alice.address, BTC_USD))
      .to.be.revertedWithCustomError(f.pm, "BackstopNotPermitted")
      .withArgs(f.outsider.address, f.alice.address, since, since + AFTER, since + 2n * AFTER);
  });

  it("accepts the last second of the window", async function () {
    const f = await backstopSetup();
    const since = await flagAlice(f);
    await freshAt(f, since + 2n * AFTER);
    await expect(f.pm.connect(f.carol).backstopLiquidate(f.alice.address, BTC_USD))
      .to.emit(f.pm, "BackstopTakeover")
      .withArgs(f.alice.address, BTC_USD, wad("100"), f.carol.address);
  });

  it("sets a new flag once the old window has closed", async function () {
    const f = await backstopSetup();
    const since = await flagAlice(f);
    await freshAt(f, since + 2n * AFTER + 1n);
    // "flag again after it closes" (BackstopNotPermitted): the stale flag is replaced by a fresh one.
    const tx = await f.pm.connect(f.outsider).flagLiquidatable(f.alice.address);
    const again = since + 2n * AFTER + 1n;
    await expect(tx).to.emit(f.pm, "LiquidatableFlagged").withArgs(f.alice.address, again);
    expect((await f.pm.canLiquidate(f.alice.address)).liquidatableSince).to.equal(again);

    await freshAt(f, again + AFTER);
    await expect(f.pm.connect(f.outsider).backstopLiquidate(f.alice.address, BTC_USD)).to.emit(
      f.pm,
      "BackstopTakeover",
    );
  });
});

describe("PositionManager.flagLiquidatable", function () {
  useSolvencyInvariant();

  it("does nothing for a healthy, unflagged account", async function () {
    const f = await backstopSetup();
    // At 60,000 alice's equity 1,000 ≥ maintenance 180.
    await expect(f.pm.connect(f.outsider).flagLiquidatable(f.alice.address)).not.to.emit(f.pm, "LiquidatableFlagged");
    expect(await f.pm.connect(f.outsider).flagLiquidatable.staticCall(f.alice.address)).to.equal(0n);
    // An account with no position at all (carol holds only cash) is not liquidatable either.
    await expect(f.pm.flagLiquidatable(f.carol.address)).not.to.emit(f.pm, "LiquidatableFlagged");
  });

  it("returns the flag's time and clears it once the account is healthy again", async function () {
    const f = await backstopSetup();
    const since = await flagAlice(f);
    expect(await f.pm.flagLiquidatable.staticCall(f.alice.address)).to.equal(since);

    // Back at 60,000 alice is healthy: anyone clears the flag.
    await moveBtc(f, wad("60000"));
    expect(await f.pm.flagLiquidatable.staticCall(f.alice.address)).to.equal(0n);
    await expect(f.pm.connect(f.outsider).flagLiquidatable(f.alice.address))
      .to.emit(f.pm, "LiquidatableFlagCleared")
      .withArgs(f.alice.address);
    const status = await f.pm.canLiquidate(f.alice.address);
    expect(status.liquidatableSince).to.equal(0n);
    expect(status.liquidatable).to.equal(false);
    // Clearing twice emits nothing.
    await expect(f.pm.flagLiquidatable(f.alice.address)).not.to.emit(f.pm, "LiquidatableFlagCleared");
  });
});
