/**
 * autoDeleverage works while the PositionManager is paused (DESIGN §3: pausing blocks new risk, never the waterfall)
 * and settles each call through one zero-sum vault settlement (the clearing account takes the rounding dust).
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../../fixtures/keel";
import { clearingBalance, receiptOf, settledDeltas } from "../../trading/behaviourHelpers";
import { BTC_USD, adl, bankruptLong, setupAdl, wad } from "./helpers";

describe("PositionManager.autoDeleverage works while paused", function () {
  useSolvencyInvariant();

  it("closes the bankrupt position while paused", async function () {
    const f = await setupAdl();
    await bankruptLong(f);
    await f.pm.connect(f.deployer).pause();
    expect(await f.pm.paused()).to.equal(true);
    const clearingBefore = await clearingBalance(f);

    const receipt = await receiptOf(await adl(f, f.alice, BTC_USD, [f.bob]));
    // One zero-sum settlement (settledDeltas checks there is exactly one): alice −1,000 − 1 wei, bob +1,000, the
    // clearing account +1 wei (alice was credited ⌊0.3 · p⌋, bob charged ⌈0.3 · p⌉).
    const d = settledDeltas(f, receipt);
    expect(d.get(f.alice.address)).to.equal(-wad("1000") - 1n);
    expect(d.get(f.bob.address)).to.equal(wad("1000"));
    expect(d.get(await f.pm.getAddress())).to.equal(1n);
    expect(await clearingBalance(f)).to.equal(clearingBefore + 1n);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
    expect(await f.pm.adlScore(f.bob.address, BTC_USD)).to.equal(0n);
  });
});
