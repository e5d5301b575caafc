/**
 * WebSocket feeds over a real socket on loopback: subscribe and unsubscribe acks, the book snapshot followed by deltas
 * that continue its sequence, order updates only for the subscribed account, market-filtered and all-market feeds,
 * and cleanup (subscriptions dropped when a socket closes, event listeners removed when the gateway closes).
 *
 * "Nothing else arrived" is proven without timers: a ping's pong travels behind any frame sent before it.
 */
import { once } from "node:events";
import { expect } from "chai";
import WebSocket from "ws";
import { GatewayStream, GatewayStreamError, type StreamMessage } from "../../../keepers/gateway/client";
import { WAD } from "../../../keepers/sdk/math";
import { BTC_USD, EVENT_MARKET, signedTestOrder, testTrade, testWallet } from "./fakeExchange";
import { startGateway, type Harness } from "./harness";

const isUpdate = (m: StreamMessage) => m.type === "update";

describe("gateway stream: subscriptions", function () {
  this.timeout(20_000);
  let h: Harness;
  let stream: GatewayStream;

  beforeEach(async function () {
    h = await startGateway();
    stream = await GatewayStream.connect(h.address.wsUrl);
  });
  afterEach(async function () {
    await stream.close();
    await h.close();
  });

  /** Every update queued once a ping round trip proves the socket is drained. */
  async function settledUpdates(on: GatewayStream = stream): Promise<StreamMessage[]> {
    await on.ping();
    return on.drain().filter(isUpdate);
  }

  it("acks subscribe and unsubscribe with the request's id and fields", async function () {
    stream.send(JSON.stringify({ op: "subscribe", channel: "trades", marketId: 1, id: "a-1" }));
    expect(await stream.next()).to.deep.equal({ type: "subscribed", id: "a-1", channel: "trades", marketId: 1 });
    stream.send(JSON.stringify({ op: "unsubscribe", channel: "trades", marketId: 1, id: 42 }));
    expect(await stream.next()).to.deep.equal({ type: "unsubscribed", id: 42, channel: "trades", marketId: 1 });
    stream.send(JSON.stringify({ op: "ping", id: "p" }));
    expect(await stream.next()).to.deep.equal({ type: "pong", id: "p" });
  });

  it("sends the book snapshot first, then deltas whose sequence continues it", async function () {
    const wallet = testWallet();
    await h.client.placeOrder(await signedTestOrder(wallet, { nonce: 1n }));
    await stream.subscribe({ channel: "book", marketId: BTC_USD, depth: 10 });
    const snapshot = await stream.next((m) => m.type === "snapshot");
    if (snapshot.type !== "snapshot") throw new Error("unreachable");
    expect(snapshot.data).to.deep.equal({
      marketId: 1,
      bids: [{ priceWad: 59_000n * WAD, sizeWad: (3n * WAD) / 2n, orderCount: 1 }],
      asks: [],
      sequence: 1,
    });
    expect(h.exchange.calls.at(-1)).to.deep.equal({ method: "book", args: [1, 10] });

    h.exchange.changeLevel(BTC_USD, "sell", 61_000n * WAD, 2n * WAD);
    h.exchange.changeLevel(EVENT_MARKET, "sell", WAD / 2n, WAD);
    h.exchange.changeLevel(BTC_USD, "buy", 59_000n * WAD, -(3n * WAD) / 2n);
    const updates = await settledUpdates();
    expect(updates).to.deep.equal([
      {
        type: "update",
        channel: "book",
        marketId: 1,
        data: { marketId: 1, side: "sell", priceWad: 61_000n * WAD, sizeWad: 2n * WAD, sequence: 2 },
      },
      {
        type: "update",
        channel: "book",
        marketId: 1,
        data: { marketId: 1, side: "buy", priceWad: 59_000n * WAD, sizeWad: 0n, sequence: 3 },
      },
    ]);
  });

  it("sends the raw frames with bigints as decimal strings", async function () {
    const socket = new WebSocket(h.address.wsUrl);
    const frames: unknown[] = [];
    socket.on("message", (data) => frames.push(JSON.parse(data.toString())));
    await once(socket, "open");
    socket.send(JSON.stringify({ op: "subscribe", channel: "mark" }));
    while (frames.length < 1) await once(socket, "message");
    h.exchange.events.emit("mark", {
      marketId: 2,
      markWad: (4n * WAD) / 10n,
      indexWad: (41n * WAD) / 100n,
      timestamp: 1_700_000_000,
    });
    while (frames.length < 2) await once(socket, "message");
    socket.close();
    expect(frames).to.deep.equal([
      { type: "subscribed", channel: "mark" },
      {
        type: "update",
        channel: "mark",
        marketId: 2,
        data: { marketId: 2, markWad: "400000000000000000", indexWad: "410000000000000000", timestamp: 1_700_000_000 },
      },
    ]);
  });

  it("sends order updates only for the subscribed account", async function () {
    const alice = testWallet();
    const bob = testWallet();
    await stream.subscribe({ channel: "orders", account: alice.address.toLowerCase() });
    const bobs = await signedTestOrder(bob);
    const alices = await signedTestOrder(alice);
    await h.client.placeOrder(bobs);
    await h.client.placeOrder(alices);

    const updates = await settledUpdates();
    expect(updates).to.have.length(1);
    const [update] = updates;
    if (update.type !== "update" || update.channel !== "orders") throw new Error(`unexpected ${update.type}`);
    expect(update.account).to.equal(alice.address);
    expect(update.data.hash).to.equal(alices.hash);
    expect(update.data.sizeWad).to.equal((3n * WAD) / 2n);
  });

  it("filters trades, mark and funding by market, or sends every market without marketId", async function () {
    const other = await GatewayStream.connect(h.address.wsUrl);
    await stream.subscribe({ channel: "trades", marketId: EVENT_MARKET });
    await stream.subscribe({ channel: "funding", marketId: BTC_USD });
    await other.subscribe({ channel: "trades" });
    await other.subscribe({ channel: "trades", marketId: BTC_USD });

    h.exchange.recordTrade(testTrade(BTC_USD, 1));
    h.exchange.recordTrade(testTrade(EVENT_MARKET, 2));
    h.exchange.events.emit("funding", {
      marketId: EVENT_MARKET,
      fundingPerUnitWad: 1n,
      cumulativeFundingWad: 1n,
      fundingEpoch: 1,
      timestamp: 1,
    });
    h.exchange.events.emit("funding", {
      marketId: BTC_USD,
      fundingPerUnitWad: -(WAD / 100n),
      cumulativeFundingWad: -(WAD / 50n),
      fundingEpoch: 7,
      premiumWad: WAD / 1000n,
      timestamp: 1_700_000_000,
    });

    const mine = await settledUpdates();
    expect(mine.map((m) => (m.type === "update" ? `${m.channel}:${m.marketId}` : m.type))).to.deep.equal([
      "trades:2",
      "funding:1",
    ]);
    const funding = mine[1];
    if (funding.type !== "update" || funding.channel !== "funding") throw new Error("unreachable");
    expect(funding.data).to.deep.equal({
      marketId: 1,
      fundingPerUnitWad: -(WAD / 100n),
      cumulativeFundingWad: -(WAD / 50n),
      fundingEpoch: 7,
      premiumWad: WAD / 1000n,
      timestamp: 1_700_000_000,
    });

    const theirs = await settledUpdates(other);
    expect(
      theirs.map((m) => (m.type === "update" ? m.data : undefined)).map((d) => (d as { fillId: number }).fillId),
    ).to.deep.equal([1, 2], "once per trade, though two subscriptions match market 1");
    await other.close();
  });

  it("stops sending after unsubscribe", async function () {
    await stream.subscribe({ channel: "trades", marketId: BTC_USD });
    h.exchange.recordTrade(testTrade(BTC_USD, 1));
    expect(await settledUpdates()).to.have.length(1);
    await stream.unsubscribe({ channel: "trades", marketId: BTC_USD });
    h.exchange.recordTrade(testTrade(BTC_USD, 2));
    expect(await settledUpdates()).to.deep.equal([]);
  });

  it("answers an error for an unknown market or an unsubscribe without a subscription, and stays open", async function () {
    const unknown = await stream.subscribe({ channel: "book", marketId: 77 }).catch((e: unknown) => e);
    expect(unknown).to.be.instanceOf(GatewayStreamError);
    expect(unknown).to.include({ code: "UNKNOWN_MARKET", message: "market 77 is not listed" });
    const notSubscribed = await stream.unsubscribe({ channel: "mark", marketId: 1 }).catch((e: unknown) => e);
    expect(notSubscribed).to.include({ code: "NOT_FOUND", message: "not subscribed to mark market 1" });
    expect(h.gateway.stream.subscriptionCount).to.equal(0);
    await stream.ping();
    expect(stream.isOpen).to.equal(true);
  });

  it("re-sends a fresh snapshot when a book subscription is repeated (resync after a gap)", async function () {
    await stream.subscribe({ channel: "book", marketId: BTC_USD });
    expect((await stream.next((m) => m.type === "snapshot")).type).to.equal("snapshot");
    h.exchange.changeLevel(BTC_USD, "sell", 61_000n * WAD, WAD);
    await stream.subscribe({ channel: "book", marketId: BTC_USD });
    const again = await stream.next((m) => m.type === "snapshot");
    if (again.type !== "snapshot") throw new Error("unreachable");
    expect(again.data.sequence).to.equal(1);
    expect(h.gateway.stream.subscriptionCount).to.equal(1);
  });

  it("drops a socket's subscriptions when it closes", async function () {
    await stream.subscribe({ channel: "book", marketId: BTC_USD });
    await stream.subscribe({ channel: "orders", account: testWallet().address });
    expect(h.gateway.stream.connectionCount).to.equal(1);
    expect(h.gateway.stream.subscriptionCount).to.equal(2);
    await stream.close();
    const deadline = Date.now() + 2_000;
    while (h.gateway.stream.connectionCount > 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(h.gateway.stream.connectionCount).to.equal(0);
    expect(h.gateway.stream.subscriptionCount).to.equal(0);
    h.exchange.changeLevel(BTC_USD, "sell", 61_000n * WAD, WAD);
  });

  it("removes its event listeners and closes sockets with 1001 when the gateway closes", async function () {
    const events = ["book", "trade", "order", "mark", "funding"] as const;
    expect(events.map((e) => h.exchange.events.listenerCount(e))).to.deep.equal([1, 1, 1, 1, 1]);
    await stream.subscribe({ channel: "trades" });
    await h.close();
    expect(events.map((e) => h.exchange.events.listenerCount(e))).to.deep.equal([0, 0, 0, 0, 0]);
    expect(await stream.closed).to.deep.equal({ code: 1001, reason: "server shutting down" });
  });
});
