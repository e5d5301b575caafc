/**
 * The fund's operator can withdraw the fund's own signed unwind orders (IInsuranceFund.cancelOrder / cancelUpTo): the
 * fund contract is the order's account, so it cancels through the PositionManager as any account would. Nobody else
 * may.
 */
import { expect } from "chai";
import { useSolvencyInvariant } from "../../fixtures/keel";
import { OrderState } from "../../../keepers/sdk/orders";
import { backstopSetup, fundAddress, fundOrder, wad } from "../waterfall/backstop/helpers";

describe("InsuranceFund.cancelOrder and cancelUpTo", function () {
  useSolvencyInvariant();

  it("lets a BACKSTOP_OPERATOR_ROLE key cancel one of the fund's orders (OrderCancelled, state Dead)", async function () {
    const f = await backstopSetup();
    const o = await fundOrder(f, "sell", { size: wad("0.1"), price: wad("57500") });
    const hash = await f.pm.orderDigest(o.order);
    await expect(f.fund.connect(f.deployer).cancelOrder(o.order))
      .to.emit(f.pm, "OrderCancelled")
      .withArgs(await fundAddress(f), hash, o.order.nonce);
    expect((await f.pm.orderStatus(o.order)).state).to.equal(OrderState.Dead);
  });

  it("lets the operator void every fund order below a nonce (NonceFloorRaised)", async function () {
    const f = await backstopSetup();
    const o = await fundOrder(f, "sell", { size: wad("0.1"), price: wad("57500") });
    await expect(f.fund.connect(f.deployer).cancelUpTo(o.order.nonce + 1n))
      .to.emit(f.pm, "NonceFloorRaised")
      .withArgs(await fundAddress(f), o.order.nonce + 1n);
    expect((await f.pm.orderStatus(o.order)).state).to.equal(OrderState.BelowNonceFloor);
  });

  it("reverts AccessControlUnauthorizedAccount for anyone else", async function () {
    const f = await backstopSetup();
    const o = await fundOrder(f, "sell", { size: wad("0.1"), price: wad("57500") });
    const role = await f.fund.BACKSTOP_OPERATOR_ROLE();
    await expect(f.fund.connect(f.outsider).cancelOrder(o.order))
      .to.be.revertedWithCustomError(f.fund, "AccessControlUnauthorizedAccount")
      .withArgs(f.outsider.address, role);
    await expect(f.fund.connect(f.outsider).cancelUpTo(5n))
      .to.be.revertedWithCustomError(f.fund, "AccessControlUnauthorizedAccount")
      .withArgs(f.outsider.address, role);
  });
});
