/**
 * KrakenSource against a recorded public ticker served over local HTTP: the exact wad mid of the best ask a[0] and
 * bid b[0] at the response time, and PriceSourceErrors naming the venue for Kraken's error array or a malformed field.
 */
import { expect } from "chai";
import { KrakenSource } from "../../../../keepers/oracle/sources";
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

const TICKER = "GET /0/public/Ticker?pair=XBTUSD";

describe("KrakenSource", function () {
  let server: FixtureServer;
  let source: KrakenSource;

  beforeEach(async function () {
    server = await startFixtureServer();
    server.reply(TICKER, { json: fixture("kraken.ticker") });
    source = new KrakenSource({ pair: "XBTUSD", ...testOptions(server) });
  });

  afterEach(async function () {
    await server.close();
  });

  it("quotes the spot mid exactly in wad at the response time, under the pair asked for", async function () {
    expect(await source.fetchQuotes()).to.deep.equal([
      {
        venue: "kraken",
        instrument: "XBTUSD",
        kind: "spot",
        priceWad: 97_240_050_000_000_000_000_000n,
        timestampMs: NOW_MS,
        bidWad: 97_240_000_000_000_000_000_000n,
        askWad: 97_240_100_000_000_000_000_000n,
      },
    ]);
  });

  it("fails with Kraken's errors when the error array is not empty", async function () {
    server.reply(TICKER, { json: fixture("kraken.error.unknownAssetPair") });
    await expectSourceError(source.fetchQuotes(), "kraken", "ticker XBTUSD", "EQuery:Unknown asset pair");
  });

  it("fails naming the field when the bid side is missing", async function () {
    server.reply(TICKER, { json: editField(fixture("kraken.ticker"), ["result", "XXBTZUSD", "b"], DELETE) });
    await expectSourceError(source.fetchQuotes(), "kraken", "field result.XXBTZUSD.b");
  });

  it("fails naming the field when the ask is negative", async function () {
    server.reply(TICKER, {
      json: editField(fixture("kraken.ticker"), ["result", "XXBTZUSD", "a", 0], "-97240.10000"),
    });
    await expectSourceError(source.fetchQuotes(), "kraken", "field result.XXBTZUSD.a[0]");
  });

  it("fails when the result holds no pair or several", async function () {
    server.reply(TICKER, { json: editField(fixture("kraken.ticker"), ["result"], {}) });
    await expectSourceError(source.fetchQuotes(), "kraken", "field result has 0 pairs");
    const ticker = fixture("kraken.ticker") as { result: Record<string, unknown> };
    server.reply(TICKER, { json: editField(ticker, ["result", "XETHZUSD"], ticker.result.XXBTZUSD) });
    await expectSourceError(source.fetchQuotes(), "kraken", "field result has 2 pairs (XXBTZUSD, XETHZUSD)");
  });
});
