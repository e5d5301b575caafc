/**
 * The WebSocket endpoint under abuse, over real sockets: invalid messages are answered with an `error` and the socket
 * stays open; an oversized frame closes only that socket (1009); a message flood closes only that socket (1008); the
 * subscription and connection caps hold; a consumer that stops reading is dropped; and in every case the other
 * clients keep receiving.
 */
import { once } from "node:events";
import { setImmediate as nextTick } from "node:timers/promises";
import { expect } from "chai";
import WebSocket from "ws";
import { GatewayStream, type StreamMessage } from "../../../keepers/gateway/client";
import { BTC_USD, testTrade, testWallet } from "./fakeExchange";
import { http, startGateway, type Harness } from "./harness";

describe("gateway stream: abuse", function () {
  this.timeout(20_000);
  let h: Harness;
  let bystander: GatewayStream;

  async function setUp(options: Parameters<typeof startGateway>[0] = {}): Promise<void> {
    h = await startGateway(options);
    bystander = await GatewayStream.connect(h.address.wsUrl);
    await bystander.subscribe({ channel: "trades", marketId: BTC_USD });
  }

  /** The bystander still receives trades (and HTTP still answers). */
  async function othersUnaffected(fillId: number): Promise<void> {
    h.exchange.recordTrade(testTrade(BTC_USD, fillId));
    const update = await bystander.next((m) => m.type === "update");
    expect(update.type === "update" && update.channel === "trades" && update.data.fillId).to.equal(fillId);
    expect((await http(`${h.address.url}/v1/markets`)).status).to.equal(200);
  }

  afterEach(async function () {
    await bystander.close();
    await h.close();
  });

  describe("invalid messages", function () {
    beforeEach(async function () {
      await setUp();
    });

    const cases: [string, string | Buffer, { code: string; message: string }][] = [
      ["not JSON", "{op: subscribe", { code: "INVALID_JSON", message: "the message is not valid JSON" }],
      [
        "a binary frame",
        Buffer.from('{"op":"ping"}'),
        { code: "INVALID_REQUEST", message: "send JSON messages as text frames" },
      ],
      ["a JSON array", "[1,2]", { code: "INVALID_REQUEST", message: "message must be an object" }],
      [
        "an unknown op",
        '{"op":"hack"}',
        { code: "INVALID_REQUEST", message: "message.op must be one of subscribe, unsubscribe, ping" },
      ],
      ["no op", '{"channel":"book"}', { code: "INVALID_REQUEST", message: "message.op is required" }],
      [
        "an unknown channel",
        '{"op":"subscribe","channel":"positions"}',
        { code: "INVALID_REQUEST", message: "message.channel must be one of book, trades, orders, mark, funding" },
      ],
      [
        "no channel",
        '{"op":"subscribe"}',
        { code: "INVALID_REQUEST", message: "message.channel is required to subscribe" },
      ],
      [
        "book without marketId",
        '{"op":"subscribe","channel":"book"}',
        { code: "INVALID_REQUEST", message: "message.marketId is required for the book channel" },
      ],
      [
        "orders without account",
        '{"op":"subscribe","channel":"orders"}',
        { code: "INVALID_REQUEST", message: "message.account is required for the orders channel" },
      ],
      [
        "account on trades",
        `{"op":"subscribe","channel":"trades","account":"0x${"11".repeat(20)}"}`,
        { code: "INVALID_REQUEST", message: "message.account applies to the orders channel only" },
      ],
      [
        "depth on mark",
        '{"op":"subscribe","channel":"mark","depth":5}',
        { code: "INVALID_REQUEST", message: "message.depth applies to the book channel only" },
      ],
      [
        "a string marketId",
        '{"op":"subscribe","channel":"book","marketId":"1"}',
        { code: "INVALID_REQUEST", message: "message.marketId must be an integer" },
      ],
      [
        "an overflowing marketId",
        '{"op":"subscribe","channel":"book","marketId":1e400}',
        { code: "INVALID_REQUEST", message: "message.marketId must be an integer" },
      ],
      [
        "a bad account",
        '{"op":"subscribe","channel":"orders","account":"0x12"}',
        {
          code: "INVALID_REQUEST",
          message: "message.account must be a 20-byte 0x-prefixed hex address (EIP-55 checksum when mixed case)",
        },
      ],
      [
        "an unknown property",
        '{"op":"ping","admin":true}',
        { code: "INVALID_REQUEST", message: 'message has an unknown property "admin"' },
      ],
      [
        "a __proto__ property",
        '{"op":"ping","__proto__":{"x":1}}',
        { code: "INVALID_REQUEST", message: 'message has an unknown property "__proto__"' },
      ],
    ];
    for (const [what, frame, error] of cases) {
      it(`answers ${what} with an error and keeps the socket open`, async function () {
        const client = await GatewayStream.connect(h.address.wsUrl);
        client.send(frame);
        expect(await client.next()).to.deep.equal({ type: "error", ...error });
        await client.ping();
        expect(client.isOpen).to.equal(true);
        await client.close();
      });
    }

    it("echoes the id of an invalid request", async function () {
      const client = await GatewayStream.connect(h.address.wsUrl);
      client.send('{"op":"subscribe","channel":"book","id":"req-9"}');
      expect(await client.next()).to.include({ type: "error", id: "req-9", code: "INVALID_REQUEST" });
      await client.close();
    });
  });

  describe("oversized frames", function () {
    it("closes the sender with 1009 and nobody else", async function () {
      await setUp({ maxWsPayloadBytes: 1024 });
      const attacker = await GatewayStream.connect(h.address.wsUrl);
      await attacker.subscribe({ channel: "trades", marketId: BTC_USD });
      attacker.send(JSON.stringify({ op: "ping", id: "x".repeat(2048) }));
      const closed = await attacker.closed;
      expect(closed.code).to.equal(1009);
      await othersUnaffected(1);
      const fresh = await GatewayStream.connect(h.address.wsUrl);
      await fresh.ping();
      await fresh.close();
    });

    it("accepts a frame at the limit", async function () {
      await setUp({ maxWsPayloadBytes: 1024 });
      const client = await GatewayStream.connect(h.address.wsUrl);
      const frame = JSON.stringify({ op: "ping", id: "" });
      client.send(frame.replace('"id":""', `"id":"${"x".repeat(64)}"`).padEnd(1024, " "));
      expect(await client.next()).to.deep.equal({ type: "pong", id: "x".repeat(64) });
      await client.close();
    });
  });

  describe("floods", function () {
    it("closes a socket that sends faster than its message rate with 1008, and nobody else", async function () {
      await setUp({ wsMessageRate: { perSecond: 1, burst: 5 }, now: () => 0 });
      const flooder = await GatewayStream.connect(h.address.wsUrl);
      for (let i = 0; i < 50; i++) flooder.send("garbage");
      expect(await flooder.closed).to.deep.equal({ code: 1008, reason: "message rate exceeded" });
      const errors = flooder.drain().filter((m: StreamMessage) => m.type === "error");
      expect(errors.length, "the first five got answers").to.equal(5);
      await othersUnaffected(2);
    });

    it("refuses subscriptions past the cap with an error, keeping the existing ones", async function () {
      await setUp({ maxSubscriptionsPerSocket: 2 });
      const client = await GatewayStream.connect(h.address.wsUrl);
      await client.subscribe({ channel: "trades", marketId: BTC_USD });
      await client.subscribe({ channel: "orders", account: testWallet().address });
      const third = await client.subscribe({ channel: "mark" }).catch((e: unknown) => e);
      expect(third).to.include({
        code: "RATE_LIMITED",
        message: "at most 2 subscriptions per connection; unsubscribe first",
      });
      await client.subscribe({ channel: "trades", marketId: BTC_USD });
      h.exchange.recordTrade(testTrade(BTC_USD, 3));
      const update = await client.next((m) => m.type === "update");
      expect(update.type === "update" && update.channel).to.equal("trades");
      await client.close();
    });

    it("closes connections past the cap with 1013", async function () {
      await setUp({ maxWsConnections: 2 });
      const second = await GatewayStream.connect(h.address.wsUrl);
      const third = await GatewayStream.connect(h.address.wsUrl);
      expect(await third.closed).to.deep.equal({ code: 1013, reason: "too many connections" });
      await second.ping();
      await second.close();
      await othersUnaffected(4);
    });

    it("drops a consumer that stops reading once its unsent bytes pass the cap", async function () {
      await setUp({ maxWsBufferedBytes: 64 * 1024 });
      const slow = new WebSocket(h.address.wsUrl);
      await once(slow, "open");
      slow.send(JSON.stringify({ op: "subscribe", channel: "trades" }));
      await once(slow, "message");
      // Stop reading: the server's socket buffers fill, then its unsent bytes grow.
      (slow as unknown as { _socket: { pause(): void } })._socket.pause();
      const bigHash = `0x${"ab".repeat(32)}`;
      for (let batch = 0; batch < 500 && !h.logs.some((l) => l.msg === "websocket dropped: slow consumer"); batch++) {
        for (let i = 0; i < 200; i++) h.exchange.events.emit("trade", testTrade(7, i, { makerHash: bigHash }));
        await nextTick();
      }
      expect(h.logs.some((l) => l.msg === "websocket dropped: slow consumer")).to.equal(true);
      slow.terminate();
      await othersUnaffected(5);
    });
  });
});
