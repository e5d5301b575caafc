/**
 * A book liquidation that leaves the account with no position and a negative balance — fills within the band but past
 * its bankruptcy price, plus the liquidation fee — hands the debt to the insurance fund at once (DESIGN §13.11: every
 * shortfall is covered by insurance or recorded as bad debt; once flat, no later stage can reach the account:
 * backstop and ADL need a position). The fund covers what it can (BadDebtCovered), the rest is BadDebtRecorded, and
 * the liquidation fee the account could not pay never stays in the fund as money nobody holds.
 *
 * Setup (helpers.ts liquidatableLong): alice long 0.3 at 60,000 with 991.9 USD; mark 57,200: equity 151.9 < MM 171.6
 * (above ⅔ MM = 114.4: a book case). The liquidator sells her 0.3 at 56,056, the lower edge of the 2% band
 * (57,200 − 1,144): notional 16,816.8, realized 16,816.8 − 18,000 = −1,183.2, fee 16,816.8 · 0.5% = 84.084 →
 * balance 991.9 − 1,183.2 − 84.084 = −275.384. carol's maker fee 16,816.8 · 0.015% = 2.52252, 20% of it (0.504504)
 * to the insurance fund, which held 2.16 from the opening trade.
 */
import { expect } from "chai";
import { deployKeel, useSolvencyInvariant, type KeelFixture } from "../../../fixtures/keel";
import {
  BTC_USD,
  LONG_SIZE,
  insuranceBalance,
  liqFill,
  liquidatableLong,
  liquidate,
  makerOrder,
  markAt,
  openAt60k,
  seedInsurance,
  usdc,
  wad,
} from "./helpers";

const EDGE = wad("56056");

async function setup(seedUsdc: bigint): Promise<KeelFixture> {
  const f = await deployKeel();
  if (seedUsdc > 0n) await seedInsurance(f, seedUsdc);
  await liquidatableLong(f);
  return f;
}

describe("PositionManager.liquidateOnBook covers the debt of an account it leaves flat and negative", function () {
  useSolvencyInvariant();

  it("the insurance fund covers the whole residual debt when it can", async function () {
    const f = await setup(usdc(10_000));
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, EDGE);
    const tx = liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, EDGE)]);
    await expect(tx)
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, BTC_USD, LONG_SIZE, wad("16816.8"), wad("84.084"));
    await expect(tx).to.emit(f.fund, "BadDebtCovered").withArgs(BTC_USD, wad("275.384"), wad("275.384"));
    await expect(tx).not.to.emit(f.pm, "BadDebtRecorded");
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(0n);
    // Fund: 10,000 + 2.16 + 84.084 + 0.504504 − 275.384 = 9,811.364504 (it nets the 275.384 − 84.084 = 191.3 of
    // real loss, less its 0.504504 share of the maker fee).
    expect(await insuranceBalance(f)).to.equal(wad("9811.364504"));
    const s = await f.pm.canLiquidate(f.alice.address);
    expect([s.equityWad, s.maintenanceMarginWad, s.liquidatable]).to.deep.equal([0n, 0n, false]);
  });

  it("records as bad debt what the fund cannot cover", async function () {
    // Unseeded fund: 2.16 + 84.084 + 0.504504 = 86.748504 available after the fills; 275.384 − 86.748504 =
    // 188.635496 is left as bad debt (and the draw of all the fund trips the 30% circuit breaker of BTC-USD).
    const f = await setup(0n);
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, EDGE);
    const tx = liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, EDGE)]);
    await expect(tx).to.emit(f.fund, "BadDebtCovered").withArgs(BTC_USD, wad("275.384"), wad("86.748504"));
    await expect(tx).to.emit(f.pm, "BadDebtRecorded").withArgs(f.alice.address, BTC_USD, wad("188.635496"));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(-wad("188.635496"));
    expect(await insuranceBalance(f)).to.equal(0n);
  });

  it("a bankrupt account liquidated at the mark: the fund nets its deficit, not a fee nobody paid", async function () {
    // alice deposits 900, buys 0.3 at 60,000 (balance 891.9); at 57,000 equity 891.9 − 900 = −8.1.
    const f = await deployKeel();
    await seedInsurance(f, usdc(10_000));
    await openAt60k(f, f.alice, "buy", LONG_SIZE, usdc(900));
    const mark = wad("57000");
    await markAt(f, mark);
    const before = await insuranceBalance(f);
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, mark);
    // Notional 17,100, fee 85.5 → alice −8.1 − 85.5 = −93.6, covered in full; carol's maker fee 2.565, 20% = 0.513.
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, mark)]))
      .to.emit(f.fund, "BadDebtCovered")
      .withArgs(BTC_USD, wad("93.6"), wad("93.6"));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(0n);
    // Fund: +85.5 + 0.513 − 93.6 = −7.587 = −(deficit 8.1) + its maker-fee share 0.513.
    expect((await insuranceBalance(f)) - before).to.equal(-wad("7.587"));
  });

  it("releases a pending withdrawal into the debt before the fund covers the rest", async function () {
    // alice deposits 1,500, buys 0.3 at 60,000 (balance 1,491.9) and requests 500 back: balance 991.9, pending 500.
    // At 55,500 her basis is 991.9 + 500 − 0.3 · 4,500 = 141.9 < MM 0.3 · 55,500 · 1% = 166.5.
    const f = await deployKeel();
    await seedInsurance(f, usdc(10_000));
    await openAt60k(f, f.alice, "buy", LONG_SIZE, usdc(1500));
    await f.vault.connect(f.alice).requestWithdrawal(usdc(500));
    const mark = wad("55500");
    await markAt(f, mark);
    // Band edge 55,500 · 0.98 = 54,390: notional 16,317, realized 16,317 − 18,000 = −1,683, fee 81.585 →
    // 991.9 − 1,683 − 81.585 = −772.685; + the released 500 = −272.685, which the fund covers.
    const edge = wad("54390");
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, edge);
    const tx = liquidate(f, f.alice, [bid], [liqFill(0, LONG_SIZE, edge)]);
    await expect(tx).to.emit(f.vault, "WithdrawalCancelled");
    await expect(tx).to.emit(f.fund, "BadDebtCovered").withArgs(BTC_USD, wad("272.685"), wad("272.685"));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(0n);
    expect((await f.vault.pendingWithdrawal(f.alice.address)).amount).to.equal(0n);
  });

  it("leaves a partial close's negative equity to the later stages (the account still holds a position)", async function () {
    const f = await setup(usdc(10_000));
    const bid = await makerOrder(f, f.carol, "buy", LONG_SIZE, EDGE);
    // Close 0.2 of 0.3 at 56,056: realized 11,211.2 − 12,000 = −788.8, fee 11,211.2 · 0.5% = 56.056 →
    // 991.9 − 844.856 = 147.044 (positive balance; equity 147.044 + 0.1 · −2,800 = −132.956 for backstop/ADL).
    await expect(liquidate(f, f.alice, [bid], [liqFill(0, wad("0.2"), EDGE)])).not.to.emit(f.fund, "BadDebtCovered");
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("147.044"));
    expect((await f.pm.canLiquidate(f.alice.address)).equityWad).to.equal(-wad("132.956"));
  });
});
