/**
 * canLiquidate reports an account's place in the waterfall (DESIGN §8; ILiquidationWaterfall.canLiquidate):
 * `liquidatable` exactly when equity (pending withdrawal included) < MM, `belowBackstopThreshold` exactly when
 * equity < ⅔ MM, and liquidateOnBook agrees with `liquidatable` at the boundary (DESIGN §13.10: liquidation succeeds
 * exactly when equity < maintenance at a fresh mark).
 *
 * Setup: alice deposits D USDC and buys 0.3 BTC at 60,000 (taker fee 8.1); at a mark of 57,000 her equity is
 * D − 8.1 − 0.3 · 3,000 = D − 908.1 and MM = 0.3 · 57,000 · 1% = 171 (⅔ MM = 114).
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel, useSolvencyInvariant, type KeelFixture } from "../../../fixtures/keel";
import {
  BTC_USD,
  LIQ_MARK,
  LONG_SIZE,
  liqFill,
  liquidate,
  makerOrder,
  markAt,
  openAt60k,
  refreshAt,
  usdc,
  wad,
} from "./helpers";

const MARK = wad("57000");

async function aliceWith(depositUsdc: bigint): Promise<KeelFixture> {
  const f = await deployKeel();
  await openAt60k(f, f.alice, "buy", LONG_SIZE, depositUsdc);
  await markAt(f, MARK);
  return f;
}

async function expectStatus(
  f: KeelFixture,
  who: { address: string },
  equityWad: bigint,
  maintenanceWad: bigint,
  liquidatable: boolean,
  belowBackstop: boolean,
): Promise<void> {
  const s = await f.pm.canLiquidate(who.address);
  expect(s.equityWad, "equity").to.equal(equityWad);
  expect(s.maintenanceMarginWad, "maintenance").to.equal(maintenanceWad);
  expect(s.liquidatable, "liquidatable").to.equal(liquidatable);
  expect(s.belowBackstopThreshold, "belowBackstopThreshold").to.equal(belowBackstop);
  // accountHealth agrees on the basis and the flag.
  const h = await f.pm.accountHealth(who.address);
  expect([h.equityWad, h.maintenanceMarginWad, h.liquidatable]).to.deep.equal([
    equityWad,
    maintenanceWad,
    liquidatable,
  ]);
}

describe("PositionManager.canLiquidate flags", function () {
  useSolvencyInvariant();

  it("equity = MM is healthy: not liquidatable, and liquidateOnBook refuses it", async function () {
    // D = 1,079.1: equity 1,079.1 − 908.1 = 171 = MM.
    const f = await aliceWith(usdc("1079.1"));
    await expectStatus(f, f.alice, wad("171"), wad("171"), false, false);
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, MARK);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, MARK)]))
      .to.be.revertedWithCustomError(f.pm, "LiquidationAccountHealthy")
      .withArgs(f.alice.address, wad("171"), wad("171"));
  });

  it("one micro-dollar below MM is liquidatable (not yet the backstop), and liquidateOnBook closes it", async function () {
    // D = 1,079.099999: equity 170.999999 < 171; 3 · 170.999999 ≥ 2 · 171.
    const f = await aliceWith(usdc("1079.099999"));
    await expectStatus(f, f.alice, wad("170.999999"), wad("171"), true, false);
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, MARK);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, MARK)])).to.emit(f.pm, "LiquidatedOnBook");
    // Realized −900, fee 17,100 · 0.5% = 85.5: 1,079.099999 − 8.1 − 900 − 85.5 = 85.499999; flat: equity = balance.
    await expectStatus(f, f.alice, wad("85.499999"), 0n, false, false);
  });

  it("equity = ⅔ MM is not below the backstop threshold; one micro-dollar less is", async function () {
    // D = 1,022.1: equity 114 = ⅔ · 171 (3 · 114 = 342 = 2 · 171).
    let f = await aliceWith(usdc("1022.1"));
    await expectStatus(f, f.alice, wad("114"), wad("171"), true, false);
    f = await aliceWith(usdc("1022.099999"));
    await expectStatus(f, f.alice, wad("113.999999"), wad("171"), true, true);
  });

  it("negative equity is liquidatable and below the backstop threshold", async function () {
    // D = 900: equity 900 − 908.1 = −8.1.
    const f = await aliceWith(usdc("900"));
    await expectStatus(f, f.alice, -wad("8.1"), wad("171"), true, true);
  });

  it("an account without positions is healthy whatever its balance", async function () {
    const f = await aliceWith(usdc("1079.1"));
    // carol: 100,000 deposited, no position; outsider: nothing.
    await expectStatus(f, f.carol, wad("100000"), 0n, false, false);
    await expectStatus(f, f.outsider, 0n, 0n, false, false);
  });

  it("counts a pending withdrawal as collateral for maintenance (no liquidation)", async function () {
    // alice deposits 1,500, buys 0.3 (balance 1,491.9) and requests 500 back at 60,000 (equity 991.9 ≥ IM).
    const f = await deployKeel();
    await openAt60k(f, f.alice, "buy", LONG_SIZE, usdc(1500));
    await f.vault.connect(f.alice).requestWithdrawal(usdc(500));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("991.9"));
    await markAt(f, LIQ_MARK);
    // At 57,200 the basis is 991.9 + 500 pending − 840 = 651.9 ≥ MM 171.6 (without the pending 500: 151.9 < MM).
    await expectStatus(f, f.alice, wad("651.9"), wad("171.6"), false, false);
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, LIQ_MARK);
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, LIQ_MARK)]))
      .to.be.revertedWithCustomError(f.pm, "LiquidationAccountHealthy")
      .withArgs(f.alice.address, wad("651.9"), wad("171.6"));
  });

  it("reports the flag time and the permissionless window [since + 300 s, since + 600 s]", async function () {
    const f = await aliceWith(usdc("1000"));
    let s = await f.pm.canLiquidate(f.alice.address);
    expect([s.liquidatableSince, s.permissionlessBackstop]).to.deep.equal([0n, false]);
    await f.pm.connect(f.outsider).flagLiquidatable(f.alice.address);
    const since = await time.latest();
    s = await f.pm.canLiquidate(f.alice.address);
    expect([s.liquidatableSince, s.permissionlessBackstop]).to.deep.equal([BigInt(since), false]);
    // Prices stay fresh (60 s) by re-pushing them on the way.
    for (const t of [since + 60, since + 120, since + 180, since + 240, since + 299]) await refreshAt(f, t);
    expect((await f.pm.canLiquidate(f.alice.address)).permissionlessBackstop, "at since + 299").to.equal(false);
    await refreshAt(f, since + 300);
    expect((await f.pm.canLiquidate(f.alice.address)).permissionlessBackstop, "at since + 300").to.equal(true);
    for (const t of [since + 360, since + 420, since + 480, since + 540, since + 600]) await refreshAt(f, t);
    expect((await f.pm.canLiquidate(f.alice.address)).permissionlessBackstop, "at since + 600").to.equal(true);
    await refreshAt(f, since + 601);
    expect((await f.pm.canLiquidate(f.alice.address)).permissionlessBackstop, "at since + 601").to.equal(false);
    expect((await f.pm.canLiquidate(f.alice.address)).liquidatableSince).to.equal(BigInt(since));
  });

  it("reverts OracleStale when a held market's price is stale", async function () {
    const f = await aliceWith(usdc("1000"));
    const pushedAt = Number((await f.oracle.snapshot(BTC_USD)).timestamp);
    await time.increaseTo(pushedAt + 61);
    await expect(f.pm.canLiquidate(f.alice.address))
      .to.be.revertedWithCustomError(f.oracle, "OracleStale")
      .withArgs(BTC_USD, pushedAt, 60, pushedAt + 61);
  });
});
