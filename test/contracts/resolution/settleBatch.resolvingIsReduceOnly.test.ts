/**
 * A Resolving market only reduces (DESIGN §9): once the resolver calls `beginResolving`, every fill must shrink the
 * position of both its orders — no growing, no opening, no flipping — while reducing and closing still settle.
 *
 * Setup: BTC-USD, alice long 0.1 and bob short 0.1 at 60,000 (alice taker), 100,000 USDC each, carol flat.
 */
import { expect } from "chai";
import { deployKeel, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, defaultPrices, settle, trade, wad } from "../trading/helpers";
import { balanceOf, place } from "../trading/behaviourHelpers";
import { fill, fundedWithPrices, settleRaw } from "../trading/revertHelpers";
import { beginResolving } from "./helpers";

async function resolvingWithPositions(): Promise<KeelFixture> {
  const f = await deployKeel();
  await fundedWithPrices(f);
  await trade(f, f.bob, f.alice, "buy", wad("0.1"), BTC_PRICE);
  await beginResolving(f, BTC_USD);
  await defaultPrices(f);
  return f;
}

describe("settleBatch in a Resolving market", function () {
  useSolvencyInvariant();

  it("reverts FillIncreasesPosition for a fill that grows a position", async function () {
    const f = await resolvingWithPositions();
    // alice (maker, order 0) buys 0.1 more: 0.1 → 0.2.
    const maker = await place(f, f.alice, "buy", { size: wad("0.1") });
    const taker = await place(f, f.carol, "sell", { size: wad("0.1") });
    await expect(settleRaw(f, [maker, taker], [fill(0, 1, wad("0.1"), BTC_PRICE)]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 0, wad("0.1"), wad("0.2"));
  });

  it("reverts FillIncreasesPosition when only one side reduces (the other opens)", async function () {
    const f = await resolvingWithPositions();
    // alice sells 0.05 (0.1 → 0.05, fine), carol (order 1) would open 0 → 0.05.
    const maker = await place(f, f.alice, "sell", { size: wad("0.05") });
    const taker = await place(f, f.carol, "buy", { size: wad("0.05") });
    await expect(settleRaw(f, [maker, taker], [fill(0, 1, wad("0.05"), BTC_PRICE)]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 1, 0n, wad("0.05"));
  });

  it("reverts FillIncreasesPosition for a flip", async function () {
    const f = await resolvingWithPositions();
    // alice sells 0.2: 0.1 → −0.1 (|size| does not shrink; bob −0.1 → +0.1 would flip too).
    const maker = await place(f, f.alice, "sell", { size: wad("0.2") });
    const taker = await place(f, f.bob, "buy", { size: wad("0.2") });
    await expect(settleRaw(f, [maker, taker], [fill(0, 1, wad("0.2"), BTC_PRICE)]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 0, wad("0.1"), -wad("0.1"));
  });

  it("settles a fill that reduces both sides, then one that closes them", async function () {
    const f = await resolvingWithPositions();
    const aliceBefore = await balanceOf(f, f.alice);
    const bobBefore = await balanceOf(f, f.bob);
    // alice (maker) sells 0.05 to bob (taker) at 60,000: no PnL; fees on 3,000 of notional:
    // maker 3,000 · 0.015% = 0.45, taker 3,000 · 0.045% = 1.35.
    await settle(f, [
      {
        maker: await place(f, f.alice, "sell", { size: wad("0.05") }),
        taker: await place(f, f.bob, "buy", { size: wad("0.05") }),
        size: wad("0.05"),
        price: BTC_PRICE,
      },
    ]);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.05"));
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(-wad("0.05"));
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.05"));
    expect(await balanceOf(f, f.alice)).to.equal(aliceBefore - wad("0.45"));
    expect(await balanceOf(f, f.bob)).to.equal(bobBefore - wad("1.35"));

    // The rest closes: OI 0, both flat.
    await trade(f, f.alice, f.bob, "buy", wad("0.05"), BTC_PRICE);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(0n);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(0n);
  });
});
