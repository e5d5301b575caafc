/**
 * autoDeleverage closes only what is needed (DESIGN §8, §13.13): counterparties are taken in the order given, each
 * closes min(remaining, |its size|), the closed sizes add up to the bankrupt position, a surplus counterparty is left
 * untouched, and together they give up no more than the shortfall: Σ closed · |p − mark| ≤ D (each pays its close at
 * the bankruptcy price rounded against it, so the realized give-up may exceed that by one wei per counterparty).
 * Counterparties too small to close the whole position close it in part: the account keeps the rest.
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../../fixtures/keel";
import { receiptOf, walkPrices } from "../../trading/behaviourHelpers";
import { BANKRUPT_MARK, BTC_USD, adl, adlEvents, equityOf, openTrade, setupAdl, wad, type AdlFixture } from "./helpers";

describe("PositionManager.autoDeleverage closes only what is needed", function () {
  useSolvencyInvariant();

  /**
   * alice +0.3 @ 60,000 (0.2 from bob, 0.1 from carol); dave +0.2 @ 60,000 (0.1 from carol, 0.1 from erin).
   * Shorts: bob −0.2, carol −0.2, erin −0.1. Mark 56,000: alice's D = 200; every short is 4,000/BTC in profit.
   */
  async function setup(): Promise<AdlFixture> {
    const f = await setupAdl();
    await openTrade(f, f.alice, f.bob, wad("0.2"), wad("60000"));
    await openTrade(f, f.alice, f.carol, wad("0.1"), wad("60000"));
    await openTrade(f, f.dave, f.carol, wad("0.1"), wad("60000"));
    await openTrade(f, f.dave, f.erin, wad("0.1"), wad("60000"));
    await walkPrices(f, { [BTC_USD]: BANKRUPT_MARK });
    return f;
  }

  it("closes the first counterparty whole, the second for the rest, and leaves the third untouched", async function () {
    const f = await setup();
    const D = wad("200");
    expect(await equityOf(f, f.alice)).to.equal(-D);
    const before = new Map<string, bigint>();
    for (const c of [f.bob, f.carol, f.erin]) before.set(c.address, await equityOf(f, c));
    const erinBalance = await f.vault.balanceWad(f.erin.address);

    const events = adlEvents(f, await receiptOf(await adl(f, f.alice, BTC_USD, [f.bob, f.carol, f.erin])));
    // p = 56,000 + ⌊200e18 · 1e18 / 0.3e18⌋ = 56,666.666666666666666666.
    const p = 56666_666666666666666666n;
    // bob closes min(0.3, 0.2) = 0.2, carol min(0.1, 0.2) = 0.1, erin nothing (no event).
    expect(events.map((e) => [e.counterparty, e.sizeWad, e.priceWad])).to.deep.equal([
      [f.bob.address, wad("0.2"), p],
      [f.carol.address, wad("0.1"), p],
    ]);
    const closed = events.reduce((s, e) => s + e.sizeWad, 0n);
    expect(closed, "Σ closed = the bankrupt size").to.equal(wad("0.3"));

    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(0n);
    const carol = await f.pm.position(f.carol.address, BTC_USD);
    // carol keeps −0.1 with half her −12,000 basis.
    expect([carol.sizeWad, carol.openNotionalWad]).to.deep.equal([-wad("0.1"), -wad("6000")]);
    expect((await f.pm.position(f.erin.address, BTC_USD)).sizeWad).to.equal(-wad("0.1"));
    expect(await f.vault.balanceWad(f.erin.address)).to.equal(erinBalance);
    // Open interest: dave's 0.2 long is all that is left.
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.2"));

    // Ideal give-up Σ closed · (p − mark) = 0.3 · 666.666666666666666666 = 199.9999999999999999998 ≤ D.
    const ideal = events.reduce((s, e) => s + (e.sizeWad * (e.priceWad - BANKRUPT_MARK)) / 10n ** 18n, 0n);
    expect(ideal).to.be.lte(D);
    // Realized give-up (equity before − after, marks held): bob 800 − (12,000 − ⌈11,333.3333333333333333332⌉)
    // = 133.333333333333333334, carol 800 − (333.333333333333333333 + 400) = 66.666666666666666667: Σ = D + 1 wei
    // (each counterparty's cost rounds up against it, DESIGN §2).
    let realized = 0n;
    for (const c of [f.bob, f.carol, f.erin]) realized += before.get(c.address)! - (await equityOf(f, c));
    expect(realized).to.equal(D + 1n);
    expect(await equityOf(f, f.erin)).to.equal(before.get(f.erin.address));
  });

  it("closes in part when the counterparties hold less than the bankrupt size", async function () {
    const f = await setup();
    // Only erin (−0.1): 0.1 of alice's 0.3 closes at p; alice keeps 0.2 and 2/3 of her basis (12,000).
    const p = 56666_666666666666666666n;
    await expect(adl(f, f.alice, BTC_USD, [f.erin]))
      .to.emit(f.pm, "AutoDeleveraged")
      .withArgs(f.alice.address, f.erin.address, BTC_USD, wad("0.1"), p);
    const a = await f.pm.position(f.alice.address, BTC_USD);
    expect([a.sizeWad, a.openNotionalWad]).to.deep.equal([wad("0.2"), wad("12000")]);
    // alice: ⌊0.1 · p⌋ − 6,000 = 5,666.666666666666666666 − 6,000 → balance 666.666666666666666666; her equity
    // improves by 0.1 · 666.666666666666666666: −200 + 66.666666666666666666 = −133.333333333333333334.
    expect(await f.vault.balanceWad(f.alice.address)).to.equal(666_666666666666666666n);
    expect(await equityOf(f, f.alice)).to.equal(-133_333333333333333334n);
    expect((await f.pm.position(f.erin.address, BTC_USD)).sizeWad).to.equal(0n);
  });

  it("ignores a counterparty listed after the position is closed, even an ineligible one", async function () {
    const f = await setup();
    // bob and carol close 0.3; dave (a long, ineligible) comes after: never looked at.
    const daveBalance = await f.vault.balanceWad(f.dave.address);
    await expect(adl(f, f.alice, BTC_USD, [f.bob, f.carol, f.dave])).not.to.be.reverted;
    expect((await f.pm.position(f.dave.address, BTC_USD)).sizeWad).to.equal(wad("0.2"));
    expect(await f.vault.balanceWad(f.dave.address)).to.equal(daveBalance);
  });
});
