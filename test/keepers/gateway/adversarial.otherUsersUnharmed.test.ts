/**
 * Nothing is lost for other users, on the real exchange. A victim rests a bid and an ask and follows its orders and
 * the book over a WebSocket; an attacker who has seen the victim's signed order and signed cancel then tries every
 * trick on the victim's behalf (replaying the order, re-reading it through duplicate keys, tampering with it, cancelling
 * it, cancelling everything, arming the victim's dead-man switch, liquidating the victim) and throws garbage at the
 * gateway over HTTP and WebSocket. Every attempt is a 4xx naming what is wrong; afterwards the victim's orders, the
 * book and the victim's feed are exactly as before (no order update was pushed), and the victim's next order trades
 * and settles on chain.
 */
import { expect } from "chai";
import type { Signer } from "ethers";
import type { OrderView } from "../../../keepers/gateway/api";
import type { BookSnapshot } from "../../../keepers/matcher/types";
import { GatewayStream } from "../../../keepers/gateway/client";
import { signCancelRequest } from "../../../keepers/sdk/cancels";
import { signLiquidationRequest } from "../../../keepers/sdk/liquidations";
import { signOrder, type Order } from "../../../keepers/sdk/orders";
import { BTC_USD, wad } from "../../fixtures/keel";
import { startExchange, traders, type Exchange } from "../e2e/helpers";
import { chainNow, expectRejected, orderFor, place } from "../intake/helpers";
import { expectOrdersIntact, openRawSocket, send, wireOrder } from "./adversarialHelpers";

describe("gateway adversarial: other users are unharmed (real exchange)", function () {
  this.timeout(60_000);
  let ex: Exchange;
  let victim: Signer;
  let attacker: Signer;
  let counterparty: Signer;
  let victimAddress: string;
  let url: string;
  let victimOrder: { order: Order; signature: string };
  let resting: OrderView[];
  let bookBefore: BookSnapshot;
  let feed: GatewayStream;

  before(async function () {
    [victim, attacker, counterparty] = await traders(3);
    victimAddress = await victim.getAddress();
    ex = await startExchange([victim, attacker, counterparty]);
    url = ex.matcher.address.url;
    victimOrder = await ex.sign(victim, await orderFor(victim, "buy", { price: wad("59000") }));
    resting = [
      (await ex.client.placeOrder(victimOrder)).order,
      (await place(ex, victim, await orderFor(victim, "sell", { price: wad("61000") }))).order,
    ];
    bookBefore = await ex.client.book(BTC_USD);
    feed = await GatewayStream.connect(ex.matcher.address.wsUrl);
    await feed.subscribe({ channel: "orders", account: victimAddress });
    await feed.subscribe({ channel: "book", marketId: BTC_USD });
    feed.drain();
  });
  after(async function () {
    await feed.close();
    await ex.stop();
  });

  /** Sends `body` to `path` and expects `status` and `code`; returns the message. */
  async function refused(path: string, body: unknown, status: number, code: string): Promise<string> {
    const answer = await send(`${url}${path}`, { body: body as object });
    expect({ status: answer.status, code: answer.json?.error?.code }, `${path}: ${answer.text}`).to.deep.equal({
      status,
      code,
    });
    expect(answer.json.error.message).to.be.a("string").and.not.equal("");
    return answer.json.error.message as string;
  }

  it("refuses every attempt on the victim's orders and account with a 4xx naming the fault", async function () {
    const signed = { order: wireOrder(victimOrder.order), signature: victimOrder.signature };
    const attackerSigned = async (order: Order) => ({
      order: wireOrder(order),
      signature: await signOrder(attacker, ex.domain, order),
    });

    // The victim's signed order, replayed as is (the nonce is checked first), or re-read with a duplicate key meant to change its price.
    expect(await refused("/v1/orders", signed, 409, "NONCE_USED")).to.contain(`Nonce ${victimOrder.order.nonce}`);
    const doubled = JSON.stringify(signed).replace('"price":', '"price":"1000000000000000000","price":');
    expect((await send(`${url}/v1/orders`, { body: doubled })).json.error.details).to.deep.equal({
      field: "body.order.price",
    });
    // The victim's order tampered with (fresh nonces: a used one is refused before the signature is read) and
    // signed by the attacker: not the victim's signature.
    for (const tampered of [
      { ...victimOrder.order, nonce: 5_000_001n },
      { ...victimOrder.order, nonce: 5_000_002n, price: wad("60000") },
      { ...victimOrder.order, nonce: 5_000_003n, flags: 0 },
    ]) {
      expect(await refused("/v1/orders", await attackerSigned(tampered), 401, "INVALID_SIGNATURE")).to.contain(
        `neither ${victimAddress}`,
      );
    }
    // Cancels in the victim's name signed by the attacker, or of the victim's order in the attacker's name.
    const deadline = (await chainNow()) + 60n;
    const attackerAddress = await attacker.getAddress();
    const cancel = { account: victimAddress, orderHash: resting[0].hash };
    const cancelAll = { account: victimAddress, marketId: 0, deadline };
    const schedule = { account: victimAddress, cancelAt: 1n, deadline };
    // Thunks, each started only when awaited: a request sent early would reject unobserved while the next is signed.
    for (const attempt of [
      async () => ex.client.cancelOrder(cancel, await signCancelRequest(attacker, ex.domain, "CancelOrder", cancel)),
      async () => ex.client.cancelAll(cancelAll, await signCancelRequest(attacker, ex.domain, "CancelAll", cancelAll)),
      async () =>
        ex.client.scheduleCancel(schedule, await signCancelRequest(attacker, ex.domain, "ScheduleCancel", schedule)),
    ]) {
      await expectRejected(attempt(), 401, "INVALID_SIGNATURE", `neither ${victimAddress}`);
    }
    expect(ex.matcher.engine.scheduledCancel(victimAddress), "no dead-man switch armed for the victim").to.equal(
      undefined,
    );
    const ownName = { account: attackerAddress, orderHash: resting[0].hash };
    await expectRejected(
      ex.client.cancelOrder(ownName, await signCancelRequest(attacker, ex.domain, "CancelOrder", ownName)),
      404,
      "ORDER_NOT_FOUND",
      `No order ${resting[0].hash} of ${attackerAddress}`,
    );
    // A liquidation of the (healthy) victim by a signer without LIQUIDATOR_ROLE.
    const liquidation = { account: victimAddress, marketId: BTC_USD, maxSizeWad: wad("1"), deadline };
    await expectRejected(
      ex.client.reserveLiquidation(liquidation, await signLiquidationRequest(attacker, ex.domain, liquidation)),
      403,
      "FORBIDDEN",
      `${attackerAddress} does not hold LIQUIDATOR_ROLE`,
    );
  });

  it("refuses garbage over HTTP and WebSocket without touching anyone's state", async function () {
    const order = wireOrder(victimOrder.order);
    await refused("/v1/orders", '{"order":', 400, "INVALID_REQUEST");
    await refused(
      "/v1/orders",
      { order: { ...order, size: (1n << 256n).toString() }, signature: "0x00" },
      400,
      "INVALID_REQUEST",
    );
    await refused("/v1/orders", `{"order":${"[".repeat(30_000)}${"]".repeat(30_000)}}`, 400, "INVALID_REQUEST");
    await refused(
      "/v1/cancel",
      { request: { account: victimAddress, orderHash: resting[0].hash, extra: 1 } },
      400,
      "INVALID_REQUEST",
    );
    expect((await send(`${url}/v1/orders`, { body: "x".repeat(1024 * 1024) })).status).to.equal(413);

    const oversized = await openRawSocket(ex.matcher.address.wsUrl);
    oversized.ws.send("x".repeat(1024 * 1024));
    expect((await oversized.closed).code).to.equal(1009);
    const flooder = await openRawSocket(ex.matcher.address.wsUrl);
    for (let i = 0; i < 1_000; i++)
      flooder.ws.send(JSON.stringify({ op: "subscribe", channel: "orders", account: victimAddress }));
    expect((await flooder.closed).code).to.equal(1008);
  });

  it("leaves the victim's orders, the book and the victim's feed as they were, and trades the victim's next order", async function () {
    await expectOrdersIntact(ex.client, resting);
    expect(await ex.client.book(BTC_USD)).to.deep.equal(bookBefore);
    await feed.ping();
    expect(
      feed.drain().filter((m) => m.type === "update"),
      "no order or book update was pushed",
    ).to.deep.equal([]);

    const ask = await place(ex, counterparty, await orderFor(counterparty, "sell", { price: wad("60000") }));
    const bid = await place(ex, victim, await orderFor(victim, "buy", { price: wad("60000") }));
    expect(bid.fills).to.have.length(1);
    expect(bid.fills[0]).to.deep.include({ makerHash: ask.order.hash, priceWad: wad("60000") });
    const update = await feed.next((m) => m.type === "update" && m.channel === "orders");
    expect(update).to.have.nested.property("data.hash", bid.order.hash);
    await ex.settle();
    expect((await ex.f.pm.position(victimAddress, BTC_USD)).sizeWad).to.equal(bid.order.sizeWad);
    await expectOrdersIntact(ex.client, resting);
  });
});
