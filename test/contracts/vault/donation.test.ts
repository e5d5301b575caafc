import { expect } from "chai";
import { deployKeel, fund, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";

describe("CollateralVault donation (tokens sent without a deposit)", function () {
  useSolvencyInvariant();

  it("shows as surplus and credits nobody", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(100));
    await f.usdc.mint(f.bob.address, usdc(7));

    await f.usdc.connect(f.bob).transfer(await f.vault.getAddress(), usdc(7));

    expect(await f.vault.surplusWad()).to.equal(wad(7));
    expect(await f.vault.balanceWad(f.bob.address)).to.equal(0n);
    expect(await f.vault.totalCreditWad()).to.equal(wad(100));
  });
});
