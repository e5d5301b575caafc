/**
 * CoinbaseSource against a recorded product ticker served over local HTTP: the exact wad mid of bid and ask at the
 * venue's ISO time, and PriceSourceErrors naming the venue for a malformed field or an HTTP error.
 */
import { expect } from "chai";
import { CoinbaseSource } from "../../../../keepers/oracle/sources";
import {
  DELETE,
  editField,
  expectSourceError,
  fixture,
  startFixtureServer,
  testOptions,
  type FixtureServer,
} from "./helpers";

const TICKER = "GET /products/BTC-USD/ticker";

describe("CoinbaseSource", function () {
  let server: FixtureServer;
  let source: CoinbaseSource;

  beforeEach(async function () {
    server = await startFixtureServer();
    server.reply(TICKER, { json: fixture("coinbase.ticker") });
    source = new CoinbaseSource({ productId: "BTC-USD", ...testOptions(server) });
  });

  afterEach(async function () {
    await server.close();
  });

  it("quotes the spot mid exactly in wad at the venue's time, truncated to the millisecond", async function () {
    expect(await source.fetchQuotes()).to.deep.equal([
      {
        venue: "coinbase",
        instrument: "BTC-USD",
        kind: "spot",
        priceWad: 97_238_445_000_000_000_000_000n,
        timestampMs: Date.UTC(2024, 11, 5, 13, 20, 0, 987),
        bidWad: 97_238_440_000_000_000_000_000n,
        askWad: 97_238_450_000_000_000_000_000n,
      },
    ]);
  });

  it("fails naming the field when bid is missing or not numeric", async function () {
    server.reply(TICKER, { json: editField(fixture("coinbase.ticker"), ["bid"], DELETE) });
    await expectSourceError(source.fetchQuotes(), "coinbase", "ticker BTC-USD", "field bid");
    server.reply(TICKER, { json: editField(fixture("coinbase.ticker"), ["bid"], "Infinity") });
    await expectSourceError(source.fetchQuotes(), "coinbase", "field bid");
  });

  it("fails naming the field when time is not an ISO 8601 UTC time", async function () {
    server.reply(TICKER, { json: editField(fixture("coinbase.ticker"), ["time"], "05/12/2024 13:20") });
    await expectSourceError(source.fetchQuotes(), "coinbase", "field time", "ISO 8601");
  });

  it("fails at once on HTTP 404 with Coinbase's message, without retrying", async function () {
    server.reply(TICKER, { status: 404, json: fixture("coinbase.error.notFound") });
    await expectSourceError(source.fetchQuotes(), "coinbase", "HTTP 404", "NotFound");
    expect(server.requestsTo(TICKER)).to.have.length(1);
  });
});
