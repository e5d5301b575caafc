/**
 * settleBatch nets each (account, market) position in memory and writes it back once, only when the batch changed
 * its size, its cost basis (openNotional) or settled its funding (DESIGN §5, §11). An account with two orders in one
 * batch shares one netted position. The three cases below each end with the size it started with:
 * - flat → buy → sell at one price: nothing changed, nothing to write, the account stays flat;
 * - long → sell out → buy back higher: same size, new cost basis, which must be stored;
 * - long with funding due → sell → buy back at the entry: same size and basis, but the funding it just paid must
 *   move the position to the current funding epoch, or the next touch would charge it again.
 */
import { expect } from "chai";
import { deployKeel, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, defaultPrices, fundAll, settle, trade, wad } from "./helpers";
import { balanceOf, place } from "./behaviourHelpers";

const SIZE = wad("0.1");
/** Taker fee of 0.1 BTC at 60,000 (0.045%). */
const TAKER_FEE_AT_60K = wad("2.7");

async function setup(): Promise<KeelFixture> {
  const f = await deployKeel();
  await fundAll(f, [f.alice, f.bob, f.carol], usdc(10_000));
  await defaultPrices(f);
  return f;
}

/** One batch in which alice first sells `SIZE` to carol at `sellPrice`, then buys `SIZE` from bob at `buyPrice`. */
async function sellThenBuy(f: KeelFixture, sellPrice: bigint, buyPrice: bigint): Promise<void> {
  await settle(f, [
    {
      maker: await place(f, f.carol, "buy", { size: SIZE, price: sellPrice }),
      taker: await place(f, f.alice, "sell", { size: SIZE, price: sellPrice }),
      size: SIZE,
      price: sellPrice,
    },
    {
      maker: await place(f, f.bob, "sell", { size: SIZE, price: buyPrice }),
      taker: await place(f, f.alice, "buy", { size: SIZE, price: buyPrice }),
      size: SIZE,
      price: buyPrice,
    },
  ]);
}

describe("PositionManager.settleBatch writes a position only when the batch changed it", function () {
  useSolvencyInvariant();

  it("leaves an account that buys and sells the same size at one price flat, paying only its fees", async function () {
    const f = await setup();

    await settle(f, [
      {
        maker: await place(f, f.bob, "sell", { size: SIZE }),
        taker: await place(f, f.alice, "buy", { size: SIZE }),
        size: SIZE,
        price: BTC_PRICE,
      },
      {
        maker: await place(f, f.carol, "buy", { size: SIZE }),
        taker: await place(f, f.alice, "sell", { size: SIZE }),
        size: SIZE,
        price: BTC_PRICE,
      },
    ]);

    const p = await f.pm.position(f.alice.address, BTC_USD);
    expect([p.sizeWad, p.openNotionalWad]).to.deep.equal([0n, 0n]);
    expect(await f.pm.openMarkets(f.alice.address)).to.deep.equal([]);
    expect(await balanceOf(f, f.alice)).to.equal(wad("10000") - 2n * TAKER_FEE_AT_60K);
    // The other sides moved: bob is short and carol long what alice passed through.
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(-SIZE);
    expect((await f.pm.position(f.carol.address, BTC_USD)).sizeWad).to.equal(SIZE);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(SIZE);
  });

  it("stores the new cost basis of a long sold out and bought back higher in one batch", async function () {
    const f = await setup();
    await trade(f, f.bob, f.alice, "buy", SIZE, BTC_PRICE);
    expect((await f.pm.position(f.alice.address, BTC_USD)).openNotionalWad).to.equal(wad("6000"));

    await sellThenBuy(f, BTC_PRICE, wad("60100"));

    const p = await f.pm.position(f.alice.address, BTC_USD);
    expect(p.sizeWad).to.equal(SIZE);
    expect(p.openNotionalWad).to.equal(wad("6010"));
    expect(await f.pm.openMarkets(f.alice.address)).to.deep.equal([BigInt(BTC_USD)]);
  });

  it("moves a round-tripped position to the current funding epoch once its funding is paid", async function () {
    const f = await setup();
    await trade(f, f.bob, f.alice, "buy", SIZE, BTC_PRICE);
    await f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("10"));
    // 0.1 · 10 = 1 USD due from the long.
    expect((await f.pm.position(f.alice.address, BTC_USD)).pendingFundingWad).to.equal(wad("1"));
    const balanceBefore = await balanceOf(f, f.alice);

    await defaultPrices(f);
    await sellThenBuy(f, BTC_PRICE, BTC_PRICE);

    const p = await f.pm.position(f.alice.address, BTC_USD);
    expect([p.sizeWad, p.openNotionalWad]).to.deep.equal([SIZE, wad("6000")]);
    expect(p.pendingFundingWad, "the funding paid in the batch is not due again").to.equal(0n);
    expect(p.lastCumulativeFundingWad).to.equal(wad("10"));
    expect(await balanceOf(f, f.alice)).to.equal(balanceBefore - wad("1") - 2n * TAKER_FEE_AT_60K);
  });
});
