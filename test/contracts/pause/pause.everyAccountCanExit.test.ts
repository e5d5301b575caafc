/**
 * A paused protocol still lets every account reduce risk, cancel and withdraw within margin (DESIGN §3, §13.20).
 * Withdrawals keep their margin check (equity after the request ≥ initial margin); resolution keeps working too.
 *
 * Setup (pause/helpers.ts): alice long 0.3 BTC at 60,000 against bob (short 0.1) and carol (short 0.2), fees 0,
 * 10,000 USDC each, paused. OI 0.3: imf = 2% + 3% · 0.3 / 1,000 = 2.0009%, so alice's IM at 60,000 is
 * 18,000 · 2.0009% = 360.162.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { MarketStatus } from "../../../deploy/params";
import { BTC_USD, SENATE22_R, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";
import { BTC_PRICE, OrderFlag, defaultPrices, order, settle } from "../trading/helpers";
import { balanceOf, place } from "../trading/behaviourHelpers";
import { DEPOSIT_USDC, positionsThenPause, withdraw } from "./helpers";

describe("while paused every account can exit", function () {
  useSolvencyInvariant();

  it("withdraws within margin with a position open, and not beyond", async function () {
    const f = await positionsThenPause();
    await defaultPrices(f);
    // 10,000 − 9,700 = 300 < 360.162: refused.
    await expect(f.vault.connect(f.alice).requestWithdrawal(usdc(9_700)))
      .to.be.revertedWithCustomError(f.pm, "WithdrawalBelowInitialMargin")
      .withArgs(f.alice.address, wad("300"), wad("360.162"));
    // 10,000 − 9,600 = 400 ≥ 360.162: requested, executed 300 s later.
    await withdraw(f, f.alice, usdc(9_600));
    expect(await f.usdc.balanceOf(f.alice.address)).to.equal(usdc(9_600));
    expect(await balanceOf(f, f.alice)).to.equal(wad("400"));
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.3"));
  });

  it("each of alice, bob and carol cancels, closes and withdraws everything", async function () {
    const f = await positionsThenPause();
    const accounts = [f.alice, f.bob, f.carol];

    // Resting orders placed before: each account cancels one, then raises its nonce floor past the rest.
    for (const a of accounts) {
      const resting = order(a, "buy", { size: wad("0.5") });
      await expect(f.pm.connect(a).cancelOrder(resting))
        .to.emit(f.pm, "OrderCancelled")
        .withArgs(a.address, await f.pm.orderDigest(resting), resting.nonce);
      const floor = resting.nonce + 1_000n;
      await expect(f.pm.connect(a).cancelUpTo(a.address, floor))
        .to.emit(f.pm, "NonceFloorRaised")
        .withArgs(a.address, floor);
    }

    // alice closes against bob with plain orders and against carol with reduce-only orders (nonces above the floors).
    await defaultPrices(f);
    const nonce = 10_000_000n;
    await settle(f, [
      {
        maker: await place(f, f.bob, "buy", { size: wad("0.1"), nonce }),
        taker: await place(f, f.alice, "sell", { size: wad("0.1"), nonce }),
        size: wad("0.1"),
        price: BTC_PRICE,
      },
    ]);
    await settle(f, [
      {
        maker: await place(f, f.carol, "buy", { size: wad("0.2"), flags: OrderFlag.ReduceOnly, nonce }),
        taker: await place(f, f.alice, "sell", { size: wad("0.2"), flags: OrderFlag.ReduceOnly, nonce: nonce + 1n }),
        size: wad("0.2"),
        price: BTC_PRICE,
      },
    ]);
    for (const a of accounts) expect((await f.pm.position(a.address, BTC_USD)).sizeWad).to.equal(0n);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(0n);

    // Flat at the entry price, fees 0: each withdraws its whole 10,000.
    for (const a of accounts) {
      await withdraw(f, a, usdc(DEPOSIT_USDC));
      expect(await f.usdc.balanceOf(a.address)).to.equal(usdc(DEPOSIT_USDC));
      expect(await balanceOf(f, a)).to.equal(0n);
    }
    expect(await f.pm.paused()).to.equal(true);
  });

  it("resolution and the dead-man switch keep working", async function () {
    const f = await positionsThenPause();
    await f.registry.connect(f.deployer).beginResolving(BTC_USD);
    await f.pm.connect(f.deployer).proposeFinalPrice(BTC_USD, wad("61000"));
    await time.increase(3 * 86400);
    await f.pm.finalizeResolution(BTC_USD);
    // alice +0.3 · 1,000 = +300 (claim); bob −100 and carol −200 paid.
    for (const a of [f.bob, f.carol, f.alice]) await f.pm.settlePosition(a.address, BTC_USD);
    expect(await f.registry.marketStatus(BTC_USD)).to.equal(MarketStatus.Settled);
    await f.pm.claimSettlement(f.alice.address, BTC_USD);
    expect(await balanceOf(f, f.alice)).to.equal(wad("10300"));
    // SENATE22-R has been silent since setup: frozen by anyone, paused or not.
    await expect(f.pm.freezeStaleMarket(SENATE22_R)).to.emit(f.pm, "MarketFrozen");
  });
});
