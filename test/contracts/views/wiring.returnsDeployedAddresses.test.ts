/**
 * The PositionManager's wiring views name the contracts and vault accounts the deploy connected it to, as keepers
 * and wallets read them (IPositionManager): the vault, the market registry, the oracle, the fee recipient and the
 * insurance fund.
 */
import { expect } from "chai";
import { getNamedAccounts } from "hardhat";
import { deployKeel } from "../../fixtures/keel";

describe("PositionManager wiring views", function () {
  it("return the deployed vault, registry, oracle, insurance fund and the named fee recipient", async function () {
    const f = await deployKeel();
    const { feeRecipient } = await getNamedAccounts();

    expect(await f.pm.vault()).to.equal(await f.vault.getAddress());
    expect(await f.pm.marketRegistry()).to.equal(await f.registry.getAddress());
    expect(await f.pm.oracle()).to.equal(await f.oracle.getAddress());
    expect(await f.pm.insuranceFund()).to.equal(await f.fund.getAddress());
    expect(await f.pm.feeRecipient()).to.equal(feeRecipient);
    expect(await f.fund.positionManager()).to.equal(await f.pm.getAddress());
  });
});
