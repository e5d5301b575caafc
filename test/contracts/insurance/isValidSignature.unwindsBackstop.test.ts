/**
 * The backstop account unwinds by ERC-1271 (IInsuranceFund, DESIGN §3): an order whose account is the fund, signed by
 * a BACKSTOP_OPERATOR_ROLE key over the order's own EIP-712 digest, settles through settleBatch and only ever reduces
 * the fund's position — the PositionManager forces reduce-only on the fund's orders, with or without the flag; a
 * signature by any other key is refused OrderInvalidSignature.
 */
import { expect } from "chai";
import { useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { balanceOf, place } from "../trading/behaviourHelpers";
import { settle } from "../trading/helpers";
import {
  BTC_USD,
  OrderFlag,
  SENATE22_R,
  backstopSetup,
  fundAddress,
  fundOrder,
  moveBtc,
  wad,
} from "../waterfall/backstop/helpers";

const MAGIC = "0x1626ba7e";

/** Alice's 0.3 long taken over by the fund at 57,000 (fund: 0.3 long, openNotional 17,100; bob: 0.3 short). */
async function withBackstopPosition(): Promise<KeelFixture> {
  const f = await backstopSetup();
  await moveBtc(f, wad("57000"));
  await f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD);
  return f;
}

describe("InsuranceFund.isValidSignature unwinds the backstop", function () {
  useSolvencyInvariant();

  it("answers the ERC-1271 magic value for an operator's signature only", async function () {
    const f = await withBackstopPosition();
    const o = await fundOrder(f, "sell", { size: wad("0.1"), price: wad("57500") });
    const digest = await f.pm.orderDigest(o.order);
    expect(await f.fund.isValidSignature(digest, o.signature)).to.equal(MAGIC);
    const byOutsider = await fundOrder(f, "sell", { size: wad("0.1"), price: wad("57500") }, f.outsider);
    expect(await f.fund.isValidSignature(await f.pm.orderDigest(byOutsider.order), byOutsider.signature)).to.equal(
      "0xffffffff",
    );
    // Not a signature at all.
    expect(await f.fund.isValidSignature(digest, "0x1234")).to.equal("0xffffffff");
  });

  it("settles a reduce-only sell of the fund signed by the operator", async function () {
    const f = await withBackstopPosition();
    const fundAddr = await fundAddress(f);
    await moveBtc(f, wad("57000"));
    const fundBefore = await balanceOf(f, fundAddr);
    const bobBefore = await balanceOf(f, f.bob);

    const sell = await fundOrder(f, "sell", { size: wad("0.1"), price: wad("57500"), flags: OrderFlag.ReduceOnly });
    const buy = await place(f, f.bob, "buy", { size: wad("0.1"), price: wad("57500") });
    await settle(f, [{ maker: sell, taker: buy, size: wad("0.1"), price: wad("57500") }]);

    // Fund: 0.3 → 0.2; closes 1/3 of 17,100 = 5,700 for 0.1 · 57,500 = 5,750: +50; openNotional 11,400.
    const p = await f.pm.position(fundAddr, BTC_USD);
    expect(p.sizeWad).to.equal(wad("0.2"));
    expect(p.openNotionalWad).to.equal(wad("11400"));
    expect((await balanceOf(f, fundAddr)) - fundBefore).to.equal(wad("50"));
    // Bob: −0.3 → −0.2; buys back 1/3 of −18,000 = −6,000 for 5,750: +250.
    expect((await balanceOf(f, f.bob)) - bobBefore).to.equal(wad("250"));
    expect(await f.fund.backstopExposure(BTC_USD)).to.equal(wad("11400"));

    // The rest unwinds without the flag too; the fund ends flat.
    const rest = await fundOrder(f, "sell", { size: wad("0.2"), price: wad("57000") });
    const buy2 = await place(f, f.bob, "buy", { size: wad("0.2"), price: wad("57000") });
    await settle(f, [{ maker: rest, taker: buy2, size: wad("0.2"), price: wad("57000") }]);
    expect((await f.pm.position(fundAddr, BTC_USD)).sizeWad).to.equal(0n);
    expect(await f.pm.openMarkets(fundAddr)).to.deep.equal([]);
  });

  it("refuses an order of the fund signed by a non-operator key", async function () {
    const f = await withBackstopPosition();
    await moveBtc(f, wad("57000"));
    const sell = await fundOrder(
      f,
      "sell",
      { size: wad("0.1"), price: wad("57000"), flags: OrderFlag.ReduceOnly },
      f.outsider,
    );
    const buy = await place(f, f.bob, "buy", { size: wad("0.1"), price: wad("57000") });
    await expect(settle(f, [{ maker: sell, taker: buy, size: wad("0.1"), price: wad("57000") }]))
      .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
      .withArgs(0, 0, f.outsider.address);

    // Granting the role makes the same key valid; revoking it makes it invalid again.
    const role = await f.fund.BACKSTOP_OPERATOR_ROLE();
    await f.fund.connect(f.deployer).grantRole(role, f.outsider.address);
    const digest = await f.pm.orderDigest(sell.order);
    expect(await f.fund.isValidSignature(digest, sell.signature)).to.equal(MAGIC);
    await f.fund.connect(f.deployer).revokeRole(role, f.outsider.address);
    expect(await f.fund.isValidSignature(digest, sell.signature)).to.equal("0xffffffff");
  });

  it("forces reduce-only on the fund's orders: growing or flipping reverts FillIncreasesPosition", async function () {
    const f = await withBackstopPosition();
    await moveBtc(f, wad("57000"));
    // A buy without the reduce-only flag would take the fund from 0.3 to 0.4.
    const grow = await fundOrder(f, "buy", { size: wad("0.1"), price: wad("57000") });
    const bobSell = await place(f, f.bob, "sell", { size: wad("0.1"), price: wad("57000") });
    await expect(settle(f, [{ maker: grow, taker: bobSell, size: wad("0.1"), price: wad("57000") }]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 0, wad("0.3"), wad("0.4"));

    // A sell of 0.4 would flip the fund from 0.3 long to 0.1 short.
    const flip = await fundOrder(f, "sell", { size: wad("0.4"), price: wad("57000") });
    const carolBuy = await place(f, f.carol, "buy", { size: wad("0.4"), price: wad("57000") });
    await expect(settle(f, [{ maker: flip, taker: carolBuy, size: wad("0.4"), price: wad("57000") }]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 0, wad("0.3"), -wad("0.1"));

    // As the taker too, in SENATE22-R where the fund holds nothing: any fill would open a position.
    const carolSell = await place(f, f.carol, "sell", { marketId: SENATE22_R, size: wad("100"), price: wad("0.4") });
    const open = await fundOrder(f, "buy", { marketId: SENATE22_R, size: wad("100"), price: wad("0.4") });
    await expect(settle(f, [{ maker: carolSell, taker: open, size: wad("100"), price: wad("0.4") }]))
      .to.be.revertedWithCustomError(f.pm, "FillIncreasesPosition")
      .withArgs(0, 1, 0n, wad("100"));
  });
});
