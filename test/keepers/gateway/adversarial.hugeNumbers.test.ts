/**
 * Hostile numbers and types over real HTTP. Every field of an order refuses every wrong JSON type; the amount and
 * nonce strings refuse signs, fractions, hex, exponents ("1e400" included), non-ASCII digits and blanks, and overflow
 * of their Solidity type (uint64, uint128, 2^256); integers refuse values past uint32 and 2^53, flags past 63; the
 * signed cancel and liquidation requests hold the same line; path and query integers must be plain decimal (no `0x1`,
 * `1e0`, `-0` or ` 1` read as a number). Each refusal is 400 `INVALID_REQUEST` naming the field, never reaches the
 * service, and the gateway takes a well-formed order right after. Leading zeros are decimal, never octal.
 *
 * Beyond routes.validation.test.ts (a few wrong types, one size format table, uint128 and uint64 overflow of size and
 * nonce, marketId 2^32 / -1 / 1.5 / 1e400, flags 64).
 */
import { expect } from "chai";
import { BTC_USD, signedTestOrder, testWallet } from "./fakeExchange";
import { startGateway, type Harness } from "./harness";
import { send, wireOrder } from "./adversarialHelpers";

const TWO_64 = 1n << 64n;
const TWO_128 = 1n << 128n;
const TWO_256 = 1n << 256n;
const UINT_FORMAT: Record<string, string> = {
  nonce: `an unsigned 64-bit integer as a decimal string (0 to ${TWO_64 - 1n})`,
  expiry: `an unsigned 64-bit integer as a decimal string (0 to ${TWO_64 - 1n})`,
  size: `an unsigned 128-bit integer as a decimal string (0 to ${TWO_128 - 1n})`,
  price: `an unsigned 128-bit integer as a decimal string (0 to ${TWO_128 - 1n})`,
  triggerPrice: `an unsigned 128-bit integer as a decimal string (0 to ${TWO_128 - 1n})`,
};

describe("gateway adversarial: wrong types and huge numbers", function () {
  this.timeout(30_000);
  let h: Harness;
  let valid: { order: Record<string, unknown>; signature: string };

  before(async function () {
    const { order, signature } = await signedTestOrder(testWallet());
    valid = { order: wireOrder(order), signature };
  });
  beforeEach(async function () {
    h = await startGateway({ writeRateLimit: false });
  });
  afterEach(async function () {
    expect(h.exchange.calls.filter((c) => c.method === "placeOrder").length, "only well-formed orders").to.be.at.most(
      1,
    );
    await h.close();
  });

  /** POSTs `body` (a string is sent as is) to `path`; expects 400 naming `field` with `message` (exact or pattern). */
  async function refused(body: unknown, field: string, message: string | RegExp, path = "/v1/orders") {
    const answer = await send(`${h.address.url}${path}`, { body: typeof body === "string" ? body : body! });
    expect(answer.status, `${field}: ${answer.text}`).to.equal(400);
    expect(answer.json.error.code).to.equal("INVALID_REQUEST");
    expect(answer.json.error.details).to.deep.equal({ field });
    if (typeof message === "string") expect(answer.json.error.message, field).to.equal(message);
    else expect(answer.json.error.message, field).to.match(message);
    expect(h.exchange.calls, "the service must not be called").to.deep.equal([]);
  }

  const withOrder = (fields: Record<string, unknown>) => ({ ...valid, order: { ...valid.order, ...fields } });

  /** The well-formed order is still accepted. */
  async function stillAccepting(): Promise<void> {
    expect((await send(`${h.address.url}/v1/orders`, { body: valid })).status).to.equal(201);
  }

  it("refuses every wrong JSON type in every field of an order, naming the field", async function () {
    const stringFields = ["account", "nonce", "expiry", "size", "price", "triggerPrice"];
    const integerFields = ["marketId", "flags"];
    for (const field of stringFields) {
      for (const wrong of [1500, 0, [], ["1"], {}, null, true, false]) {
        await refused(withOrder({ [field]: wrong }), `body.order.${field}`, `body.order.${field} must be a string`);
      }
    }
    for (const field of integerFields) {
      for (const wrong of ["1", "", [1], {}, null, true, 1.5, 0.1]) {
        await refused(withOrder({ [field]: wrong }), `body.order.${field}`, `body.order.${field} must be an integer`);
      }
    }
    for (const wrong of [65, ["0x00"], null, {}]) {
      await refused({ ...valid, signature: wrong }, "body.signature", /^body\.signature must be/);
    }
    await stillAccepting();
  });

  it("refuses signs, fractions, hex, exponents, non-ASCII digits and blanks in every amount and nonce", async function () {
    const malformed = ["-1", "-0", "+1", "1.0", "0.5", "0x1", "0X1", "1e3", "1E3", "1e400", "Infinity", "NaN"];
    malformed.push("\u0661\u0662", "\uff11", " 1", "1 ", "1\n", "1_000", "1,000", "", "0b1", "0o7");
    for (const field of Object.keys(UINT_FORMAT)) {
      for (const text of malformed) {
        await refused(
          withOrder({ [field]: text }),
          `body.order.${field}`,
          `body.order.${field} must be ${UINT_FORMAT[field]}`,
        );
      }
    }
    await stillAccepting();
  });

  it("refuses overflow of uint64 (nonce, expiry), uint128 (size, prices) and 2^256 everywhere", async function () {
    const overflows: Record<string, bigint[]> = {
      nonce: [TWO_64, TWO_64 + 1n, TWO_128, TWO_256],
      expiry: [TWO_64, TWO_256],
      size: [TWO_128, TWO_256, TWO_256 + 1n],
      price: [TWO_128, TWO_256],
      triggerPrice: [TWO_128, TWO_256],
    };
    for (const [field, values] of Object.entries(overflows)) {
      for (const value of values) {
        await refused(
          withOrder({ [field]: value.toString() }),
          `body.order.${field}`,
          `body.order.${field} must be ${UINT_FORMAT[field]}`,
        );
      }
    }
    await stillAccepting();
  });

  it("refuses market ids past uint32 or 2^53 and flags past 63, as numbers of any size", async function () {
    const raw = (field: string, literal: string) => JSON.stringify(withOrder({ [field]: "@" })).replace('"@"', literal);
    for (const literal of ["4294967296", "9007199254740993", "18446744073709551616", "1e400", "1e20"]) {
      await refused(
        raw("marketId", literal),
        "body.order.marketId",
        /^body\.order\.marketId must be (<= 4294967295|an integer)$/,
      );
    }
    for (const literal of ["64", "255", "256", "-1", "1e400", "9007199254740993", "-1e400"]) {
      await refused(raw("flags", literal), "body.order.flags", /^body\.order\.flags must be (<= 63|>= 0|an integer)$/);
    }
    await stillAccepting();
  });

  it("reads leading zeros as decimal, never octal, so the signature still matches", async function () {
    const padded = withOrder({
      nonce: `000${valid.order.nonce as string}`,
      size: `0${valid.order.size as string}`,
      expiry: "00",
    });
    const answer = await send(`${h.address.url}/v1/orders`, { body: padded });
    expect(answer.status, answer.text).to.equal(201);
    expect(answer.json.order).to.include({ nonce: valid.order.nonce, sizeWad: valid.order.size, expiry: "0" });
    const [call] = h.exchange.calls;
    expect(call.args[0]).to.include({ nonce: BigInt(valid.order.nonce as string), expiry: 0n });
  });

  it("holds the same line in the signed cancel, schedule-cancel and liquidation requests", async function () {
    const account = valid.order.account;
    const signature = valid.signature;
    const cases: [string, Record<string, unknown>, string, string | RegExp][] = [
      [
        "/v1/cancel-all",
        { account, marketId: 4_294_967_296, deadline: "1" },
        "marketId",
        "body.request.marketId must be <= 4294967295",
      ],
      [
        "/v1/cancel-all",
        { account, marketId: "0", deadline: "1" },
        "marketId",
        "body.request.marketId must be an integer",
      ],
      ["/v1/cancel-all", { account, marketId: 0, deadline: TWO_64.toString() }, "deadline", /unsigned 64-bit/],
      ["/v1/cancel-all", { account, marketId: 0, deadline: 1 }, "deadline", "body.request.deadline must be a string"],
      ["/v1/schedule-cancel", { account, cancelAt: TWO_64.toString(), deadline: "1" }, "cancelAt", /unsigned 64-bit/],
      ["/v1/schedule-cancel", { account, cancelAt: "1e9", deadline: "1" }, "cancelAt", /unsigned 64-bit/],
      ["/v1/schedule-cancel", { account, cancelAt: "-1", deadline: "1" }, "cancelAt", /unsigned 64-bit/],
      ["/v1/cancel", { account, orderHash: `0x${"ab".repeat(33)}` }, "orderHash", /32-byte 0x-prefixed hex hash/],
      [
        "/v1/cancel",
        { account: null, orderHash: `0x${"ab".repeat(32)}` },
        "account",
        "body.request.account must be a string",
      ],
      [
        "/v1/liquidations",
        { account, marketId: BTC_USD, maxSizeWad: TWO_256.toString(), deadline: "1" },
        "maxSizeWad",
        /unsigned 256-bit/,
      ],
      [
        "/v1/liquidations",
        { account, marketId: BTC_USD, maxSizeWad: "1", deadline: "0x10" },
        "deadline",
        /unsigned 64-bit/,
      ],
    ];
    for (const [path, request, field, message] of cases) {
      await refused({ request, signature }, `body.request.${field}`, message, path);
    }
    // At the maximum the liquidation request passes validation; this fake runs no desk, hence 404 from the service.
    const atMax = { account, marketId: BTC_USD, maxSizeWad: (TWO_256 - 1n).toString(), deadline: "1" };
    const answer = await send(`${h.address.url}/v1/liquidations`, { body: { request: atMax, signature } });
    expect(answer.status, answer.text).to.equal(404);
    expect(answer.json.error.message).to.equal("this exchange runs no liquidation desk");
  });

  it("refuses path and query integers that are not plain decimal digits, naming them", async function () {
    const decimal = "must be a decimal integer (digits only: no sign, exponent, hex or spaces)";
    const account = valid.order.account as string;
    const cases: [string, string][] = [
      ["/v1/markets/0x1/book", "params.marketId"],
      ["/v1/markets/1e0/book", "params.marketId"],
      ["/v1/markets/-0/book", "params.marketId"],
      ["/v1/markets/+1/trades", "params.marketId"],
      ["/v1/markets/%201/book", "params.marketId"],
      ["/v1/markets/1.0/book", "params.marketId"],
      ["/v1/markets/1/book?depth=0x10", "querystring.depth"],
      ["/v1/markets/1/book?depth=1e1", "querystring.depth"],
      ["/v1/markets/1/trades?limit=1e2", "querystring.limit"],
      [`/v1/accounts/${account}/orders?marketId=0x1`, "querystring.marketId"],
    ];
    for (const [path, field] of cases) {
      const answer = await send(`${h.address.url}${path}`);
      expect(answer.status, path).to.equal(400);
      expect(answer.json.error, path).to.deep.equal({
        code: "INVALID_REQUEST",
        message: `${field} ${decimal}`,
        details: { field },
      });
    }
    // Four hundred nines: Ajv alone reads Infinity and lets it past the maximum (the whole book, or a 500).
    for (const [path, message] of [
      [`/v1/markets/1/book?depth=${"9".repeat(400)}`, "querystring.depth must be <= 500"],
      [`/v1/markets/1/trades?limit=${"9".repeat(400)}`, "querystring.limit must be <= 1000"],
      [`/v1/accounts/${account}/orders?marketId=${"9".repeat(400)}`, "querystring.marketId must be <= 4294967295"],
    ]) {
      expect((await send(`${h.address.url}${path}`)).json.error, path).to.include({ message });
    }
    const notional = await send(`${h.address.url}/v1/markets/1/impact?notionalWad=${TWO_128}`);
    expect(notional.json.error.details).to.deep.equal({ field: "querystring.notionalWad" });
    expect(h.exchange.calls).to.deep.equal([]);
    expect((await send(`${h.address.url}/v1/markets/01/book?depth=007`)).status, "leading zeros are decimal").to.equal(
      200,
    );
  });
});
