/**
 * Slow and broken HTTP clients (slowloris). A request whose body or headers never finish is answered 408
 * `REQUEST_TIMEOUT` and its socket closed once `requestTimeoutMs` has passed (Fastify's default is no limit at all, so
 * such sockets used to stay open for good); so is a connection that never sends a byte. Other clients are served
 * meanwhile, and an idle WebSocket outlives the request timeout. Connection-level refusals (oversized headers, a
 * request line that is not HTTP, a malformed percent-encoding, an overlong path parameter) are answered in the
 * gateway's `{ error: { code, message } }` shape, not Fastify's, and never echo the request.
 */
import { once } from "node:events";
import net from "node:net";
import { expect } from "chai";
import { GatewayStream } from "../../../keepers/gateway/client";
import { BTC_USD } from "./fakeExchange";
import { startGateway, type Harness } from "./harness";
import { expectServing, rawHttp, send } from "./adversarialHelpers";

const REQUEST_TIMEOUT_MS = 300;
const TIMEOUT_BODY = {
  error: {
    code: "REQUEST_TIMEOUT",
    message: "the request was not received in time; send the whole request at once",
  },
};

/** The status line and the JSON body of a raw HTTP answer. */
function parse(raw: string): { statusLine: string; body: unknown } {
  const [head, body] = raw.split("\r\n\r\n");
  return { statusLine: head.split("\r\n")[0], body: body ? JSON.parse(body) : undefined };
}

describe("gateway adversarial: slow and broken HTTP clients", function () {
  this.timeout(30_000);
  let h: Harness;

  beforeEach(async function () {
    h = await startGateway({ requestTimeoutMs: REQUEST_TIMEOUT_MS });
  });
  afterEach(async function () {
    await expectServing(h.address.url, BTC_USD);
    await h.close();
  });

  /** Opens a raw connection, writes `text`, and resolves with what the server wrote before it closed the socket. */
  async function stall(text: string): Promise<string> {
    const socket = net.connect(h.address.port, "127.0.0.1");
    await once(socket, "connect");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined);
    if (text) socket.write(text);
    // While this client stalls, another one is served.
    await expectServing(h.address.url, BTC_USD);
    await once(socket, "close");
    return Buffer.concat(chunks).toString("utf8");
  }

  it("answers 408 and closes a request whose body never finishes", async function () {
    const head =
      "POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
    const answer = parse(await stall(`${head}{"order":`));
    expect(answer.statusLine).to.equal("HTTP/1.1 408 Request Timeout");
    expect(answer.body).to.deep.equal(TIMEOUT_BODY);
    expect(h.exchange.calls.map((c) => c.method)).to.not.include("placeOrder");
  });

  it("answers 408 and closes a request whose headers never finish, or a connection that sends nothing", async function () {
    const partial = parse(await stall("GET /v1/markets HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    expect(partial.statusLine).to.equal("HTTP/1.1 408 Request Timeout");
    expect(partial.body).to.deep.equal(TIMEOUT_BODY);
    const silent = await stall("");
    expect(silent === "" || parse(silent).statusLine === "HTTP/1.1 408 Request Timeout", silent).to.equal(true);
  });

  it("keeps an idle WebSocket open past the request timeout", async function () {
    const stream = await GatewayStream.connect(h.address.wsUrl);
    // A request opened after the socket times out: the check that closed it saw the older socket too.
    await stall("GET /v1/markets HTTP/1.1\r\n");
    await stream.ping();
    expect(stream.isOpen).to.equal(true);
    await stream.close();
  });

  it("answers oversized headers 431 and a request line that is not HTTP 400, in the gateway's shape", async function () {
    const huge = parse(
      await rawHttp(h.address.port, `GET /v1/markets HTTP/1.1\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`),
    );
    expect(huge.statusLine).to.equal("HTTP/1.1 431 Request Header Fields Too Large");
    expect(huge.body).to.deep.equal({
      error: { code: "HEADERS_TOO_LARGE", message: "the request line and headers are larger than the server accepts" },
    });
    const garbage = parse(await rawHttp(h.address.port, "\u0000\u0001 HELLO <script>\r\n\r\n"));
    expect(garbage.statusLine).to.equal("HTTP/1.1 400 Bad Request");
    expect(garbage.body).to.deep.equal({
      error: { code: "INVALID_REQUEST", message: "the request is not valid HTTP/1.1" },
    });
  });

  it("answers a malformed percent-encoding 400 and an overlong path parameter 414, without echoing them", async function () {
    const badUrl = await send(`${h.address.url}/v1/orders/%E0%A4%A`);
    expect(badUrl.status).to.equal(400);
    expect(badUrl.json).to.deep.equal({
      error: { code: "INVALID_REQUEST", message: "the URL path is not valid (malformed percent-encoding)" },
    });
    const marker = "deadbeef".repeat(30);
    const long = await send(`${h.address.url}/v1/orders/0x${marker}`);
    expect(long.status).to.equal(414);
    expect(long.json).to.deep.equal({
      error: {
        code: "INVALID_REQUEST",
        message: "a path parameter is longer than 100 characters (an address has 42, a hash 66)",
      },
    });
    expect(long.text).to.not.contain(marker);
  });
});
