/**
 * Malformed WebSocket input. Frames that break RFC 6455 (unmasked, reserved opcodes and bits, oversized or fragmented
 * control frames, a continuation with nothing to continue, an invalid close code, text that is not UTF-8) close that
 * socket with the RFC's code (1002 protocol error, 1007 invalid data) and nothing else. Messages that are well-framed
 * but hostile JSON (duplicate keys, prototype-poisoning keys, deep nesting, empty or NUL-laden text) get an `error`
 * naming the fault and the socket stays open. A bystander keeps its feed and HTTP keeps answering throughout.
 *
 * Beyond stream.abuse.test.ts (invalid JSON, unknown ops and fields, a top-level `__proto__`, a binary frame).
 */
import { expect } from "chai";
import { GatewayStream } from "../../../keepers/gateway/client";
import { BTC_USD } from "./fakeExchange";
import { startGateway, type Harness } from "./harness";
import { expectFeedAlive, expectServing, openRawSocket, rawFrame } from "./adversarialHelpers";

const Opcode = { Continuation: 0x0, Text: 0x1, Reserved3: 0x3, Close: 0x8, Ping: 0x9, ReservedB: 0xb } as const;

describe("gateway adversarial: malformed WebSocket frames and messages", function () {
  this.timeout(30_000);
  let h: Harness;
  let bystander: GatewayStream;
  let fillId = 0;

  before(async function () {
    h = await startGateway();
    bystander = await GatewayStream.connect(h.address.wsUrl);
    await bystander.subscribe({ channel: "trades", marketId: BTC_USD });
  });
  after(async function () {
    await bystander.close();
    await h.close();
  });
  afterEach(async function () {
    await expectFeedAlive(h.exchange, bystander, ++fillId);
    await expectServing(h.address.url, BTC_USD);
  });

  const ping = Buffer.from('{"op":"ping"}');
  const protocolErrors: [string, Buffer, number][] = [
    ["an unmasked frame", rawFrame(Opcode.Text, ping, { mask: false }), 1002],
    ["reserved opcode 0x3", rawFrame(Opcode.Reserved3, ping), 1002],
    ["reserved opcode 0xB", rawFrame(Opcode.ReservedB, ping), 1002],
    ["the RSV1 bit without negotiated compression", rawFrame(Opcode.Text, ping, { rsv1: true }), 1002],
    ["a ping of 126 bytes (control frames hold at most 125)", rawFrame(Opcode.Ping, Buffer.alloc(126)), 1002],
    ["a fragmented ping", rawFrame(Opcode.Ping, Buffer.alloc(4), { fin: false }), 1002],
    ["a continuation frame with nothing to continue", rawFrame(Opcode.Continuation, ping), 1002],
    ["a close frame with the invalid code 999", rawFrame(Opcode.Close, Buffer.from([0x03, 0xe7])), 1002],
    ["a text frame that is not UTF-8", rawFrame(Opcode.Text, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 1007],
  ];
  for (const [what, frame, code] of protocolErrors) {
    it(`closes the socket with ${code} for ${what}`, async function () {
      const socket = await openRawSocket(h.address.wsUrl);
      socket.write(frame);
      expect((await socket.closed).code).to.equal(code);
    });
  }

  const hostileMessages: [string, string, string][] = [
    [
      "a duplicate key",
      '{"op":"subscribe","channel":"trades","op":"ping"}',
      'message has the key "op" more than once; send each key once',
    ],
    [
      "a duplicate key spelled with an escape",
      '{"op":"ping","id":1,"\\u0069d":2}',
      'message has the key "id" more than once; send each key once',
    ],
    [
      "a nested prototype-poisoning key",
      '{"op":"ping","constructor":{"prototype":{"admin":true}}}',
      'message has an unknown property "constructor"',
    ],
    ["a nesting bomb of 30,000 arrays", `${"[".repeat(30_000)}${"]".repeat(30_000)}`, "message must be an object"],
    ["an empty text frame", "", "the message is not valid JSON"],
    ["NUL bytes", '{"op":"ping"}\u0000\u0000', "the message is not valid JSON"],
    ["a channel list", '{"op":"subscribe","channel":["book","trades"]}', "message.channel must be a string"],
  ];
  for (const [what, text, message] of hostileMessages) {
    it(`answers ${what} with an error naming it and keeps the socket open`, async function () {
      const client = await GatewayStream.connect(h.address.wsUrl);
      client.send(text);
      const reply = await client.next();
      expect(reply).to.deep.include({ type: "error", message });
      expect(Object.prototype).to.not.have.property("admin");
      await client.ping();
      expect(client.isOpen).to.equal(true);
      await client.close();
    });
  }
});
