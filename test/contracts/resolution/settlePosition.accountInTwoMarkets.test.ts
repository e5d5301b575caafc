/**
 * Settlement of an account that loses in two Resolved markets (IMarketResolution.settlePosition, §13.11): a loss is
 * paid in full while the account holds another position, and capped at the balance for its last one. Whatever the
 * order, every unit of the shortfall must end up either recorded as uncollected (fund, then haircut) or — when the
 * last settlement leaves a negative balance — covered by the fund or recorded as bad debt (`BadDebtRecorded`, whose
 * NatSpec names settlement), never left as a silent negative balance.
 *
 * Setup (fees 0 on both markets): L deposits 100 USDC, buys 0.01 BTC at 60,000 from bob and sells 1,000 SENATE22-R
 * at 0.40 to alice (IM ≈ 12.0 + 40.04 ≤ 100). BTC-USD resolves at 50,000 (L −0.01 · 10,000 = −100), SENATE22-R at 1
 * (L −(1,000 − 400) = −600): L owes 700 and has 100, a shortfall of 600.
 */
import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import {
  BTC_USD,
  SENATE22_R,
  deployKeel,
  usdc,
  useSolvencyInvariant,
  wad,
  type KeelFixture,
} from "../../fixtures/keel";
import { BTC_PRICE, WAD, defaultPrices, fundAll, trade } from "../trading/helpers";
import { balanceOf, setFees } from "../trading/behaviourHelpers";
import { DISPUTE_WINDOW, beginResolving, extraAccounts } from "./helpers";

async function loserInTwoMarkets(): Promise<{ f: KeelFixture; loser: HardhatEthersSigner }> {
  const f = await deployKeel();
  const [loser] = await extraAccounts(f, 1);
  await fundAll(f, [loser], usdc(100));
  await fundAll(f, [f.alice, f.bob], usdc(10_000));
  await setFees(f, BTC_USD, 0n, 0n, 0n);
  await setFees(f, SENATE22_R, 0n, 0n, 0n);
  await defaultPrices(f);
  await trade(f, f.bob, loser, "buy", wad("0.01"), BTC_PRICE);
  await trade(f, loser, f.alice, "buy", wad("1000"), wad("0.4"), SENATE22_R);
  await beginResolving(f, BTC_USD);
  await beginResolving(f, SENATE22_R);
  await f.pm.connect(f.deployer).proposeFinalPrice(BTC_USD, wad("50000"));
  await f.pm.connect(f.deployer).proposeFinalPrice(SENATE22_R, WAD);
  await time.increase(DISPUTE_WINDOW[BTC_USD]);
  await f.pm.finalizeResolution(BTC_USD);
  await f.pm.finalizeResolution(SENATE22_R);
  return { f, loser };
}

describe("PositionManager.settlePosition of an account losing in two markets", function () {
  useSolvencyInvariant();

  it("BTC-USD first: pays 100 in full, then 0 of 600 in SENATE22-R: 600 uncollected, balance 0", async function () {
    const { f, loser } = await loserInTwoMarkets();
    await expect(f.pm.settlePosition(loser.address, BTC_USD))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(loser.address, BTC_USD, wad("0.01"), -wad("100"), wad("100"));
    await expect(f.pm.settlePosition(loser.address, SENATE22_R))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(loser.address, SENATE22_R, -wad("1000"), -wad("600"), 0n);
    expect(await balanceOf(f, loser)).to.equal(0n);
    expect((await f.pm.resolution(SENATE22_R)).uncollectedWad).to.equal(wad("600"));
  });

  // In the other order the SENATE22-R loss of 600 is taken in full (L still holds BTC) and drives L's balance to
  // −500; closing L's last position (BTC-USD) writes that debt off the account into BTC-USD's uncollected losses
  // together with the 100 it cannot pay: 600 uncollected, covered by the fund or the haircut, none left on L.
  it("SENATE22-R first: the −500 left by the full payment is written off into the last market's uncollected", async function () {
    const { f, loser } = await loserInTwoMarkets();
    await expect(f.pm.settlePosition(loser.address, SENATE22_R))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(loser.address, SENATE22_R, -wad("1000"), -wad("600"), wad("600"));
    expect(await balanceOf(f, loser)).to.equal(-wad("500"));
    // The last position: 0 of 100 collected; 100 + the residual 500 = 600 uncollected, the account back at 0.
    await expect(f.pm.settlePosition(loser.address, BTC_USD))
      .to.emit(f.pm, "PositionSettled")
      .withArgs(loser.address, BTC_USD, wad("0.01"), -wad("100"), 0n);
    expect(await balanceOf(f, loser)).to.equal(0n);
    expect((await f.pm.resolution(BTC_USD)).uncollectedWad).to.equal(wad("600"));
  });
});
