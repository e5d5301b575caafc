/**
 * BinanceSource against recorded book tickers served over local HTTP: exact wad mids of the spot and USDⓈ-M books,
 * the venue's time on the perp quote, and PriceSourceErrors naming the venue and the field for malformed answers.
 */
import { expect } from "chai";
import { BinanceSource } from "../../../../keepers/oracle/sources";
import {
  DELETE,
  editField,
  expectSourceError,
  fixture,
  NOW_MS,
  startFixtureServer,
  testOptions,
  type FixtureServer,
} from "./helpers";

const SPOT = "GET /api/v3/ticker/bookTicker?symbol=BTCUSDT";
const PERP = "GET /fapi/v1/ticker/bookTicker?symbol=BTCUSDT";

describe("BinanceSource", function () {
  let server: FixtureServer;
  let source: BinanceSource;

  beforeEach(async function () {
    server = await startFixtureServer();
    server.reply(SPOT, { json: fixture("binance.spot.bookTicker") });
    server.reply(PERP, { json: fixture("binance.perp.bookTicker") });
    source = new BinanceSource({ spotSymbol: "BTCUSDT", perpSymbol: "BTCUSDT", ...testOptions(server) });
  });

  afterEach(async function () {
    await server.close();
  });

  it("quotes the spot mid at the response time and the perp mid at the venue's time, exactly in wad", async function () {
    const quotes = await source.fetchQuotes();
    expect(quotes).to.deep.equal([
      {
        venue: "binance",
        instrument: "BTCUSDT",
        kind: "spot",
        priceWad: 97_234_565_000_000_000_000_000n,
        timestampMs: NOW_MS,
        bidWad: 97_234_560_000_000_000_000_000n,
        askWad: 97_234_570_000_000_000_000_000n,
      },
      {
        venue: "binance",
        instrument: "BTCUSDT",
        kind: "perpMid",
        priceWad: 97_210_450_000_000_000_000_000n,
        timestampMs: 1_733_404_800_123,
        bidWad: 97_210_400_000_000_000_000_000n,
        askWad: 97_210_500_000_000_000_000_000n,
      },
    ]);
    expect(server.requestsTo(SPOT)).to.have.length(1);
    expect(server.requestsTo(PERP)).to.have.length(1);
  });

  it("fetches only the configured book", async function () {
    const perpOnly = new BinanceSource({ perpSymbol: "BTCUSDT", ...testOptions(server) });
    const quotes = await perpOnly.fetchQuotes();
    expect(quotes.map((quote) => quote.kind)).to.deep.equal(["perpMid"]);
    expect(server.requestsTo(SPOT)).to.have.length(0);
  });

  it("fails naming the field when askPrice is missing", async function () {
    server.reply(SPOT, { json: editField(fixture("binance.spot.bookTicker"), ["askPrice"], DELETE) });
    await expectSourceError(source.fetchQuotes(), "binance", "spot book ticker BTCUSDT", "field askPrice");
  });

  it("fails naming the field when bidPrice is not a plain decimal (text, exponent, negative, JSON number)", async function () {
    for (const bidPrice of ["abc", "9.7e4", "-97234.56", 97234.56, ""]) {
      server.reply(SPOT, { json: editField(fixture("binance.spot.bookTicker"), ["bidPrice"], bidPrice) });
      await expectSourceError(source.fetchQuotes(), "binance", "field bidPrice");
    }
  });

  it("fails when the perp time is in seconds, not milliseconds", async function () {
    server.reply(PERP, { json: editField(fixture("binance.perp.bookTicker"), ["time"], 1_733_404_800) });
    await expectSourceError(source.fetchQuotes(), "binance", "field time", "milliseconds");
  });

  it("fails when the answer is about another symbol", async function () {
    server.reply(PERP, { json: editField(fixture("binance.perp.bookTicker"), ["symbol"], "ETHUSDT") });
    await expectSourceError(source.fetchQuotes(), "binance", 'field symbol is "ETHUSDT", expected "BTCUSDT"');
  });

  it("fails on a crossed book instead of quoting its mid", async function () {
    server.reply(SPOT, { json: editField(fixture("binance.spot.bookTicker"), ["bidPrice"], "97300.00") });
    await expectSourceError(source.fetchQuotes(), "binance", "crossed book", "97300.0");
  });

  it("fails at once on HTTP 400 with Binance's reason, without retrying", async function () {
    server.reply(SPOT, { status: 400, json: fixture("binance.error.invalidSymbol") });
    await expectSourceError(source.fetchQuotes(), "binance", "HTTP 400", "Invalid symbol.", "after 1 attempt");
    expect(server.requestsTo(SPOT)).to.have.length(1);
  });
});
