/**
 * WebSocket floods: 10,000 subscriptions on one socket (at the production message rate the socket is closed with 1008
 * after its burst; with the rate lifted, the per-socket cap keeps 64 and refuses the rest one by one, and the hub's
 * index never holds more), a flood of pings (which ws answers by itself, so they count against the message rate: 1008),
 * and one message split into 20,000 empty fragments (1008 from ws's fragment cap). The bystander's feed and HTTP keep
 * working, and the subscription index shrinks back when the flooder leaves.
 *
 * Beyond stream.abuse.test.ts (50 garbage messages at 1/s, a cap of 2 subscriptions, 3 connections over a cap of 2).
 */
import { expect } from "chai";
import { GatewayStream } from "../../../keepers/gateway/client";
import { BTC_USD } from "./fakeExchange";
import { startGateway, type Harness } from "./harness";
import {
  eventually,
  expectFeedAlive,
  expectServing,
  openRawSocket,
  rawFrame,
  type RawSocket,
} from "./adversarialHelpers";

const SUBSCRIPTIONS = 10_000;

/** A distinct, valid account address for each `i`. */
const account = (i: number) => `0x${(i + 1).toString(16).padStart(40, "0")}`;

/** Collects the JSON replies of `socket` until `count` have come (or it closes). */
function replies(socket: RawSocket, count: number): Promise<Record<string, unknown>[]> {
  const received: Record<string, unknown>[] = [];
  return new Promise((resolve) => {
    socket.ws.on("message", (data) => {
      received.push(JSON.parse(String(data)) as Record<string, unknown>);
      if (received.length === count) resolve(received);
    });
    void socket.closed.then(() => resolve(received));
  });
}

describe("gateway adversarial: WebSocket floods", function () {
  this.timeout(30_000);
  let h: Harness;
  let bystander: GatewayStream;
  let fillId = 0;

  async function setUp(options: Parameters<typeof startGateway>[0]): Promise<void> {
    h = await startGateway(options);
    bystander = await GatewayStream.connect(h.address.wsUrl);
    await bystander.subscribe({ channel: "trades", marketId: BTC_USD });
  }
  afterEach(async function () {
    await expectFeedAlive(h.exchange, bystander, ++fillId);
    await expectServing(h.address.url, BTC_USD);
    await bystander.close();
    await h.close();
  });

  const subscribe = (i: number) => JSON.stringify({ op: "subscribe", channel: "orders", account: account(i), id: i });

  it("closes a socket that sends 10,000 subscriptions at the production rate with 1008 after its burst", async function () {
    await setUp({ now: () => 0 }); // 20/s, bursts of 40, on a frozen clock: exactly 40 get answers
    const flooder = await openRawSocket(h.address.wsUrl);
    const answered = replies(flooder, SUBSCRIPTIONS);
    for (let i = 0; i < SUBSCRIPTIONS; i++) flooder.ws.send(subscribe(i));
    expect(await flooder.closed).to.deep.equal({ code: 1008, reason: "message rate exceeded" });
    expect((await answered).map((m) => m.type)).to.deep.equal(Array(40).fill("subscribed"));
    await eventually(() => h.gateway.stream.subscriptionCount === 1, "the flooder's subscriptions to be dropped");
  });

  it("keeps 64 of 10,000 distinct subscriptions and refuses the rest one by one when the rate allows them all", async function () {
    await setUp({ wsMessageRate: { perSecond: 1_000_000, burst: SUBSCRIPTIONS }, now: () => 0 });
    const flooder = await openRawSocket(h.address.wsUrl);
    const answered = replies(flooder, SUBSCRIPTIONS);
    for (let i = 0; i < SUBSCRIPTIONS; i++) flooder.ws.send(subscribe(i));
    const answers = await answered;
    expect(answers).to.have.length(SUBSCRIPTIONS);
    expect(answers.slice(0, 64).every((m) => m.type === "subscribed")).to.equal(true);
    expect(answers[64]).to.deep.equal({
      type: "error",
      id: 64,
      code: "RATE_LIMITED",
      message: "at most 64 subscriptions per connection; unsubscribe first",
    });
    expect(answers.slice(64).every((m) => m.code === "RATE_LIMITED")).to.equal(true);
    expect(h.gateway.stream.subscriptionCount, "the index holds 64 + the bystander's").to.equal(65);
    flooder.ws.close();
    await flooder.closed;
    await eventually(() => h.gateway.stream.subscriptionCount === 1, "the flooder's subscriptions to be dropped");
  });

  it("closes a socket that floods pings with 1008: pings count against the message rate", async function () {
    await setUp({ now: () => 0 });
    const flooder = await openRawSocket(h.address.wsUrl);
    for (let i = 0; i < 1_000; i++) flooder.ws.ping();
    expect(await flooder.closed).to.deep.equal({ code: 1008, reason: "message rate exceeded" });
  });

  it("closes a socket that splits one message into 20,000 empty fragments with 1008", async function () {
    await setUp({});
    const flooder = await openRawSocket(h.address.wsUrl);
    const fragments = [rawFrame(0x1, Buffer.alloc(0), { fin: false })];
    for (let i = 1; i < 20_000; i++) fragments.push(rawFrame(0x0, Buffer.alloc(0), { fin: false }));
    flooder.write(Buffer.concat(fragments));
    expect((await flooder.closed).code).to.equal(1008);
  });
});
