/**
 * Oversized WebSocket messages at the default limit (64 KiB): a 1 MiB text frame, a 1 MiB binary frame, a message
 * split into fragments that are each small but together too big, frame headers that announce 2^62 and 2^63 bytes, and
 * a hundred sockets doing it at once. Each offending socket is closed with 1009 (message too big) without the server
 * buffering the payload, the refusals are logged at debug (an attacker cannot flood the log at warn), and a bystander
 * keeps its subscription, its resting order and its HTTP answers.
 *
 * Beyond stream.abuse.test.ts (one 2 KiB text frame over a 1 KiB limit).
 */
import { expect } from "chai";
import { GatewayStream } from "../../../keepers/gateway/client";
import type { OrderView } from "../../../keepers/gateway/api";
import { BTC_USD, signedTestOrder, testWallet } from "./fakeExchange";
import { startGateway, type Harness } from "./harness";
import {
  expectFeedAlive,
  expectOrdersIntact,
  expectServing,
  openRawSocket,
  rawFrame,
  type RawSocket,
} from "./adversarialHelpers";

const KIB = 1024;
const MIB = KIB * KIB;
const OPCODE_TEXT = 0x1;

describe("gateway adversarial: oversized WebSocket frames", function () {
  this.timeout(30_000);
  let h: Harness;
  let bystander: GatewayStream;
  let resting: OrderView;
  let fillId = 0;

  beforeEach(async function () {
    h = await startGateway(); // the production limits: 64 KiB messages
    bystander = await GatewayStream.connect(h.address.wsUrl);
    await bystander.subscribe({ channel: "trades", marketId: BTC_USD });
    resting = (await h.client.placeOrder(await signedTestOrder(testWallet()))).order;
  });
  afterEach(async function () {
    // The bystander still gets its feed, HTTP still answers, its order is intact, and a new socket works.
    await expectFeedAlive(h.exchange, bystander, ++fillId);
    await expectServing(h.address.url, BTC_USD);
    await expectOrdersIntact(h.client, [resting]);
    const fresh = await GatewayStream.connect(h.address.wsUrl);
    await fresh.ping();
    await fresh.close();
    const warnings = h.logs.filter((l) => (l.level as number) >= 40);
    expect(warnings, "client protocol errors are not warnings").to.deep.equal([]);
    await bystander.close();
    await h.close();
  });

  /** Opens a socket, lets `attack` loose on it, and expects the server to close it with 1009. */
  async function expectClosedTooBig(attack: (socket: RawSocket) => void): Promise<void> {
    const socket = await openRawSocket(h.address.wsUrl);
    attack(socket);
    expect((await socket.closed).code).to.equal(1009);
    expect(h.logs.some((l) => l.msg === "websocket closed: client protocol error")).to.equal(true);
  }

  it("closes a socket that sends a 1 MiB text frame with 1009", async function () {
    await expectClosedTooBig(({ ws }) => ws.send(JSON.stringify({ op: "ping", id: "x".repeat(MIB) })));
  });

  it("closes a socket that sends a 1 MiB binary frame with 1009", async function () {
    await expectClosedTooBig(({ ws }) => ws.send(Buffer.alloc(MIB, 0x7b)));
  });

  it("closes a socket whose fragments are each small but together over the limit with 1009", async function () {
    await expectClosedTooBig(({ ws }) => {
      for (let i = 0; i < 20; i++) ws.send("x".repeat(8 * KIB), { fin: false });
      ws.send("x", { fin: true });
    });
  });

  it("closes a socket on a frame header announcing 2^62 or 2^63 bytes, before any payload arrives", async function () {
    for (const declaredLength of [1n << 62n, 1n << 63n]) {
      await expectClosedTooBig(({ write }) => write(rawFrame(OPCODE_TEXT, Buffer.alloc(0), { declaredLength })));
    }
  });

  it("closes a hundred sockets sending 1 MiB at once with 1009, and only them", async function () {
    const attackers = await Promise.all(Array.from({ length: 100 }, () => openRawSocket(h.address.wsUrl)));
    const frame = Buffer.alloc(MIB, 0x20);
    for (const { ws } of attackers) ws.send(frame, { binary: false });
    const closes = await Promise.all(attackers.map((a) => a.closed));
    expect(new Set(closes.map((c) => c.code))).to.deep.equal(new Set([1009]));
  });
});
