/**
 * A book liquidation that leaves the account flat with a negative balance first returns its pending withdrawal to the
 * balance (DESIGN §3: a pending withdrawal still backs maintenance); when that repays the debt, the insurance fund is
 * not drawn and no bad debt is recorded — the account keeps what is left.
 *
 * alice deposits 2,200, buys 0.3 at 60,000 (taker fee 8.1: balance 2,191.9) and requests 1,200 back: balance 991.9,
 * pending 1,200. At 53,200 her basis is 991.9 + 1,200 − 0.3 · 6,800 = 151.9 < maintenance 0.3 · 53,200 · 1% = 159.6
 * (above ⅔ of it: a book case). Sold at the mark: realized −2,040, fee 15,960 · 0.5% = 79.8 → −1,127.9, and with the
 * 1,200 released, 72.1.
 */
import { expect } from "chai";
import { deployKeel, useSolvencyInvariant } from "../../../fixtures/keel";
import {
  BTC_USD,
  insuranceBalance,
  liqFill,
  liquidate,
  makerOrder,
  markAt,
  openAt60k,
  seedInsurance,
  usdc,
  wad,
} from "./helpers";

const SIZE = wad("0.3");
const MARK = wad("53200");

describe("PositionManager.liquidateOnBook with a pending withdrawal that repays the residual debt", function () {
  useSolvencyInvariant();

  it("releases the withdrawal, leaves the fund untouched and records no bad debt", async function () {
    const f = await deployKeel();
    await seedInsurance(f, usdc(10_000));
    await openAt60k(f, f.alice, "buy", SIZE, usdc(2_200));
    await f.vault.connect(f.alice).requestWithdrawal(usdc(1_200));
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("991.9"));
    await markAt(f, MARK);
    expect((await f.pm.accountHealth(f.alice.address)).equityWad).to.equal(wad("151.9"));
    const bid = await makerOrder(f, f.carol, "buy", SIZE, MARK);
    const fundBefore = await insuranceBalance(f);

    const tx = liquidate(f, f.alice, [bid], [liqFill(0, SIZE, MARK)]);

    await expect(tx)
      .to.emit(f.pm, "LiquidatedOnBook")
      .withArgs(f.alice.address, BTC_USD, SIZE, wad("15960"), wad("79.8"));
    await expect(tx).to.emit(f.vault, "WithdrawalCancelled");
    await expect(tx).not.to.emit(f.fund, "BadDebtCovered");
    await expect(tx).not.to.emit(f.pm, "BadDebtRecorded");
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(wad("72.1"));
    expect((await f.vault.pendingWithdrawal(f.alice.address)).amount).to.equal(0n);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
    // The fund only gained: the liquidation fee 79.8 and 20% of carol's maker fee 15,960 · 0.015% = 2.394.
    expect((await insuranceBalance(f)) - fundBefore).to.equal(wad("80.2788"));
  });
});
