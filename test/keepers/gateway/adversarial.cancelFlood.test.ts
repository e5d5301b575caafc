/**
 * A flood of cancels against the real exchange. Through a gateway with the write limiter (here 5/s, bursts of 20, on a
 * frozen clock so that the count is exact), 300 cancels fired at once from one client address get exactly 20 answers
 * from the exchange and 280 × 429 `RATE_LIMITED` with `Retry-After`, while a second client address places and cancels
 * in the middle of it and queries keep working for both. Without a limiter (the matcher's own gateway, as behind a
 * proxy that limits), hundreds of concurrent cancels, replays and cancel-alls are each answered and cancel the sender's
 * orders only. Either way the bystander's resting orders stay on the book.
 *
 * Beyond routes.errors.test.ts (three sequential requests over a fake exchange reach the limit).
 */
import { expect } from "chai";
import type { Signer } from "ethers";
import pino from "pino";
import type { OrderView } from "../../../keepers/gateway/api";
import { createGateway, type Gateway } from "../../../keepers/gateway/server";
import { signCancelRequest } from "../../../keepers/sdk/cancels";
import { BTC_USD, wad } from "../../fixtures/keel";
import type { Exchange } from "../e2e/helpers";
import { chainNow, orderFor, place } from "../intake/helpers";
import {
  ATTACKER_IP,
  BYSTANDER_IP,
  expectOrdersIntact,
  expectServing,
  send,
  startBystanderExchange,
  wireOrder,
} from "./adversarialHelpers";

describe("gateway adversarial: a flood of cancels (real exchange)", function () {
  this.timeout(60_000);
  let ex: Exchange;
  let attacker: Signer;
  let bystander: Signer;
  let resting: OrderView[];

  before(async function () {
    ({ ex, attacker, bystander, resting } = await startBystanderExchange());
  });
  after(async function () {
    await ex.stop();
  });

  /** A signed CancelOrder of `signer` for `hash`, as a JSON body. */
  async function cancelBody(signer: Signer, hash: string): Promise<object> {
    const request = { account: await signer.getAddress(), orderHash: hash };
    return { request, signature: await signCancelRequest(signer, ex.domain, "CancelOrder", request) };
  }

  describe("through the write limiter", function () {
    let limited: Gateway;
    let url: string;
    let clockMs = 1_800_000_000_000;

    before(async function () {
      limited = createGateway(ex.matcher.service, {
        host: "127.0.0.1",
        port: 0,
        logger: pino({ level: "silent" }),
        heartbeatIntervalMs: 0,
        writeRateLimit: { perSecond: 5, burst: 20 },
        now: () => clockMs,
      });
      url = (await limited.listen()).url;
    });
    after(async function () {
      await limited.close();
    });

    it("answers 20 of 300 simultaneous cancels and 429 + Retry-After to the rest, while another client trades", async function () {
      const target = (await place(ex, attacker, await orderFor(attacker, "buy", { price: wad("58000") }))).order;
      const cancel = await cancelBody(attacker, target.hash);
      const flood = Array.from({ length: 300 }, (_, i) =>
        send(`${url}/v1/cancel`, { body: i % 6 === 5 ? "{ not json" : cancel, localAddress: ATTACKER_IP }),
      );

      // In the middle of the flood, the bystander (another address) places and cancels through the same gateway.
      const bid = await orderFor(bystander, "buy", { price: wad("58500") });
      const signed = await ex.sign(bystander, bid);
      const placed = await send(`${url}/v1/orders`, {
        body: { order: wireOrder(signed.order), signature: signed.signature },
        localAddress: BYSTANDER_IP,
      });
      expect(placed.status, placed.text).to.equal(201);
      const cancelled = await send(`${url}/v1/cancel`, {
        body: await cancelBody(bystander, placed.json.order.hash),
        localAddress: BYSTANDER_IP,
      });
      expect(cancelled.status, cancelled.text).to.equal(200);
      expect(cancelled.json.order.status).to.equal("cancelled");

      const answers = await Promise.all(flood);
      const limitedAnswers = answers.filter((a) => a.status === 429);
      expect(answers.length - limitedAnswers.length, "exactly the burst reaches the exchange").to.equal(20);
      for (const answer of limitedAnswers) {
        expect(answer.json.error).to.deep.equal({
          code: "RATE_LIMITED",
          message: "more than 5 orders and cancels per second; slow down",
        });
        expect(answer.headers["retry-after"], "one token comes back within a second").to.equal("1");
      }
      const served = answers.filter((a) => a.status !== 429).map((a) => a.status);
      expect([...new Set(served)].sort(), "each one answered: cancelled (idempotent) or malformed").to.deep.equal([
        200, 400,
      ]);
      expect((await ex.client.order(target.hash))?.status).to.equal("cancelled");

      // Queries are not limited, for the flooder either; a second later the flooder may write again.
      await expectServing(url, BTC_USD);
      expect((await send(`${url}/v1/markets`, { localAddress: ATTACKER_IP })).status).to.equal(200);
      expect((await send(`${url}/v1/cancel`, { body: cancel, localAddress: ATTACKER_IP })).status).to.equal(429);
      clockMs += 1_000;
      expect((await send(`${url}/v1/cancel`, { body: cancel, localAddress: ATTACKER_IP })).status).to.equal(200);
      await expectOrdersIntact(ex.client, resting);
    });
  });

  describe("without a limiter", function () {
    it("answers hundreds of concurrent cancels, replays and cancel-alls, cancelling only the sender's orders", async function () {
      const mine: OrderView[] = [];
      for (let i = 0; i < 60; i++) {
        mine.push((await place(ex, attacker, await orderFor(attacker, "buy", { price: wad(`${57_000 + i}`) }))).order);
      }
      const bodies = await Promise.all(mine.map((order) => cancelBody(attacker, order.hash)));
      // Someone else's order, named by the attacker: not the attacker's to cancel.
      const foreign = await cancelBody(attacker, resting[0].hash);
      const now = await chainNow();
      const account = await attacker.getAddress();
      const cancelAlls = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const request = { account, marketId: 0, deadline: now + 60n + BigInt(i) };
          const signature = await signCancelRequest(attacker, ex.domain, "CancelAll", request);
          return { request: { ...request, deadline: request.deadline.toString() }, signature };
        }),
      );

      const url = ex.matcher.address.url;
      const answers = await Promise.all([
        ...[...bodies, ...bodies, ...bodies].map((body) => send(`${url}/v1/cancel`, { body })),
        ...Array.from({ length: 20 }, () => send(`${url}/v1/cancel`, { body: foreign })),
        ...cancelAlls.map((body) => send(`${url}/v1/cancel-all`, { body })),
      ]);
      const byStatus = answers.reduce<Record<number, number>>((count, a) => {
        count[a.status] = (count[a.status] ?? 0) + 1;
        return count;
      }, {});
      expect(byStatus, "every cancel and cancel-all answered; the foreign ones 404").to.deep.equal({
        200: 200,
        404: 20,
      });
      const notFound = answers.find((a) => a.status === 404);
      expect(notFound?.json.error.code).to.equal("ORDER_NOT_FOUND");
      expect(notFound?.json.error.message).to.equal(
        `No order ${resting[0].hash} of ${account} is known to the matcher`,
      );

      for (const order of mine) expect((await ex.client.order(order.hash))?.status).to.equal("cancelled");
      expect(await ex.client.orders(account)).to.deep.equal([]);
      await expectOrdersIntact(ex.client, resting);
      const book = await ex.client.book(BTC_USD);
      expect(book.bids.map((l) => l.priceWad)).to.deep.equal([wad("59000")]);
      expect(book.asks.map((l) => l.priceWad)).to.deep.equal([wad("61000")]);
    });
  });
});
