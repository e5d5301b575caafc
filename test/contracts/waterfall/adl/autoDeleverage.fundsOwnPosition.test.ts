/**
 * autoDeleverage of the insurance fund's own backstop position (Waterfall._requireFundCannotCover: "the fund's own
 * bankrupt positions always qualify"): once a position the backstop took over drives the fund's equity below zero,
 * ADL closes it at the fund's bankruptcy price without asking the fund to cover itself, and the rounding residual is
 * recorded as the fund's own bad debt.
 */
import { expect } from "chai";
import { usdc, useSolvencyInvariant } from "../../../fixtures/keel";
import { walkPrices } from "../../trading/behaviourHelpers";
import { BTC_USD, bankruptLong, equityOf, fundInsurance, setupAdl, wad } from "./helpers";

describe("PositionManager.autoDeleverage of the insurance fund's own position", function () {
  useSolvencyInvariant();

  it("closes the fund's bankrupt backstop position against a profitable short", async function () {
    const f = await setupAdl();
    const fundAddress = await f.fund.getAddress();
    await bankruptLong(f); // alice D = 200
    await fundInsurance(f, usdc(1_000));
    // Backstop: the fund pays alice's 200 and takes +0.3 @ 56,000 (basis 16,800): balance 800, equity 800.
    await f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
    expect(await f.vault.balanceWad(fundAddress)).to.equal(wad("800"));
    // Mark 52,000: the fund's equity 800 + 0.3 · (52,000 − 56,000) = −400.
    await walkPrices(f, { [BTC_USD]: wad("52000") });
    expect(await equityOf(f, fundAddress)).to.equal(-wad("400"));

    // p = 52,000 + ⌊400e18 · 1e18 / 0.3e18⌋ = 53,333.333333333333333333 (no AdlInsuranceCanCover for the fund).
    const p = 53333_333333333333333333n;
    const tx = f.pm.connect(f.deployer).autoDeleverage(fundAddress, BTC_USD, [f.bob.address]);
    await expect(tx).to.emit(f.pm, "AutoDeleveraged").withArgs(fundAddress, f.bob.address, BTC_USD, wad("0.3"), p);
    // The fund never covers its own debt.
    await expect(tx).not.to.emit(f.fund, "BadDebtCovered");
    // fund: ⌊0.3 · p⌋ − 16,800 = 15,999.999999999999999999 − 16,800 = −800 − 1 wei → balance −1 wei, recorded.
    await expect(tx).to.emit(f.pm, "BadDebtRecorded").withArgs(fundAddress, BTC_USD, 1n);
    expect(await f.vault.balanceWad(fundAddress)).to.equal(-1n);
    // bob (−0.3 @ 60,000): 18,000 − ⌈15,999.9999999999999999999⌉ = +2,000 (he gave up 0.3 · 1,333.33 = 400 = D
    // of his 2,400 profit at the mark).
    expect(await f.vault.balanceWad(f.bob.address)).to.equal(wad("102000"));
    expect((await f.pm.position(fundAddress, BTC_USD)).sizeWad).to.equal(0n);
  });
});
