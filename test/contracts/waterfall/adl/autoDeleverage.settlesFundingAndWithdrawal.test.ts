/**
 * autoDeleverage measures the deficit the way maintenance does (DESIGN §3, §7): pending funding is part of the
 * deficit (and of the counterparty's profit) and is settled by the close; a pending withdrawal counts as equity and
 * is released back to the balance before the close.
 */
import { expect } from "chai";
import { usdc, useSolvencyInvariant } from "../../../fixtures/keel";
import { BTC_USD, adl, bankruptLong, equityOf, openTrade, setupAdl, wad } from "./helpers";
import { walkPrices } from "../../trading/behaviourHelpers";

describe("PositionManager.autoDeleverage settles funding and pending withdrawals", function () {
  useSolvencyInvariant();

  it("includes pending funding in the deficit and settles it", async function () {
    const f = await setupAdl();
    await bankruptLong(f);
    // Longs pay 100 per BTC: alice owes 0.3 · 100 = 30 → D = 230; bob's short receives 30.
    await f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("100"));
    expect(await equityOf(f, f.alice)).to.equal(-wad("230"));

    // p = 56,000 + ⌊230e18 · 1e18 / 0.3e18⌋ = 56,766.666666666666666666.
    const p = 56766_666666666666666666n;
    await expect(adl(f, f.alice, BTC_USD, [f.bob]))
      .to.emit(f.pm, "AutoDeleveraged")
      .withArgs(f.alice.address, f.bob.address, BTC_USD, wad("0.3"), p);
    // alice: ⌊0.3 · p⌋ − 18,000 − 30 = 17,029.999999999999999999 − 18,030 = −1,000 − 1 wei → balance −1 wei.
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(-1n);
    // bob: 18,000 − ⌈17,029.9999999999999999998⌉ + 30 = +1,000.
    expect(await f.vault.balanceWad(f.bob.address)).to.equal(wad("101000"));
    expect((await f.pm.position(f.bob.address, BTC_USD)).pendingFundingWad).to.equal(0n);
  });

  it("counts a pending withdrawal as equity and releases it", async function () {
    const f = await setupAdl();
    await openTrade(f, f.alice, f.bob, wad("0.3"), wad("60000"));
    // alice asks for 500 of her 1,000 (initial margin 2% · 18,000 = 360 stays covered).
    await f.vault.connect(f.alice).requestWithdrawal(usdc(500));
    await walkPrices(f, { [BTC_USD]: wad("56000") });
    // Maintenance basis: 500 + 500 pending − 1,200 = −200, the same deficit as without the request.
    expect(await equityOf(f, f.alice)).to.equal(-wad("200"));
    await expect(adl(f, f.alice, BTC_USD, [f.bob]))
      .to.emit(f.vault, "WithdrawalCancelled")
      .withArgs(f.alice.address, usdc(500), wad("500"), await f.pm.getAddress());
    expect((await f.vault.pendingWithdrawal(f.alice.address)).amount).to.equal(0n);
    // Then as in the plain case: 1,000 − 1,000 − 1 wei.
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(-1n);
  });
});
