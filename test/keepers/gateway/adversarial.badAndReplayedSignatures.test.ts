/**
 * Bad and replayed signatures against the real exchange (Keel deployed on the Hardhat network, the matcher's intake
 * and engine behind the gateway): signatures of the wrong length, for another chain, contract or domain, the high-s
 * twin of a valid one, one of a cancel request passed off as an order's; an order sent ten times at once, re-encoded
 * with zero-padded numbers, or again after its cancellation; a signed cancel and a signed dead-man switch sent twice.
 * Each is a 4xx with the code and a message naming what is wrong, and a bystander's resting order and new orders are
 * untouched throughout.
 *
 * Beyond intake.rejectsBadSignature (a stranger's key, a tampered price, 4 bytes), intake.rejectsUsedNonce (one
 * sequential replay) and cancels.refusesReplayedRequest (a replayed CancelAll).
 */
import { expect } from "chai";
import { Signature, type Signer } from "ethers";
import type { OrderView } from "../../../keepers/gateway/api";
import { signCancelRequest } from "../../../keepers/sdk/cancels";
import { signOrder, type Order } from "../../../keepers/sdk/orders";
import { BTC_USD, wad } from "../../fixtures/keel";
import type { Exchange } from "../e2e/helpers";
import { chainNow, expectRejected, orderFor, place } from "../intake/helpers";
import { expectOrdersIntact, expectServing, send, startBystanderExchange, wireOrder } from "./adversarialHelpers";

/** secp256k1's group order: `s` and `n - s` both verify in plain ECDSA; the chain accepts only s ≤ n/2. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("gateway adversarial: bad and replayed signatures (real exchange)", function () {
  this.timeout(60_000);
  let ex: Exchange;
  let attacker: Signer;
  let bystander: Signer;
  let attackerAddress: string;
  let resting: OrderView[];

  before(async function () {
    ({ ex, attacker, bystander, resting } = await startBystanderExchange());
    attackerAddress = await attacker.getAddress();
  });
  after(async function () {
    await ex.stop();
  });
  afterEach(async function () {
    await expectServing(ex.matcher.address.url, BTC_USD);
    await expectOrdersIntact(ex.client, resting);
  });

  /** A fresh order of the attacker resting far from the book (never fills). */
  const farBid = (overrides: Partial<Order> = {}) => orderFor(attacker, "buy", { price: wad("57000"), ...overrides });

  describe("bad signatures", function () {
    it("refuses a signature that is not 65 bytes (EIP-2098 compact, one byte too many, one byte) with 401", async function () {
      const order = await farBid();
      const signature = await signOrder(attacker, ex.domain, order);
      for (const wrongLength of [Signature.from(signature).compactSerialized, `${signature}00`, "0x1b"]) {
        await expectRejected(
          ex.client.placeOrder({ order, signature: wrongLength }),
          401,
          "INVALID_SIGNATURE",
          `${attackerAddress} has no code, so it must sign with a 65-byte ECDSA signature`,
        );
      }
      const notHex = await send(`${ex.matcher.address.url}/v1/orders`, {
        body: { order: wireOrder(order), signature: `0x${"zz".repeat(65)}` },
      });
      expect(notHex.status).to.equal(400);
      expect(notHex.json.error).to.deep.include({ code: "INVALID_REQUEST", details: { field: "body.signature" } });
    });

    it("refuses an order signed for another chain id, verifying contract, domain name or version with 401", async function () {
      const order = await farBid();
      for (const domain of [
        { ...ex.domain, chainId: 999n },
        { ...ex.domain, chainId: 998n }, // HyperEVM mainnet's id, not this network's
        { ...ex.domain, verifyingContract: ex.f.vault.target as string },
        { ...ex.domain, name: "Keel2" },
        { ...ex.domain, version: "2" },
      ]) {
        const signature = await signOrder(attacker, domain, order);
        const error = await expectRejected(
          ex.client.placeOrder({ order, signature }),
          401,
          "INVALID_SIGNATURE",
          `which is neither ${attackerAddress} nor an agent it approved on chain`,
        );
        expect(error.details?.recovered, "a meaningless signer, named").to.match(/^0x[0-9a-fA-F]{40}$/);
        expect(error.details?.recovered).to.not.equal(attackerAddress);
      }
    });

    it("refuses the high-s twin of a valid signature and an all-zero signature with 401", async function () {
      const order = await farBid();
      const valid = Signature.from(await signOrder(attacker, ex.domain, order));
      const highS = `0x${(SECP256K1_N - BigInt(valid.s)).toString(16).padStart(64, "0")}`;
      const twin =
        Signature.from({ r: valid.r, s: valid.s, v: valid.v }).r + highS.slice(2) + (valid.v === 27 ? "1c" : "1b");
      for (const signature of [twin, `0x${"00".repeat(65)}`]) {
        await expectRejected(
          ex.client.placeOrder({ order, signature }),
          401,
          "INVALID_SIGNATURE",
          "whose last byte (v) is 27 or 28 and whose s is in the lower half of the curve order",
        );
      }
      expect((await place(ex, attacker, order)).order.status, "the canonical signature is fine").to.equal("open");
    });

    it("refuses a signed cancel request presented as an order's signature with 401", async function () {
      const order = await farBid();
      const cancelSignature = await signCancelRequest(attacker, ex.domain, "CancelOrder", {
        account: attackerAddress,
        orderHash: `0x${"11".repeat(32)}`,
      });
      await expectRejected(ex.client.placeOrder({ order, signature: cancelSignature }), 401, "INVALID_SIGNATURE");
    });

    // ethers reads v = 0, 1 and >= 35 as 27/28 but the chain's ECDSA refuses them: an order resting with such a
    // signature would have its fills dropped at settlement and its counterparties' fills would vanish.
    it("refuses a signature whose v byte the chain would refuse (0/1, 37/38 for 27/28) with 401", async function () {
      for (const vOf of [(parity: number) => parity, (parity: number) => 37 + parity]) {
        const order = await farBid();
        const valid = await signOrder(attacker, ex.domain, order);
        const v = vOf(Signature.from(valid).v - 27);
        const signature = valid.slice(0, 130) + v.toString(16).padStart(2, "0");
        await expectRejected(ex.client.placeOrder({ order, signature }), 401, "INVALID_SIGNATURE");
      }
    });
  });

  describe("replays", function () {
    it("accepts an order sent ten times at once exactly once; the other nine get 409 NONCE_USED", async function () {
      const signed = await ex.sign(attacker, await farBid({ price: wad("57100") }));
      const answers = await Promise.allSettled(Array.from({ length: 10 }, () => ex.client.placeOrder(signed)));
      expect(answers.filter((a) => a.status === "fulfilled")).to.have.length(1);
      for (const answer of answers.filter((a) => a.status === "rejected")) {
        expect(answer.reason).to.include({ status: 409, code: "NONCE_USED" });
      }
      const level = (await ex.client.book(BTC_USD)).bids.find((l) => l.priceWad === wad("57100"));
      expect(level, "one order on the book, not ten").to.deep.include({ sizeWad: signed.order.size, orderCount: 1 });
    });

    it("refuses the same signed order re-encoded with zero-padded numbers and reordered keys (409)", async function () {
      const signed = await ex.sign(attacker, await farBid());
      await ex.client.placeOrder(signed);
      const wire = wireOrder(signed.order);
      const reencoded = Object.fromEntries(
        Object.entries(wire)
          .reverse()
          .map(([k, v]) => [k, typeof v === "string" && /^[0-9]+$/.test(v) ? `000${v}` : v]),
      );
      const answer = await send(`${ex.matcher.address.url}/v1/orders`, {
        body: { signature: signed.signature, order: reencoded },
      });
      expect(answer.status).to.equal(409);
      expect(answer.json.error.code).to.equal("NONCE_USED");
      expect(answer.json.error.message).to.contain(`Nonce ${signed.order.nonce} of ${attackerAddress} is already used`);
    });

    it("refuses an order replayed after its cancellation (409) and answers a replayed cancel idempotently", async function () {
      const signed = await ex.sign(attacker, await farBid());
      const placed = await ex.client.placeOrder(signed);
      const request = { account: attackerAddress, orderHash: placed.order.hash };
      const cancelSignature = await signCancelRequest(attacker, ex.domain, "CancelOrder", request);
      const first = await ex.client.cancelOrder(request, cancelSignature);
      expect(first).to.deep.include({ status: "cancelled", reason: "cancelled-by-user" });

      await expectRejected(ex.client.placeOrder(signed), 409, "NONCE_USED", `Nonce ${signed.order.nonce}`);
      const other = (await place(ex, attacker, await farBid({ price: wad("57200") }))).order;
      const replayed = await ex.client.cancelOrder(request, cancelSignature);
      expect(replayed, "the same order, still cancelled once").to.deep.equal(first);
      expect((await ex.client.order(other.hash))?.status, "a replayed cancel touches nothing else").to.equal("open");
    });

    it("refuses a replayed dead-man switch with 409 REQUEST_REPLAYED and keeps the newer setting", async function () {
      const now = await chainNow();
      const arm = { account: attackerAddress, cancelAt: now + 3_600n, deadline: now + 60n };
      const armSignature = await signCancelRequest(attacker, ex.domain, "ScheduleCancel", arm);
      await ex.client.scheduleCancel(arm, armSignature);
      const disarm = { account: attackerAddress, cancelAt: 0n, deadline: now + 61n };
      await ex.client.scheduleCancel(disarm, await signCancelRequest(attacker, ex.domain, "ScheduleCancel", disarm));
      expect(ex.matcher.engine.scheduledCancel(attackerAddress)).to.equal(undefined);

      await expectRejected(
        ex.client.scheduleCancel(arm, armSignature),
        409,
        "REQUEST_REPLAYED",
        "This signed request was already used",
      );
      expect(ex.matcher.engine.scheduledCancel(attackerAddress), "the replay did not re-arm it").to.equal(undefined);
    });
  });

  describe("afterwards", function () {
    it("still takes and matches the bystander's new order after all of it", async function () {
      const bid = await place(ex, bystander, await orderFor(bystander, "buy", { price: wad("59500") }));
      expect(bid.order.status).to.equal("open");
      const sell = await place(ex, attacker, await orderFor(attacker, "sell", { price: wad("59500") }));
      expect(sell.fills).to.have.length(1);
      expect(sell.fills[0]).to.deep.include({ makerHash: bid.order.hash, priceWad: wad("59500") });
      await ex.settle();
      expect((await ex.f.pm.position(await bystander.getAddress(), BTC_USD)).sizeWad).to.equal(bid.order.sizeWad);
    });
  });
});
