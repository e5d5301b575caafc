/**
 * Hostile request bodies over real HTTP: truncated or trailing-garbage JSON, roots that are not objects, wrong and
 * non-UTF-8 media types, 10 MB bodies (declared and chunked), nesting bombs as deep as the body limit allows, duplicate
 * keys (plain, nested, spelled with escapes) and prototype-poisoning keys at any depth. Each is refused with a 4xx
 * whose message says what was wrong, never reaches the service, pollutes no prototype, and leaves the gateway serving
 * a well-formed order right after.
 *
 * Beyond routes.validation.test.ts (one malformed body, top-level `__proto__`, 30,000 nested arrays, text/plain, a
 * 70 KiB body).
 */
import { expect } from "chai";
import { BTC_USD, signedTestOrder, testWallet } from "./fakeExchange";
import { startGateway, type Harness } from "./harness";
import { expectServing, send, wireOrder, type Answer } from "./adversarialHelpers";

const NOT_JSON = "the body is not valid JSON (or uses a forbidden key: __proto__, constructor.prototype)";
const MIB = 1024 * 1024;

describe("gateway adversarial: malformed JSON bodies", function () {
  this.timeout(30_000);
  let h: Harness;
  let valid: string;

  before(async function () {
    const { order, signature } = await signedTestOrder(testWallet());
    valid = JSON.stringify({ order: wireOrder(order), signature });
  });
  beforeEach(async function () {
    h = await startGateway({ writeRateLimit: false });
  });
  afterEach(async function () {
    await h.close();
  });

  const post = (body: string | Buffer, contentType: string | null = "application/json") =>
    send(`${h.address.url}/v1/orders`, { body, contentType });

  /** The answer is `status` with `error`; the service was never called; a valid order is accepted right after. */
  async function refused(answer: Answer, status: number, error: Record<string, unknown>): Promise<void> {
    expect(answer.status, answer.text).to.equal(status);
    expect(answer.json.error).to.deep.include(error);
    expect(h.exchange.calls, "the service must not be called").to.deep.equal([]);
    expect(Object.prototype, "no prototype was polluted").to.not.have.property("admin");
    await expectServing(h.address.url, BTC_USD);
    expect((await post(valid)).status, "a well-formed order right after").to.equal(201);
    h.exchange.calls.length = 0;
  }

  it("answers 400 naming the fault for JSON cut short anywhere or followed by garbage", async function () {
    for (const cut of [1, 10, Math.floor(valid.length / 2), valid.length - 1]) {
      await refused(await post(valid.slice(0, cut)), 400, { code: "INVALID_REQUEST", message: NOT_JSON });
    }
    for (const tail of [" x", "}", ",", "{}", "\u0000"]) {
      await refused(await post(valid + tail), 400, { code: "INVALID_REQUEST", message: NOT_JSON });
    }
    await refused(await post("{'order': 1}"), 400, { code: "INVALID_REQUEST", message: NOT_JSON });
  });

  it("answers 400 'body must be an object' for every other JSON root", async function () {
    for (const root of ['"order"', "42", "-1e400", "null", "true", "false", `[${valid}]`]) {
      await refused(await post(root), 400, {
        code: "INVALID_REQUEST",
        message: "body must be an object",
        details: { field: "body" },
      });
    }
  });

  it("answers 400 for a duplicate key, at the root, nested or spelled with escapes, naming it", async function () {
    const cases: [string, string, string][] = [
      [valid.replace('{"order":', '{"signature":"0x00","order":'), "body", "signature"],
      [valid.replace('"size":', '"size":"1","size":'), "body.order", "size"],
      [valid.replace('"price":', '"pr\\u0069ce":"1","price":'), "body.order", "price"],
      [valid.replace('"nonce":', '"nonce":"1","nonce":'), "body.order", "nonce"],
    ];
    for (const [body, object, key] of cases) {
      await refused(await post(body), 400, {
        code: "INVALID_REQUEST",
        message: `${object} has the key "${key}" more than once; send each key once`,
        details: { field: `${object}.${key}` },
      });
    }
  });

  it("answers 400 for prototype-poisoning keys at any depth and 'unknown property' for a bare constructor key", async function () {
    const order = valid.slice(valid.indexOf('{"account"'), valid.indexOf(',"signature"'));
    for (const poisoned of [
      valid.replace('"order":{', '"order":{"__proto__":{"admin":true},'),
      valid.replace('"order":{', '"order":{"constructor":{"prototype":{"admin":true}},'),
      valid.replace('"order":', `"extra":[[{"a":{"__proto__":{"admin":true}}}]],"order":`),
    ]) {
      await refused(await post(poisoned), 400, { code: "INVALID_REQUEST", message: NOT_JSON });
    }
    await refused(await post(valid.replace(order, order.replace("{", '{"constructor":{"admin":true},'))), 400, {
      message: 'body.order has an unknown property "constructor"',
    });
  });

  it("answers 415 naming the fix for every media type but application/json in UTF-8", async function () {
    for (const contentType of [
      null,
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=xyz",
      "text/json",
      "application/vnd.api+json",
      "application/json-seq",
      "application/json, text/plain",
    ]) {
      await refused(await post(valid, contentType), 415, {
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: "unsupported content type; send application/json",
      });
    }
    for (const charset of ["utf-16", "iso-8859-1", '"utf-32"']) {
      await refused(await post(valid, `application/json; charset=${charset}`), 415, {
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: `unsupported charset "${charset.replace(/"/g, "")}"; send application/json in UTF-8`,
      });
    }
    expect((await post(valid, "Application/JSON; Charset=UTF-8")).status, "case and utf-8 charset are fine").to.equal(
      201,
    );
  });

  it("answers 400 naming the field when invalid UTF-8 bytes hide in a value", async function () {
    const bytes = Buffer.from(valid.replace(/"account":"0x[0-9a-fA-F]{4}/, '"account":"0x\u00ff\u00ff'), "latin1");
    await refused(await post(bytes), 400, {
      code: "INVALID_REQUEST",
      details: { field: "body.order.account" },
    });
  });

  it("answers 413 to a 10 MB body, whether its length is declared or it comes in chunks", async function () {
    const tooLarge = { code: "PAYLOAD_TOO_LARGE", message: "the body is larger than the 65536 bytes accepted" };
    await refused(await post(`{"order":"${"x".repeat(10 * MIB)}"}`), 413, tooLarge);
    const chunked = await send(`${h.address.url}/v1/orders`, {
      headers: { "transfer-encoding": "chunked" },
      body: (request) => {
        const chunk = Buffer.alloc(64 * 1024, "x");
        for (let i = 0; i < 160; i++) request.write(chunk);
        request.end();
      },
    });
    await refused(chunked, 413, tooLarge);
  });

  it("survives nesting bombs as deep as the body limit allows, in arrays, objects and mixed", async function () {
    const depth = 32_000; // 64 KiB of brackets
    const arrays = `{"order":${"[".repeat(depth)}${"]".repeat(depth)},"signature":"0x00"}`;
    await refused(await post(arrays), 400, { message: "body.order must be an object" });
    const mixed = `{"order":${'{"a":['.repeat(8_000)}1${"]}".repeat(8_000)},"signature":"0x00"}`;
    await refused(await post(mixed), 400, { message: "body.order.account is required" });
    // Deep and valid JSON, with a duplicate key at the bottom: found without recursion, and the answer stays small.
    const deepDuplicate = `{"order":${"[".repeat(20_000)}{"k":1,"k":2}${"]".repeat(20_000)}}`;
    const answer = await post(deepDuplicate);
    await refused(answer, 400, { code: "INVALID_REQUEST" });
    expect(answer.json.error.message).to.match(/^body\.order\[0\]\[0\]\[0\].*… has the key "k" more than once/);
    expect(answer.text.length, "the answer does not grow with the depth").to.be.below(400);
  });
});
