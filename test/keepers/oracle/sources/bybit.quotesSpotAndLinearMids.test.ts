/**
 * BybitSource against recorded v5 tickers served over local HTTP: exact wad mids of the spot and linear books at the
 * response's `time`, and PriceSourceErrors naming the venue for a non-zero retCode or a malformed field.
 */
import { expect } from "chai";
import { BybitSource } from "../../../../keepers/oracle/sources";
import {
  DELETE,
  editField,
  expectSourceError,
  fixture,
  startFixtureServer,
  testOptions,
  type FixtureServer,
} from "./helpers";

const SPOT = "GET /v5/market/tickers?category=spot&symbol=BTCUSDT";
const LINEAR = "GET /v5/market/tickers?category=linear&symbol=BTCUSDT";

describe("BybitSource", function () {
  let server: FixtureServer;
  let source: BybitSource;

  beforeEach(async function () {
    server = await startFixtureServer();
    server.reply(SPOT, { json: fixture("bybit.spot.tickers") });
    server.reply(LINEAR, { json: fixture("bybit.linear.tickers") });
    source = new BybitSource({ spotSymbol: "BTCUSDT", linearSymbol: "BTCUSDT", ...testOptions(server) });
  });

  afterEach(async function () {
    await server.close();
  });

  it("quotes the spot and linear mids exactly in wad at the response's time", async function () {
    expect(await source.fetchQuotes()).to.deep.equal([
      {
        venue: "bybit",
        instrument: "BTCUSDT",
        kind: "spot",
        priceWad: 97_230_015_000_000_000_000_000n,
        timestampMs: 1_733_404_801_012,
        bidWad: 97_230_010_000_000_000_000_000n,
        askWad: 97_230_020_000_000_000_000_000n,
      },
      {
        venue: "bybit",
        instrument: "BTCUSDT",
        kind: "perpMid",
        priceWad: 97_205_950_000_000_000_000_000n,
        timestampMs: 1_733_404_801_345,
        bidWad: 97_205_900_000_000_000_000_000n,
        askWad: 97_206_000_000_000_000_000_000n,
      },
    ]);
  });

  it("fails with Bybit's retCode and retMsg when retCode is not 0", async function () {
    server.reply(LINEAR, { json: fixture("bybit.error.notSupportedSymbols") });
    await expectSourceError(
      source.fetchQuotes(),
      "bybit",
      "linear ticker BTCUSDT",
      "retCode 10001",
      "Not supported symbols",
    );
  });

  it("fails naming the field when ask1Price is missing", async function () {
    server.reply(SPOT, { json: editField(fixture("bybit.spot.tickers"), ["result", "list", 0, "ask1Price"], DELETE) });
    await expectSourceError(source.fetchQuotes(), "bybit", "field result.list[0].ask1Price");
  });

  it("fails naming the field when bid1Price is not numeric", async function () {
    server.reply(LINEAR, {
      json: editField(fixture("bybit.linear.tickers"), ["result", "list", 0, "bid1Price"], "NaN"),
    });
    await expectSourceError(source.fetchQuotes(), "bybit", "field result.list[0].bid1Price");
  });

  it("fails when the list is empty or the category is not the one asked for", async function () {
    server.reply(SPOT, { json: editField(fixture("bybit.spot.tickers"), ["result", "list"], []) });
    await expectSourceError(source.fetchQuotes(), "bybit", "field result.list");
    server.reply(SPOT, { json: fixture("bybit.linear.tickers") });
    await expectSourceError(source.fetchQuotes(), "bybit", "spot ticker BTCUSDT", "field result.category");
  });

  it("fails naming the field when the top-level time is missing", async function () {
    server.reply(SPOT, { json: editField(fixture("bybit.spot.tickers"), ["time"], DELETE) });
    await expectSourceError(source.fetchQuotes(), "bybit", "field time");
  });
});
