/**
 * settleBatch fills orders partially and conditionally (DESIGN §4–§5): an order left partly filled keeps a `filled`
 * record across batches and dies when complete; an immediate-or-cancel taker dies after its batch whatever is left;
 * one maker order fills against several takers in one batch; post-only orders rest as makers; stop and take-profit
 * orders fill only once the mark has crossed their trigger.
 */
import { expect } from "chai";
import { deployKeel, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { orderDigest } from "../../../keepers/sdk/orders";
import { BTC_PRICE, BTC_USD, OrderFlag, defaultPrices, domainOf, fundAll, settle, wad } from "./helpers";
import { balanceOf, place, receiptOf, walkPrices } from "./behaviourHelpers";
import { OrderState } from "../../../keepers/sdk/orders";

describe("PositionManager.settleBatch partial and conditional fills", function () {
  useSolvencyInvariant();

  async function setup(): Promise<KeelFixture> {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob, f.carol, f.outsider], usdc(100_000));
    await defaultPrices(f);
    return f;
  }

  it("keeps a partly filled order's amount across batches and kills it once complete", async function () {
    const f = await setup();
    const ask = await place(f, f.alice, "sell", { size: wad("0.5") });
    let [state, filled] = await f.pm.orderStatus(ask.order);
    expect(state).to.equal(OrderState.Open);
    expect(filled).to.equal(0n);

    await settle(f, [
      { maker: ask, taker: await place(f, f.bob, "buy", { size: wad("0.2") }), size: wad("0.2"), price: BTC_PRICE },
    ]);
    [state, filled] = await f.pm.orderStatus(ask.order);
    expect(state).to.equal(OrderState.PartiallyFilled);
    expect(filled).to.equal(wad("0.2"));
    expect(await f.pm.isNonceUsed(f.alice.address, ask.order.nonce)).to.equal(true);

    // The rest (0.3) fills in a later batch, and no more: 0.2 + 0.3 + 0.0001 > 0.5.
    await defaultPrices(f);
    const over = await place(f, f.carol, "buy", { size: wad("0.3001") });
    await expect(settle(f, [{ maker: ask, taker: over, size: wad("0.3001"), price: BTC_PRICE }]))
      .to.be.revertedWithCustomError(f.pm, "FillExceedsOrder")
      .withArgs(0n, 0n, wad("0.5001"), wad("0.5"));
    await settle(f, [
      { maker: ask, taker: await place(f, f.carol, "buy", { size: wad("0.3") }), size: wad("0.3"), price: BTC_PRICE },
    ]);
    [state, filled] = await f.pm.orderStatus(ask.order);
    expect(state).to.equal(OrderState.Dead);
    expect(filled).to.equal(0n);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(-wad("0.5"));

    await defaultPrices(f);
    const hash = orderDigest(await domainOf(f), ask.order);
    await expect(
      settle(f, [
        {
          maker: ask,
          taker: await place(f, f.outsider, "buy", { size: wad("0.1") }),
          size: wad("0.1"),
          price: BTC_PRICE,
        },
      ]),
    )
      .to.be.revertedWithCustomError(f.pm, "OrderDead")
      .withArgs(0n, 0n, hash);
  });

  it("kills an immediate-or-cancel taker after its batch even when partly filled", async function () {
    const f = await setup();
    const ioc = await place(f, f.bob, "buy", { size: wad("0.5"), flags: OrderFlag.ImmediateOrCancel });
    await settle(f, [
      { maker: await place(f, f.alice, "sell", { size: wad("0.2") }), taker: ioc, size: wad("0.2"), price: BTC_PRICE },
    ]);
    const [state, filled] = await f.pm.orderStatus(ioc.order);
    expect(state).to.equal(OrderState.Dead);
    expect(filled).to.equal(0n);
    expect((await f.pm.position(f.bob.address, BTC_USD)).sizeWad).to.equal(wad("0.2"));

    // Its unfilled 0.3 never fills.
    await defaultPrices(f);
    await expect(
      settle(f, [
        {
          maker: await place(f, f.carol, "sell", { size: wad("0.3") }),
          taker: ioc,
          size: wad("0.3"),
          price: BTC_PRICE,
        },
      ]),
    ).to.be.revertedWithCustomError(f.pm, "OrderDead");
  });

  it("fills one maker order against several takers in one batch", async function () {
    const f = await setup();
    const ask = await place(f, f.alice, "sell", { size: wad("0.3") });
    const takers = [f.bob, f.carol, f.outsider];
    const fills = [];
    for (const t of takers) {
      fills.push({
        maker: ask,
        taker: await place(f, t, "buy", { size: wad("0.1") }),
        size: wad("0.1"),
        price: BTC_PRICE,
      });
    }
    const tx = await settle(f, fills);

    // One BatchSettled: 3 fills, 4 accounts; a Filled event per fill.
    await expect(tx).to.emit(f.pm, "BatchSettled").withArgs(1n, 3n, 4n);
    const receipt = await receiptOf(tx);
    const filledEvents = receipt.logs.filter((l) => f.pm.interface.parseLog(l)?.name === "Filled");
    expect(filledEvents).to.have.length(3);
    expect((await f.pm.orderStatus(ask.order))[0]).to.equal(OrderState.Dead);
    const p = await f.pm.position(f.alice.address, BTC_USD);
    expect(p.sizeWad).to.equal(-wad("0.3"));
    expect(p.openNotionalWad).to.equal(-wad("18000"));
    for (const t of takers) expect((await f.pm.position(t.address, BTC_USD)).sizeWad).to.equal(wad("0.1"));
    // alice pays the maker fee three times: 3 · 6,000 · 0.015% = 2.7; each taker 6,000 · 0.045% = 2.7.
    expect(await balanceOf(f, f.alice)).to.equal(wad("100000") - wad("2.7"));
    expect(await balanceOf(f, f.bob)).to.equal(wad("100000") - wad("2.7"));
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(wad("0.3"));
  });

  it("fills a post-only order as maker and refuses it as taker", async function () {
    const f = await setup();
    const postOnly = await place(f, f.alice, "sell", { size: wad("0.1"), flags: OrderFlag.PostOnly });
    await settle(f, [
      {
        maker: postOnly,
        taker: await place(f, f.bob, "buy", { size: wad("0.1") }),
        size: wad("0.1"),
        price: BTC_PRICE,
      },
    ]);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(-wad("0.1"));
    expect((await f.pm.orderStatus(postOnly.order))[0]).to.equal(OrderState.Dead);

    await defaultPrices(f);
    const postOnlyTaker = await place(f, f.alice, "sell", { size: wad("0.1"), flags: OrderFlag.PostOnly });
    await expect(
      settle(f, [
        {
          maker: await place(f, f.carol, "buy", { size: wad("0.1") }),
          taker: postOnlyTaker,
          size: wad("0.1"),
          price: BTC_PRICE,
        },
      ]),
    )
      .to.be.revertedWithCustomError(f.pm, "FillRoleNotAllowed")
      .withArgs(0n, 1n, OrderFlag.PostOnly);
  });

  it("fills a stop-loss sell only once the mark has fallen to its trigger", async function () {
    const f = await setup();
    await settle(f, [
      {
        maker: await place(f, f.bob, "sell", { size: wad("0.1") }),
        taker: await place(f, f.alice, "buy", { size: wad("0.1") }),
        size: wad("0.1"),
        price: BTC_PRICE,
      },
    ]);
    // A sell stop at 59,000 with a limit of 58,900 (flags: stop | reduce-only).
    const stop = await place(f, f.alice, "sell", {
      size: wad("0.1"),
      price: wad("58900"),
      triggerPrice: wad("59000"),
      flags: OrderFlag.Stop | OrderFlag.ReduceOnly,
    });
    const bid = await place(f, f.carol, "buy", { size: wad("0.1"), price: wad("59000") });

    await defaultPrices(f);
    await expect(settle(f, [{ maker: bid, taker: stop, size: wad("0.1"), price: wad("59000") }]))
      .to.be.revertedWithCustomError(f.pm, "OrderTriggerNotReached")
      .withArgs(0n, 1n, BTC_PRICE, wad("59000"));
    // One wei above the trigger is still not crossed.
    await walkPrices(f, { [BTC_USD]: wad("59000") + 1n });
    await expect(
      settle(f, [{ maker: bid, taker: stop, size: wad("0.1"), price: wad("59000") }]),
    ).to.be.revertedWithCustomError(f.pm, "OrderTriggerNotReached");

    await walkPrices(f, { [BTC_USD]: wad("59000") });
    await settle(f, [{ maker: bid, taker: stop, size: wad("0.1"), price: wad("59000") }]);
    const p = await f.pm.position(f.alice.address, BTC_USD);
    expect(p.sizeWad).to.equal(0n);
    expect(p.openNotionalWad).to.equal(0n);
    // Realized 5,900 − 6,000 = −100, taker fees 2.7 (open) + 5,900 · 0.045% = 2.655 (stop).
    expect(await balanceOf(f, f.alice)).to.equal(wad("100000") - wad("100") - wad("2.7") - wad("2.655"));
  });

  it("fills a take-profit sell only once the mark has risen to its trigger", async function () {
    const f = await setup();
    await settle(f, [
      {
        maker: await place(f, f.bob, "sell", { size: wad("0.1") }),
        taker: await place(f, f.alice, "buy", { size: wad("0.1") }),
        size: wad("0.1"),
        price: BTC_PRICE,
      },
    ]);
    const takeProfit = await place(f, f.alice, "sell", {
      size: wad("0.1"),
      price: wad("61000"),
      triggerPrice: wad("61000"),
      flags: OrderFlag.TakeProfit | OrderFlag.ReduceOnly,
    });
    const bid = await place(f, f.carol, "buy", { size: wad("0.1"), price: wad("61000") });

    await walkPrices(f, { [BTC_USD]: wad("61000") - 1n });
    await expect(settle(f, [{ maker: bid, taker: takeProfit, size: wad("0.1"), price: wad("61000") }]))
      .to.be.revertedWithCustomError(f.pm, "OrderTriggerNotReached")
      .withArgs(0n, 1n, wad("61000") - 1n, wad("61000"));

    await walkPrices(f, { [BTC_USD]: wad("61000") });
    await settle(f, [{ maker: bid, taker: takeProfit, size: wad("0.1"), price: wad("61000") }]);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
    // Realized 6,100 − 6,000 = +100, taker fees 2.7 (open) + 6,100 · 0.045% = 2.745 (take-profit).
    expect(await balanceOf(f, f.alice)).to.equal(wad("100000") + wad("100") - wad("2.7") - wad("2.745"));
  });
});
