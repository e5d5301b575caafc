/**
 * settleBatch while paused (DESIGN §3): the pause blocks new risk, never the reduction of risk. Every fill must shrink
 * both positions it touches — a fill that grows, opens or flips one reverts FillIncreasesPosition — while plain and
 * reduce-only reducing fills settle; after unpause new risk is accepted again.
 *
 * Setup (pause/helpers.ts): alice long 0.3 BTC at 60,000 against bob (short 0.1) and carol (short 0.2), fees 0, paused.
 */
import { expect } from "chai";
import { BTC_USD, usdc, useSolvencyInvariant, wad } from "../../fixtures/keel";
import { BTC_PRICE, OrderFlag, defaultPrices, fundAll, settle, trade } from "../trading/helpers";
import { balanceOf, place } from "../trading/behaviourHelpers";
import { fill, settleRaw } from "../trading/revertHelpers";
import { positionsThenPause } from "./helpers";

const size = async (f: Awaited<ReturnType<typeof positionsThenPause>>, a: { address: string }) =>
  (await f.pm.position(a.address, BTC_USD)).sizeWad;

describe("settleBatch while paused", function () {
  useSolvencyInvariant();

  it("reverts FillIncreasesPosition for a fill that grows, opens or flips a position", async function () {
    const f = await positionsThenPause();
    await defaultPrices(f);
    // bob (maker) buys back 0.1 — a reduction — but carol (taker, order 1) would grow her short −0.2 → −0.3.
    let maker = await place(f, f.bob, "buy", { size: wad("0.1") });
    let taker = await place(f, f.carol, "sell", { size: wad("0.1") });
    await expect(settleRaw(f, [maker, taker], [fill(0, 1, wad("0.1"), BTC_PRICE)]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 1, -wad("0.2"), -wad("0.3"));

    // Two flat accounts opening: the outsider (maker) 0 → −0.1.
    await fundAll(f, [f.outsider], usdc(10_000));
    maker = await place(f, f.outsider, "sell", { size: wad("0.1") });
    taker = await place(f, f.bob, "buy", { size: wad("0.2") });
    await expect(settleRaw(f, [maker, taker], [fill(0, 1, wad("0.1"), BTC_PRICE)]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 0, 0n, -wad("0.1"));

    // A flip: alice (maker) sells 0.5, 0.3 → −0.2.
    maker = await place(f, f.alice, "sell", { size: wad("0.5") });
    taker = await place(f, f.carol, "buy", { size: wad("0.5") });
    await expect(settleRaw(f, [maker, taker], [fill(0, 1, wad("0.5"), BTC_PRICE)]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 0, wad("0.3"), -wad("0.2"));

    expect(await size(f, f.alice)).to.equal(wad("0.3"));
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.3"));
  });

  it("settles a plain reducing fill and a reduce-only one", async function () {
    const f = await positionsThenPause();
    await defaultPrices(f);
    // Plain orders: alice sells 0.1 to bob at 61,000: alice realizes 0.1 · 1,000 = +100, bob −100.
    await settle(f, [
      {
        maker: await place(f, f.bob, "buy", { size: wad("0.1"), price: wad("61000") }),
        taker: await place(f, f.alice, "sell", { size: wad("0.1"), price: wad("61000") }),
        size: wad("0.1"),
        price: wad("61000"),
      },
    ]);
    expect(await size(f, f.alice)).to.equal(wad("0.2"));
    expect(await size(f, f.bob)).to.equal(0n);
    expect(await balanceOf(f, f.alice)).to.equal(wad("10100"));
    expect(await balanceOf(f, f.bob)).to.equal(wad("9900"));

    // Reduce-only orders on both sides: alice sells her last 0.2 to carol at 60,000.
    await settle(f, [
      {
        maker: await place(f, f.carol, "buy", { size: wad("0.2"), flags: OrderFlag.ReduceOnly }),
        taker: await place(f, f.alice, "sell", { size: wad("0.2"), flags: OrderFlag.ReduceOnly }),
        size: wad("0.2"),
        price: BTC_PRICE,
      },
    ]);
    expect(await size(f, f.alice)).to.equal(0n);
    expect(await size(f, f.carol)).to.equal(0n);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(0n);
  });

  it("accepts new risk again after unpause", async function () {
    const f = await positionsThenPause();
    await f.pm.connect(f.deployer).unpause();
    await defaultPrices(f);
    // alice grows 0.3 → 0.4 against bob (short 0.1 → 0.2).
    await trade(f, f.bob, f.alice, "buy", wad("0.1"), BTC_PRICE);
    expect(await size(f, f.alice)).to.equal(wad("0.4"));
    expect(await size(f, f.bob)).to.equal(-wad("0.2"));
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.4"));
  });
});
