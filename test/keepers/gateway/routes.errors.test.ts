/**
 * How the gateway answers the service's errors over real HTTP: an ApiError keeps its status, code, message and
 * details (bigints as strings); any other exception is a 500 that shows nothing of it and is logged; stopIntake turns
 * writes into 503 while queries still work; a flood of writes from one client gets 429; a service that never answers
 * gets 503 TIMEOUT.
 */
import { expect } from "chai";
import { ApiError } from "../../../keepers/gateway/api";
import { GatewayRequestError } from "../../../keepers/gateway/client";
import { WAD } from "../../../keepers/sdk/math";
import { signedTestOrder, testWallet } from "./fakeExchange";
import { http, startGateway, type Harness } from "./harness";

describe("gateway routes: error mapping", function () {
  let h: Harness;
  const wallet = testWallet();

  afterEach(async function () {
    await h.close();
  });

  describe("ApiError", function () {
    beforeEach(async function () {
      h = await startGateway();
    });

    it("answers 401 for a signature of another key (the service's ApiError)", async function () {
      const signed = await signedTestOrder(wallet);
      const other = await signedTestOrder(testWallet());
      const error = await h.client
        .placeOrder({ order: signed.order, signature: other.signature })
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(GatewayRequestError);
      expect(error).to.include({ status: 401, code: "INVALID_SIGNATURE" });
      expect((error as Error).message).to.match(/^the signature recovers to 0x[0-9a-fA-F]{40}, not 0x/);
    });

    it("answers 404 for an unknown market, thrown synchronously by book()", async function () {
      const res = await http(`${h.address.url}/v1/markets/77/book`);
      expect(res.status).to.equal(404);
      expect(res.json).to.deep.equal({
        error: { code: "UNKNOWN_MARKET", message: "market 77 is not listed", details: { marketId: 77 } },
      });
    });

    it("answers 422 with the details' bigints as decimal strings", async function () {
      h.exchange.failNext = {
        method: "placeOrder",
        error: new ApiError("INSUFFICIENT_MARGIN", 422, "equity 120 USD is below the 150 USD initial margin", {
          equityWad: 120n * WAD,
          initialMarginWad: 150n * WAD,
          nested: { shortfallWad: -30n * WAD },
        }),
      };
      const signed = await signedTestOrder(wallet);
      const res = await http(`${h.address.url}/v1/orders`, {
        body: {
          order: { ...signed.order, nonce: "7", expiry: "0", size: "1", price: "1", triggerPrice: "0" },
          signature: signed.signature,
        },
      });
      expect(res.status).to.equal(422);
      expect(res.json).to.deep.equal({
        error: {
          code: "INSUFFICIENT_MARGIN",
          message: "equity 120 USD is below the 150 USD initial margin",
          details: {
            equityWad: "120000000000000000000",
            initialMarginWad: "150000000000000000000",
            nested: { shortfallWad: "-30000000000000000000" },
          },
        },
      });
    });

    it("answers 409 and 429 from the service the same way", async function () {
      h.exchange.failNext = {
        method: "cancelAll",
        error: new ApiError("REQUEST_REPLAYED", 409, "this signed request was already used"),
      };
      const request = { account: wallet.address, marketId: 0, deadline: 1n };
      const replayed = await h.client.cancelAll(request, "0x01").catch((e: unknown) => e);
      expect(replayed).to.include({
        status: 409,
        code: "REQUEST_REPLAYED",
        message: "this signed request was already used",
      });
      h.exchange.failNext = { method: "markets", error: new ApiError("RATE_LIMITED", 429, "slow down") };
      expect(await h.client.markets().catch((e: unknown) => e)).to.include({ status: 429, code: "RATE_LIMITED" });
    });
  });

  describe("unexpected exceptions", function () {
    beforeEach(async function () {
      h = await startGateway();
    });

    it("answers 500 INTERNAL without the error's message or stack, and logs it with the request id", async function () {
      const secret = new Error("database password is hunter2 at /srv/keel/journal.sqlite");
      h.exchange.failNext = { method: "account", error: secret };
      const res = await http(`${h.address.url}/v1/accounts/${wallet.address}`);

      expect(res.status).to.equal(500);
      expect(res.json.error.code).to.equal("INTERNAL");
      expect(res.json.error.message).to.equal("internal error");
      expect(Object.keys(res.json.error.details)).to.deep.equal(["requestId"]);
      expect(res.text).to.not.contain("hunter2");
      expect(res.text).to.not.contain("journal.sqlite");
      expect(res.text).to.not.match(/\.ts:\d+/);

      const line = h.logs.find((l) => l.msg === "request failed");
      expect(line, "the failure is logged").to.not.equal(undefined);
      expect(line?.level).to.equal(50);
      expect(line?.reqId).to.equal(res.json.error.details.requestId);
      expect((line?.err as { message: string }).message).to.equal(secret.message);
      expect((line?.err as { stack: string }).stack).to.contain("routes.errors.test.ts");
    });

    it("answers 500 for a synchronous throw of a non-Error, and keeps serving", async function () {
      h.exchange.failNext = { method: "trades", error: "a string, not an Error" };
      const res = await http(`${h.address.url}/v1/markets/1/trades`);
      expect(res.status).to.equal(500);
      expect(res.text).to.not.contain("a string");
      expect((await http(`${h.address.url}/v1/markets/1/trades`)).status).to.equal(200);
    });
  });

  describe("stopIntake", function () {
    beforeEach(async function () {
      h = await startGateway();
    });

    it("answers 503 STOPPING to every write while queries keep working", async function () {
      h.gateway.stopIntake();
      expect(h.gateway.intakeStopped).to.equal(true);
      for (const path of ["/v1/orders", "/v1/cancel", "/v1/cancel-all", "/v1/schedule-cancel"]) {
        const res = await http(`${h.address.url}${path}`, { body: { anything: "goes" } });
        expect(res.status, path).to.equal(503);
        expect(res.json.error).to.deep.equal({
          code: "STOPPING",
          message: "the exchange is shutting down and takes no orders or cancels",
        });
      }
      expect((await http(`${h.address.url}/v1/markets`)).status).to.equal(200);
      expect((await http(`${h.address.url}/v1/markets/1/book`)).status).to.equal(200);
      expect(h.exchange.calls.map((c) => c.method)).to.deep.equal(["markets", "book"]);
    });
  });

  describe("write rate per client", function () {
    it("answers 429 once a client's burst is spent, before reading the body, and refills with time", async function () {
      let nowMs = 1_000_000;
      h = await startGateway({ writeRateLimit: { perSecond: 2, burst: 3 }, now: () => nowMs });
      const send = () => http(`${h.address.url}/v1/cancel`, { body: "not even json" });
      for (let i = 0; i < 3; i++) expect((await send()).status).to.equal(400);
      const limited = await send();
      expect(limited.status).to.equal(429);
      expect(limited.json.error).to.deep.equal({
        code: "RATE_LIMITED",
        message: "more than 2 orders and cancels per second; slow down",
      });
      expect((await http(`${h.address.url}/v1/markets`)).status, "queries are not limited").to.equal(200);
      nowMs += 500;
      expect((await send()).status, "one token back after 0.5 s at 2/s").to.equal(400);
      expect((await send()).status).to.equal(429);
    });
  });

  describe("handler timeout", function () {
    it("answers 503 TIMEOUT when the service does not answer in time, and keeps serving", async function () {
      h = await startGateway({ serviceTimeoutMs: 100 });
      h.exchange.hangNext = true;
      const signed = await signedTestOrder(wallet);
      const error = await h.client.placeOrder(signed).catch((e: unknown) => e);
      expect(error).to.include({ status: 503, code: "TIMEOUT" });
      expect((error as Error).message).to.contain("the request may still take effect");
      expect((await http(`${h.address.url}/v1/markets`)).status).to.equal(200);
    });
  });
});
