/**
 * Each HTTP route over real HTTP on loopback: status, JSON shape (every bigint a decimal string, addresses and hashes
 * as the service gave them), what the service received (bigints, checksummed addresses), and the typed client's
 * round trip back to bigints.
 */
import { expect } from "chai";
import { getAddress } from "ethers";
import { BTC_USD, signedTestOrder, testTrade, testWallet, TEST_DOMAIN } from "./fakeExchange";
import { http, startGateway, type Harness } from "./harness";
import { signCancelRequest } from "../../../keepers/sdk/cancels";
import { WAD } from "../../../keepers/sdk/math";

describe("gateway routes: happy paths", function () {
  let h: Harness;
  const wallet = testWallet();

  beforeEach(async function () {
    h = await startGateway();
  });
  afterEach(async function () {
    await h.close();
  });

  describe("POST /v1/orders", function () {
    it("answers 201 with the order, its fills and cancellations, bigints as decimal strings", async function () {
      const { order, signature, hash } = await signedTestOrder(wallet);
      h.exchange.nextFills = [testTrade(BTC_USD, 9, { takerHash: hash })];
      const body = {
        order: {
          ...order,
          nonce: "7",
          expiry: "0",
          size: "1500000000000000000",
          price: "59000000000000000000000",
          triggerPrice: "0",
        },
        signature,
      };
      const res = await http(`${h.address.url}/v1/orders`, { body });

      expect(res.status).to.equal(201);
      expect(res.json.order).to.deep.equal({
        hash,
        account: wallet.address,
        marketId: 1,
        side: "buy",
        flags: 1,
        nonce: "7",
        expiry: "0",
        sizeWad: "1500000000000000000",
        priceWad: "59000000000000000000000",
        triggerPriceWad: "0",
        filledWad: "0",
        settledWad: "0",
        status: "open",
        receivedAtMs: 1_700_000_000_000,
      });
      expect(res.json.fills).to.deep.equal([
        {
          fillId: 9,
          marketId: 1,
          makerHash: `0x${"aa".repeat(32)}`,
          takerHash: hash,
          takerSide: "buy",
          sizeWad: "500000000000000000",
          priceWad: "60000000000000000000000",
          timestampMs: 1_700_000_000_123,
          settlement: "pending",
        },
      ]);
      expect(res.json.cancelled).to.deep.equal([]);
      const [call] = h.exchange.calls;
      expect(call.method).to.equal("placeOrder");
      expect(call.args).to.deep.equal([order, signature]);
    });

    it("hands the service a checksummed account when the client sent it in lower case", async function () {
      const { order, signature } = await signedTestOrder(wallet);
      const res = await http(`${h.address.url}/v1/orders`, {
        body: { order: { ...toJson(order), account: wallet.address.toLowerCase() }, signature },
      });
      expect(res.status).to.equal(201);
      expect((h.exchange.calls[0].args[0] as { account: string }).account).to.equal(getAddress(wallet.address));
    });

    it("round-trips through the typed client as bigints", async function () {
      const signed = await signedTestOrder(wallet, { size: (1n << 128n) - 1n });
      const result = await h.client.placeOrder(signed);
      expect(result.order.sizeWad).to.equal((1n << 128n) - 1n);
      expect(result.order.priceWad).to.equal(59_000n * WAD);
      expect(result.order.hash).to.equal(signed.hash);
      expect(result.fills).to.deep.equal([]);
    });
  });

  describe("signed cancels", function () {
    it("POST /v1/cancel answers the cancelled order", async function () {
      const signed = await signedTestOrder(wallet);
      await h.client.placeOrder(signed);
      const request = { account: wallet.address, orderHash: signed.hash };
      const signature = await signCancelRequest(wallet, TEST_DOMAIN, "CancelOrder", request);

      const res = await http(`${h.address.url}/v1/cancel`, { body: { request, signature } });
      expect(res.status).to.equal(200);
      expect(res.json.order).to.include({
        hash: signed.hash,
        status: "cancelled",
        reason: "cancelled by owner",
        sizeWad: "1500000000000000000",
      });
      expect(h.exchange.calls.at(-1)).to.deep.equal({ method: "cancelOrder", args: [request, signature] });
    });

    it("POST /v1/cancel-all answers every cancelled order, with marketId and deadline decoded", async function () {
      const first = await signedTestOrder(wallet, { nonce: 1n });
      const second = await signedTestOrder(wallet, { nonce: 2n });
      await h.client.placeOrder(first);
      await h.client.placeOrder(second);
      const signature = `0x${"12".repeat(65)}`;
      const res = await http(`${h.address.url}/v1/cancel-all`, {
        body: { request: { account: wallet.address, marketId: 0, deadline: "1700000100" }, signature },
      });
      expect(res.status).to.equal(200);
      expect(res.json.cancelled.map((o: { hash: string }) => o.hash)).to.have.members([first.hash, second.hash]);
      expect(h.exchange.calls.at(-1)?.args[0]).to.deep.equal({
        account: wallet.address,
        marketId: 0,
        deadline: 1_700_000_100n,
      });

      const viaClient = await h.client.cancelAll(
        { account: wallet.address, marketId: 1, deadline: 1_700_000_100n },
        signature,
      );
      expect(viaClient).to.deep.equal([]);
    });

    it("POST /v1/schedule-cancel answers the switch state", async function () {
      const signature = `0x${"34".repeat(65)}`;
      const res = await http(`${h.address.url}/v1/schedule-cancel`, {
        body: { request: { account: wallet.address, cancelAt: "1700000300", deadline: "1700000100" }, signature },
      });
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal({ account: wallet.address, cancelAt: "1700000300" });
      const viaClient = await h.client.scheduleCancel(
        { account: wallet.address, cancelAt: 0n, deadline: 1n },
        signature,
      );
      expect(viaClient).to.deep.equal({ account: wallet.address, cancelAt: 0n });
    });
  });

  describe("queries", function () {
    it("GET /v1/markets lists markets with signed and optional figures", async function () {
      await h.client.placeOrder(await signedTestOrder(wallet));
      const res = await http(`${h.address.url}/v1/markets`);
      expect(res.status).to.equal(200);
      const [btc, event] = res.json.markets;
      expect(btc).to.include({
        marketId: 1,
        symbol: "BTC-USD",
        kind: "asset",
        status: "active",
        makerFeeWad: "-100000000000000",
        cumulativeFundingWad: "-30000000000000000",
        bestBidWad: "59000000000000000000000",
      });
      expect(btc).to.not.have.property("bestAskWad");
      expect(event).to.include({ marketId: 2, kind: "bounded", markWad: "400000000000000000" });

      const markets = await h.client.markets();
      expect(markets[0].makerFeeWad).to.equal(-(WAD / 10_000n));
      expect(markets[0].bestBidWad).to.equal(59_000n * WAD);
    });

    it("GET /v1/markets/:marketId/book answers the levels and sequence, depth passed through", async function () {
      await h.client.placeOrder(await signedTestOrder(wallet, { nonce: 1n }));
      await h.client.placeOrder(await signedTestOrder(wallet, { nonce: 2n, price: 58_000n * WAD }));
      const res = await http(`${h.address.url}/v1/markets/1/book?depth=1`);
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal({
        marketId: 1,
        bids: [{ priceWad: "59000000000000000000000", sizeWad: "1500000000000000000", orderCount: 1 }],
        asks: [],
        sequence: 2,
      });
      expect(h.exchange.calls.at(-1)).to.deep.equal({ method: "book", args: [1, 1] });

      const book = await h.client.book(1);
      expect(h.exchange.calls.at(-1)).to.deep.equal({ method: "book", args: [1, 50] });
      expect(book.bids.map((l) => l.priceWad)).to.deep.equal([59_000n * WAD, 58_000n * WAD]);
    });

    it("GET /v1/markets/:marketId/trades answers recent trades, most recent first", async function () {
      h.exchange.recordTrade(testTrade(BTC_USD, 1));
      h.exchange.recordTrade(testTrade(BTC_USD, 2, { settlement: "settled" }));
      const res = await http(`${h.address.url}/v1/markets/1/trades?limit=1`);
      expect(res.status).to.equal(200);
      expect(res.json.trades).to.have.length(1);
      expect(res.json.trades[0]).to.include({ fillId: 2, settlement: "settled", sizeWad: "500000000000000000" });
      const trades = await h.client.trades(BTC_USD);
      expect(trades.map((t) => t.fillId)).to.deep.equal([2, 1]);
      expect(trades[0].priceWad).to.equal(60_000n * WAD);
    });

    it("GET /v1/accounts/:account answers the margin state with signed figures", async function () {
      const res = await http(`${h.address.url}/v1/accounts/${wallet.address.toLowerCase()}`);
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal({
        account: wallet.address,
        balanceWad: "10000000000000000000000",
        pendingWithdrawalWad: "0",
        equityWad: "-2500000000000000000",
        initialMarginWad: "600000000000000000000",
        maintenanceMarginWad: "300000000000000000000",
        positions: [
          {
            marketId: 1,
            sizeWad: "-100000000000000000",
            openNotionalWad: "-6000000000000000000000",
            pendingFundingWad: "1",
            unsettledSizeWad: "0",
          },
        ],
        openOrders: 0,
        lastProcessedBlock: 1234,
      });
      const account = await h.client.account(wallet.address);
      expect(account.positions[0].sizeWad).to.equal(-(WAD / 10n));
    });

    it("GET /v1/accounts/:account/orders passes the filter and answers the orders", async function () {
      const signed = await signedTestOrder(wallet);
      await h.client.placeOrder(signed);
      const res = await http(`${h.address.url}/v1/accounts/${wallet.address}/orders?status=all&marketId=1&limit=5`);
      expect(res.status).to.equal(200);
      expect(res.json.orders.map((o: { hash: string }) => o.hash)).to.deep.equal([signed.hash]);
      expect(h.exchange.calls.at(-1)).to.deep.equal({
        method: "orders",
        args: [wallet.address, { status: "all", marketId: 1, limit: 5 }],
      });

      const orders = await h.client.orders(wallet.address);
      expect(h.exchange.calls.at(-1)?.args[1]).to.deep.equal({ status: "open", limit: 100 });
      expect(orders[0].nonce).to.equal(7n);
    });

    it("GET /v1/orders/:hash answers the order, looked up by its lower-case hash", async function () {
      const signed = await signedTestOrder(wallet);
      await h.client.placeOrder(signed);
      const res = await http(`${h.address.url}/v1/orders/${signed.hash.toUpperCase().replace("0X", "0x")}`);
      expect(res.status).to.equal(200);
      expect(res.json).to.include({ hash: signed.hash, status: "open" });
      expect(h.exchange.calls.at(-1)).to.deep.equal({ method: "order", args: [signed.hash] });
      expect((await h.client.order(signed.hash))?.sizeWad).to.equal((3n * WAD) / 2n);
    });

    it("GET /v1/orders/:hash answers 404 NOT_FOUND for an unknown hash (the client returns undefined)", async function () {
      const hash = `0x${"cd".repeat(32)}`;
      const res = await http(`${h.address.url}/v1/orders/${hash}`);
      expect(res.status).to.equal(404);
      expect(res.json).to.deep.equal({
        error: { code: "NOT_FOUND", message: `no order with hash ${hash}`, details: { hash } },
      });
      expect(await h.client.order(hash)).to.equal(undefined);
    });
  });
});

function toJson(order: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(order).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));
}
