/**
 * Schema validation over real HTTP: every malformed request is answered 400 `INVALID_REQUEST` (or 413/415) with a
 * message naming the field, never reaches the service, and leaves the gateway serving the next request.
 */
import { expect } from "chai";
import { signedTestOrder, testWallet } from "./fakeExchange";
import { http, startGateway, type Harness } from "./harness";

const UINT128_MAX = (1n << 128n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

describe("gateway routes: validation", function () {
  let h: Harness;
  let validBody: { order: Record<string, unknown>; signature: string };

  before(async function () {
    const { order, signature } = await signedTestOrder(testWallet());
    validBody = {
      order: Object.fromEntries(Object.entries(order).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v])),
      signature,
    };
  });
  beforeEach(async function () {
    h = await startGateway();
  });
  afterEach(async function () {
    await h.close();
  });

  /** POSTs `body` to /v1/orders and checks the 400 names `field`; returns the message. */
  async function rejected(body: unknown, field: string, status = 400): Promise<string> {
    const res = await http(`${h.address.url}/v1/orders`, {
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    expect(res.status, res.text).to.equal(status);
    expect(res.json.error.code).to.equal("INVALID_REQUEST");
    expect(res.json.error.message).to.contain(field);
    expect(res.json.error.details).to.deep.equal({ field });
    expect(h.exchange.calls, "the service must not be called").to.deep.equal([]);
    return res.json.error.message;
  }

  function withOrder(fields: Record<string, unknown>): unknown {
    return { ...validBody, order: { ...validBody.order, ...fields } };
  }

  describe("bodies", function () {
    it("refuses a missing field, naming it", async function () {
      const order = { ...validBody.order };
      delete order.size;
      expect(await rejected({ ...validBody, order }, "body.order.size")).to.equal("body.order.size is required");
      expect(await rejected({ order: validBody.order }, "body.signature")).to.equal("body.signature is required");
    });

    it("refuses wrong types without coercing them", async function () {
      expect(await rejected(withOrder({ marketId: "1" }), "body.order.marketId")).to.equal(
        "body.order.marketId must be an integer",
      );
      expect(await rejected(withOrder({ flags: true }), "body.order.flags")).to.match(/must be an integer/);
      expect(await rejected(withOrder({ size: 1500 }), "body.order.size")).to.equal("body.order.size must be a string");
      expect(await rejected({ ...validBody, order: [] }, "body.order")).to.equal("body.order must be an object");
      expect(await rejected("[]", "body")).to.equal("body must be an object");
    });

    it("refuses non-decimal amounts: fractions, exponents, hex, signs, blanks", async function () {
      for (const size of ["1.5", "1e18", "0x10", "-1", "+1", " 1", ""]) {
        const message = await rejected(withOrder({ size }), "body.order.size");
        expect(message).to.equal(
          "body.order.size must be an unsigned 128-bit integer as a decimal string (0 to 340282366920938463463374607431768211455)",
        );
      }
    });

    it("refuses uint128 and uint64 overflow and accepts the maxima", async function () {
      await rejected(withOrder({ size: (UINT128_MAX + 1n).toString() }), "body.order.size");
      await rejected(withOrder({ price: "9".repeat(40) }), "body.order.price");
      await rejected(withOrder({ nonce: (UINT64_MAX + 1n).toString() }), "body.order.nonce");
      expect(await rejected(withOrder({ expiry: "1".repeat(1000) }), "body.order.expiry")).to.contain("64-bit");

      const res = await http(`${h.address.url}/v1/orders`, {
        body: withOrder({ size: UINT128_MAX.toString(), nonce: UINT64_MAX.toString() }),
      });
      expect(res.status, "the maxima pass validation; the fake then refuses the signature").to.equal(401);
    });

    it("refuses integers out of range, fractional or overflowing JSON numbers", async function () {
      expect(await rejected(withOrder({ marketId: 4_294_967_296 }), "body.order.marketId")).to.equal(
        "body.order.marketId must be <= 4294967295",
      );
      expect(await rejected(withOrder({ marketId: -1 }), "body.order.marketId")).to.equal(
        "body.order.marketId must be >= 0",
      );
      await rejected(withOrder({ marketId: 1.5 }), "body.order.marketId");
      await rejected(withOrder({ flags: 64 }), "body.order.flags");
      const huge = JSON.stringify(withOrder({})).replace('"marketId":1', '"marketId":1e400');
      await rejected(huge, "body.order.marketId");
    });

    it("refuses unknown properties at every level", async function () {
      expect(await rejected({ ...validBody, extra: 1 }, "body")).to.equal('body has an unknown property "extra"');
      expect(await rejected(withOrder({ leverage: "10" }), "body.order")).to.equal(
        'body.order has an unknown property "leverage"',
      );
    });

    it("refuses bad addresses: short, non-hex, wrong EIP-55 checksum", async function () {
      const account = validBody.order.account as string;
      for (const bad of [
        account.slice(0, 41),
        `0x${"g".repeat(40)}`,
        account.replace(/[a-f]/, (c) => c.toUpperCase()),
      ]) {
        expect(await rejected(withOrder({ account: bad }), "body.order.account")).to.equal(
          "body.order.account must be a 20-byte 0x-prefixed hex address (EIP-55 checksum when mixed case)",
        );
      }
    });

    it("refuses malformed and oversized signatures", async function () {
      for (const signature of ["0x", "0x123", "1234", `0x${"ab".repeat(4097)}`]) {
        expect(await rejected({ ...validBody, signature }, "body.signature")).to.contain(
          "hex signature of 1 to 4096 bytes",
        );
      }
    });

    it("refuses the signed cancel requests' bad fields the same way", async function () {
      const res = await http(`${h.address.url}/v1/cancel`, {
        body: { request: { account: validBody.order.account, orderHash: "0x1234" }, signature: validBody.signature },
      });
      expect(res.status).to.equal(400);
      expect(res.json.error).to.deep.equal({
        code: "INVALID_REQUEST",
        message: "body.request.orderHash must be a 32-byte 0x-prefixed hex hash",
        details: { field: "body.request.orderHash" },
      });
      const cancelAll = await http(`${h.address.url}/v1/cancel-all`, {
        body: {
          request: { account: validBody.order.account, marketId: 0, deadline: UINT128_MAX.toString() },
          signature: "0x00",
        },
      });
      expect(cancelAll.json.error.message).to.contain("body.request.deadline must be an unsigned 64-bit integer");
    });
  });

  describe("malformed transport", function () {
    it("answers 400 for malformed JSON and an empty body, and keeps serving", async function () {
      const bad = await http(`${h.address.url}/v1/orders`, { body: '{"order": {' });
      expect(bad.status).to.equal(400);
      expect(bad.json.error.code).to.equal("INVALID_REQUEST");
      expect(bad.json.error.message).to.match(/^the body is not valid JSON/);
      const empty = await http(`${h.address.url}/v1/orders`, { method: "POST", body: "" });
      expect(empty.status).to.equal(400);
      expect(empty.json.error.code).to.equal("INVALID_REQUEST");
      const ok = await http(`${h.address.url}/v1/markets`);
      expect(ok.status).to.equal(200);
    });

    it("answers 400 for __proto__ and constructor.prototype keys (prototype poisoning)", async function () {
      for (const body of ['{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"admin": true}}}']) {
        const res = await http(`${h.address.url}/v1/orders`, { body });
        expect(res.status).to.equal(400);
        expect(res.json.error.code).to.equal("INVALID_REQUEST");
        expect(res.json.error.message).to.contain("forbidden key");
      }
      expect(h.exchange.calls).to.deep.equal([]);
    });

    it("answers 400 for deeply nested JSON without overflowing the stack", async function () {
      const arrays = `{"order":${"[".repeat(30_000)}${"]".repeat(30_000)},"signature":"0x00"}`;
      expect((await http(`${h.address.url}/v1/orders`, { body: arrays })).json.error.message).to.equal(
        "body.order must be an object",
      );
      const objects = `{"order":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)},"signature":"0x00"}`;
      expect((await http(`${h.address.url}/v1/orders`, { body: objects })).status).to.equal(400);
      expect((await http(`${h.address.url}/v1/markets`)).status).to.equal(200);
    });

    it("answers 415 for a body that is not application/json", async function () {
      const res = await http(`${h.address.url}/v1/orders`, {
        body: JSON.stringify(validBody),
        contentType: "text/plain",
      });
      expect(res.status).to.equal(415);
      expect(res.json.error).to.deep.equal({
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: "unsupported content type; send application/json",
      });
    });

    it("answers 413 for a body over the limit", async function () {
      const res = await http(`${h.address.url}/v1/orders`, { body: { ...validBody, padding: "x".repeat(70 * 1024) } });
      expect(res.status).to.equal(413);
      expect(res.json.error).to.deep.equal({
        code: "PAYLOAD_TOO_LARGE",
        message: "the body is larger than the 65536 bytes accepted",
      });
    });
  });

  describe("params and queries", function () {
    async function get(path: string): Promise<{ status: number; message: string; field: string }> {
      const res = await http(`${h.address.url}${path}`);
      return { status: res.status, message: res.json.error.message, field: res.json.error.details?.field };
    }

    it("refuses a bad market id, depth or limit, naming it", async function () {
      expect(await get("/v1/markets/abc/book")).to.deep.equal({
        status: 400,
        message: "params.marketId must be an integer",
        field: "params.marketId",
      });
      expect(await get("/v1/markets/99999999999/book")).to.include({ status: 400, field: "params.marketId" });
      expect(await get("/v1/markets/1/book?depth=0")).to.deep.equal({
        status: 400,
        message: "querystring.depth must be >= 1",
        field: "querystring.depth",
      });
      expect(await get("/v1/markets/1/book?depth=501")).to.include({
        status: 400,
        message: "querystring.depth must be <= 500",
      });
      expect(await get("/v1/markets/1/book?depth=1&depth=2")).to.include({ status: 400, field: "querystring.depth" });
      expect(await get("/v1/markets/1/trades?limit=1001")).to.include({ status: 400, field: "querystring.limit" });
      expect(h.exchange.calls).to.deep.equal([]);
    });

    it("refuses unknown query parameters (a typo is not silently ignored)", async function () {
      expect(await get("/v1/markets/1/trades?limt=5")).to.deep.equal({
        status: 400,
        message: 'querystring has an unknown property "limt"',
        field: "querystring",
      });
    });

    it("refuses a bad account, status or order hash", async function () {
      expect(await get("/v1/accounts/0x1234")).to.include({ status: 400, field: "params.account" });
      expect(await get(`/v1/accounts/${validBody.order.account}/orders?status=closed`)).to.deep.equal({
        status: 400,
        message: "querystring.status must be one of open, all",
        field: "querystring.status",
      });
      expect(await get("/v1/orders/0xzz")).to.include({ status: 400, field: "params.hash" });
    });

    it("answers 404 NOT_FOUND for an unknown route", async function () {
      const res = await http(`${h.address.url}/v1/nope?x=1`);
      expect(res.status).to.equal(404);
      expect(res.json).to.deep.equal({ error: { code: "NOT_FOUND", message: "no route GET /v1/nope" } });
    });
  });
});
