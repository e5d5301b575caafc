/**
 * End to end on the Hardhat network: orders signed with the SDK go to the gateway over HTTP, are checked and matched,
 * journaled, settled on chain by the settlement pipeline, and the positions are then visible through the SDK (the
 * PositionManager's typed views) and through the gateway's account view; WebSocket subscribers see the trade.
 */
import { expect } from "chai";
import type { Signer } from "ethers";
import { GatewayStream } from "../../../keepers/gateway/client";
import { OrderFlag, type Order } from "../../../keepers/sdk/orders";
import { BTC_USD, wad } from "../../fixtures/keel";
import { startExchange, traders, type Exchange } from "./helpers";

describe("e2e: signed orders over HTTP are matched, settled on chain and visible through the SDK", function () {
  let ex: Exchange;
  let maker: Signer;
  let taker: Signer;
  let nonce = 1n;

  const order = async (
    signer: Signer,
    side: "buy" | "sell",
    size: string,
    price: string,
    flags = 0,
  ): Promise<Order> => ({
    account: await signer.getAddress(),
    marketId: BTC_USD,
    flags: flags | (side === "buy" ? OrderFlag.Buy : 0),
    nonce: nonce++,
    expiry: 0n,
    size: wad(size),
    price: wad(price),
    triggerPrice: 0n,
  });

  beforeEach(async function () {
    [maker, taker] = await traders(2);
    ex = await startExchange([maker, taker]);
  });

  afterEach(async function () {
    await ex.stop();
  });

  it("rests a post-only ask, fills a crossing bid at the maker's price, settles it and shows both positions", async function () {
    const stream = await GatewayStream.connect(ex.matcher.address.wsUrl);
    await stream.subscribe({ channel: "trades", marketId: BTC_USD });

    const ask = await ex.sign(maker, await order(maker, "sell", "0.5", "60000", OrderFlag.PostOnly));
    const placedAsk = await ex.client.placeOrder(ask);
    expect(placedAsk.order.status).to.equal("open");
    expect(placedAsk.fills).to.have.length(0);

    const book = await ex.client.book(BTC_USD);
    expect(book.asks[0]).to.deep.include({ priceWad: wad("60000"), sizeWad: wad("0.5") });

    const bid = await ex.sign(taker, await order(taker, "buy", "0.2", "60100"));
    const placedBid = await ex.client.placeOrder(bid);
    expect(placedBid.order.status).to.equal("filled");
    expect(placedBid.fills).to.have.length(1);
    expect(placedBid.fills[0]).to.deep.include({ sizeWad: wad("0.2"), priceWad: wad("60000"), settlement: "pending" });

    const pushed = await stream.next((m) => m.type === "update" && m.channel === "trades");
    expect(pushed).to.have.nested.property("data.sizeWad", wad("0.2"));

    await ex.settle();

    const takerAddress = await taker.getAddress();
    const makerAddress = await maker.getAddress();
    expect((await ex.f.pm.position(takerAddress, BTC_USD)).sizeWad).to.equal(wad("0.2"));
    expect((await ex.f.pm.position(makerAddress, BTC_USD)).sizeWad).to.equal(-wad("0.2"));
    const [state, filled] = await ex.f.pm.orderStatus(ask.order);
    expect(state).to.equal(1n); // PartiallyFilled
    expect(filled).to.equal(wad("0.2"));

    const account = await ex.client.account(takerAddress);
    expect(account.positions).to.have.length(1);
    expect(account.positions[0]).to.deep.include({ marketId: BTC_USD, sizeWad: wad("0.2"), unsettledSizeWad: 0n });
    const askView = await ex.client.order(placedAsk.order.hash);
    expect(askView).to.deep.include({ filledWad: wad("0.2"), settledWad: wad("0.2"), status: "open" });
    // The filled bid is settled: the engine forgets it (bounded memory) and the journal still answers for it.
    await waitFor(async () => ex.matcher.engine.order(placedBid.order.hash) === undefined);
    expect(await ex.client.order(placedBid.order.hash)).to.deep.include({ status: "filled", settledWad: wad("0.2") });
    await stream.close();
  });

  it("counts unsettled fills in the account view before the batch lands", async function () {
    await ex.client.placeOrder(await ex.sign(maker, await order(maker, "buy", "1", "59990")));
    await ex.client.placeOrder(await ex.sign(taker, await order(taker, "sell", "1", "59900")));
    const before = await ex.client.account(await taker.getAddress());
    expect(before.positions[0]).to.deep.include({ sizeWad: -wad("1"), unsettledSizeWad: -wad("1") });
    await ex.settle();
    const after = await ex.client.account(await taker.getAddress());
    expect(after.positions[0]).to.deep.include({ sizeWad: -wad("1"), unsettledSizeWad: 0n });
  });

  it("refuses an order signed by a stranger with 401 and a bid the account cannot afford with 422", async function () {
    const [stranger] = await traders(1, 9);
    const forged = { order: await order(maker, "buy", "0.1", "60000"), signature: "" };
    forged.signature = (await ex.sign(stranger, forged.order)).signature;
    await expectRejected(ex.client.placeOrder(forged), 401, "INVALID_SIGNATURE");
    const huge = await ex.sign(taker, await order(taker, "buy", "100", "60000"));
    await expectRejected(ex.client.placeOrder(huge), 422, "INSUFFICIENT_MARGIN");
  });

  it("answers a post-only bid that would cross with 422 POST_ONLY_WOULD_CROSS and keeps the book unchanged", async function () {
    await ex.client.placeOrder(await ex.sign(maker, await order(maker, "sell", "0.5", "60000")));
    const crossing = await ex.sign(taker, await order(taker, "buy", "0.5", "60000", OrderFlag.PostOnly));
    await expectRejected(ex.client.placeOrder(crossing), 422, "POST_ONLY_WOULD_CROSS");
    const book = await ex.client.book(BTC_USD);
    expect(book.bids).to.have.length(0);
    expect(book.asks[0]).to.deep.include({ priceWad: wad("60000"), sizeWad: wad("0.5") });
  });

  it("publishes impact prices: the average price of a market order of the notional against each side", async function () {
    await ex.client.placeOrder(await ex.sign(maker, await order(maker, "sell", "0.5", "60000")));
    await ex.client.placeOrder(await ex.sign(maker, await order(maker, "sell", "0.5", "60100")));
    // Buying 45,050 USD: 0.5 at 60,000 (30,000 USD), then 15,050 USD at 60,100: the average lies strictly between.
    const impact = await ex.client.impactPrices(BTC_USD, wad("45050"));
    expect(impact.impactBidWad).to.equal(undefined);
    expect(impact.impactAskWad! > wad("60000") && impact.impactAskWad! < wad("60100")).to.equal(true);
    // More than the asks hold: no impact ask.
    expect((await ex.client.impactPrices(BTC_USD, wad("100000"))).impactAskWad).to.equal(undefined);
  });

  it("drops a fill whose maker cancelled on chain before settlement and rolls it back: the bid rests again", async function () {
    const ask = await ex.sign(maker, await order(maker, "sell", "0.3", "60000"));
    await ex.client.placeOrder(ask);
    const bid = await ex.sign(taker, await order(taker, "buy", "0.3", "60000"));
    const placed = await ex.client.placeOrder(bid);
    expect(placed.fills).to.have.length(1);
    // The maker cancels on chain between the match and the batch: settlement must refuse the fill (OrderDead).
    await ex.f.pm.connect(maker).cancelOrder(ask.order);
    await ex.pipeline.flush();
    await waitFor(async () => (await ex.client.order(placed.order.hash))?.status === "open");
    expect(await ex.client.order(placed.order.hash)).to.deep.include({ filledWad: 0n, settledWad: 0n, status: "open" });
    expect((await ex.client.order(placed.fills[0].makerHash)) ?? {}).to.deep.include({
      status: "cancelled",
      reason: "settlement-rejected",
    });
    expect((await ex.f.pm.position(await taker.getAddress(), BTC_USD)).sizeWad).to.equal(0n);
    expect((await ex.client.book(BTC_USD)).bids[0]).to.deep.include({ priceWad: wad("60000"), sizeWad: wad("0.3") });
  });
});

async function expectRejected(call: Promise<unknown>, status: number, code: string): Promise<void> {
  try {
    await call;
  } catch (error) {
    expect(error).to.have.property("status", status);
    expect(error).to.have.property("code", code);
    return;
  }
  expect.fail(`expected ${status} ${code}`);
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
