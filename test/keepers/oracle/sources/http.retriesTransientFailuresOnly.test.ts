/**
 * The HTTP path every adapter shares, over real loopback HTTP: transient failures (HTTP 5xx, 429, refused
 * connections, timed-out attempts) are retried and then fail as a PriceSourceError naming the venue; other answers
 * (HTTP 4xx, non-JSON) fail at once; a timeout aborts the request; the caller's abort stops everything with its reason.
 */
import { expect } from "chai";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createPriceSource, type SupportedVenue } from "../../../../keepers/oracle/sources";
import { PriceSourceError, type PriceSource } from "../../../../keepers/oracle/types";
import { expectSourceError, fixture, startFixtureServer, testOptions, until, type FixtureServer } from "./helpers";

/** Each venue with one instrument, the one route it requests, and its recorded good answer. */
const VENUES: { venue: SupportedVenue; options: object; route: string; good: string }[] = [
  {
    venue: "binance",
    options: { spotSymbol: "BTCUSDT" },
    route: "GET /api/v3/ticker/bookTicker?symbol=BTCUSDT",
    good: "binance.spot.bookTicker",
  },
  {
    venue: "okx",
    options: { swapInstId: "BTC-USDT-SWAP" },
    route: "GET /api/v5/market/ticker?instId=BTC-USDT-SWAP",
    good: "okx.swap.ticker",
  },
  {
    venue: "bybit",
    options: { linearSymbol: "BTCUSDT" },
    route: "GET /v5/market/tickers?category=linear&symbol=BTCUSDT",
    good: "bybit.linear.tickers",
  },
  { venue: "kraken", options: { pair: "XBTUSD" }, route: "GET /0/public/Ticker?pair=XBTUSD", good: "kraken.ticker" },
  {
    venue: "coinbase",
    options: { productId: "BTC-USD" },
    route: "GET /products/BTC-USD/ticker",
    good: "coinbase.ticker",
  },
  {
    venue: "polymarket",
    options: { tokenId: "123" },
    route: "GET /midpoint?token_id=123",
    good: "polymarket.midpoint",
  },
  { venue: "hypercore", options: { coin: "BTC" }, route: "POST /info", good: "hypercore.metaAndAssetCtxs" },
];

const COINBASE = "GET /products/BTC-USD/ticker";

describe("price source HTTP", function () {
  let server: FixtureServer;

  beforeEach(async function () {
    server = await startFixtureServer();
  });

  afterEach(async function () {
    await server.close();
  });

  function coinbase(overrides: Parameters<typeof testOptions>[1] = {}): PriceSource {
    return createPriceSource("coinbase", { productId: "BTC-USD", ...testOptions(server, overrides) });
  }

  describe("retries", function () {
    for (const { venue, options, route, good } of VENUES) {
      it(`${venue}: retries HTTP 500 twice, then fails naming the venue`, async function () {
        server.reply(route, { status: 500, text: "internal error" });
        const source = createPriceSource(venue, { ...options, ...testOptions(server) } as never);
        await expectSourceError(source.fetchQuotes(), venue, "HTTP 500", "internal error", "after 3 attempts");
        expect(server.requestsTo(route)).to.have.length(3);
      });

      it(`${venue}: recovers when a retry succeeds`, async function () {
        server.reply(route, { status: 503, text: "busy" }, { json: fixture(good) });
        const retried: number[] = [];
        const source = createPriceSource(venue, {
          ...options,
          ...testOptions(server, { onRetry: (_error, attempt) => retried.push(attempt) }),
        } as never);
        expect(await source.fetchQuotes()).to.not.be.empty;
        expect(server.requestsTo(route)).to.have.length(2);
        expect(retried).to.deep.equal([1]);
      });
    }

    it("retries HTTP 429, 502 and 504", async function () {
      server.reply(COINBASE, { status: 429 }, { status: 502 }, { status: 504 }, { json: fixture("coinbase.ticker") });
      await coinbase({ retries: 3 }).fetchQuotes();
      expect(server.requestsTo(COINBASE)).to.have.length(4);
    });

    it("does not retry HTTP 400, 403, 404 or 501", async function () {
      for (const status of [400, 403, 404, 501]) {
        server.reply(COINBASE, { status, json: { message: `status ${status}` } });
        const before = server.requestsTo(COINBASE).length;
        await expectSourceError(coinbase().fetchQuotes(), "coinbase", `HTTP ${status}`, "after 1 attempt");
        expect(server.requestsTo(COINBASE).length - before).to.equal(1);
      }
    });

    it("retries a refused connection, then fails with the socket error", async function () {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const retried: number[] = [];
      const source = createPriceSource("kraken", {
        pair: "XBTUSD",
        ...testOptions(server, {
          baseUrl: `http://127.0.0.1:${port}`,
          onRetry: (_e, attempt) => retried.push(attempt),
        }),
      });
      await expectSourceError(source.fetchQuotes(), "kraken", "ECONNREFUSED", "after 3 attempts");
      expect(retried).to.deep.equal([1, 2]);
    });

    it("fails at once on a 200 whose body is not JSON", async function () {
      server.reply(COINBASE, { text: "<html>maintenance</html>" });
      await expectSourceError(coinbase().fetchQuotes(), "coinbase", "non-JSON", "<html>maintenance</html>");
      expect(server.requestsTo(COINBASE)).to.have.length(1);
    });
  });

  describe("injected fetch", function () {
    it("sends every request through the injected fetch, with the attempt's signal", async function () {
      const calls: { url: string; signal: AbortSignal | null | undefined }[] = [];
      const fakeFetch: typeof fetch = async (input, init) => {
        calls.push({ url: String(input), signal: init?.signal });
        return new Response(JSON.stringify(fixture("kraken.ticker")), { status: 200 });
      };
      const source = createPriceSource("kraken", { pair: "XBTUSD", fetch: fakeFetch });
      const [quote] = await source.fetchQuotes();
      expect(quote.priceWad).to.equal(97_240_050_000_000_000_000_000n);
      expect(calls.map((call) => call.url)).to.deep.equal(["https://api.kraken.com/0/public/Ticker?pair=XBTUSD"]);
      expect(calls[0].signal).to.be.instanceOf(AbortSignal);
    });
  });

  describe("timeouts and aborts", function () {
    it("aborts an attempt that outlives the timeout and fails naming the venue", async function () {
      server.reply(COINBASE, { hang: true });
      await expectSourceError(coinbase({ timeoutMs: 100, retries: 0 }).fetchQuotes(), "coinbase", "within 100 ms");
      const [request] = server.requestsTo(COINBASE);
      await until("the server sees the request aborted", () => request.abortedByClient);
    });

    it("retries a timed-out attempt", async function () {
      server.reply(COINBASE, { hang: true }, { json: fixture("coinbase.ticker") });
      const [quote] = await coinbase({ timeoutMs: 100 }).fetchQuotes();
      expect(quote.priceWad).to.equal(97_238_445_000_000_000_000_000n);
      expect(server.requestsTo(COINBASE)).to.have.length(2);
    });

    it("rejects with the caller's abort reason, not a PriceSourceError, and aborts the request", async function () {
      server.reply(COINBASE, { hang: true });
      const controller = new AbortController();
      const fetching = coinbase({ timeoutMs: 10_000 }).fetchQuotes(controller.signal);
      await until("the request arrives", () => server.requestsTo(COINBASE).length === 1);
      const reason = new Error("keeper stopping");
      controller.abort(reason);
      let failure: unknown;
      try {
        await fetching;
      } catch (error) {
        failure = error;
      }
      expect(failure).to.equal(reason);
      expect(failure).to.not.be.instanceOf(PriceSourceError);
      await until("the server sees the request aborted", () => server.requestsTo(COINBASE)[0].abortedByClient);
      expect(server.requestsTo(COINBASE)).to.have.length(1);
    });

    it("sends nothing when the signal is already aborted", async function () {
      server.reply(COINBASE, { json: fixture("coinbase.ticker") });
      const reason = new Error("already stopped");
      let failure: unknown;
      try {
        await coinbase().fetchQuotes(AbortSignal.abort(reason));
      } catch (error) {
        failure = error;
      }
      expect(failure).to.equal(reason);
      expect(server.requestsTo(COINBASE)).to.have.length(0);
    });

    it("fails the whole fetch when one of a venue's requests fails, aborting the other", async function () {
      const perp = "GET /fapi/v1/ticker/bookTicker?symbol=BTCUSDT";
      server.reply("GET /api/v3/ticker/bookTicker?symbol=BTCUSDT", { hang: true });
      server.reply(perp, { status: 400, json: fixture("binance.error.invalidSymbol") });
      const source = createPriceSource("binance", {
        spotSymbol: "BTCUSDT",
        perpSymbol: "BTCUSDT",
        ...testOptions(server, { timeoutMs: 10_000 }),
      });
      await expectSourceError(source.fetchQuotes(), "binance", "USDⓈ-M book ticker BTCUSDT", "HTTP 400");
      const spotRequest = () => server.requestsTo("GET /api/v3/ticker/bookTicker?symbol=BTCUSDT")[0];
      await until("the spot request is aborted", () => spotRequest()?.abortedByClient === true);
    });
  });
});
