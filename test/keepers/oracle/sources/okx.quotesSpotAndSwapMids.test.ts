/**
 * OkxSource against recorded v5 tickers served over local HTTP: exact wad mids of the spot and swap books at the
 * venue's `ts`, and PriceSourceErrors naming the venue for an error envelope or a malformed field.
 */
import { expect } from "chai";
import { OkxSource } from "../../../../keepers/oracle/sources";
import {
  DELETE,
  editField,
  expectSourceError,
  fixture,
  startFixtureServer,
  testOptions,
  type FixtureServer,
} from "./helpers";

const SPOT = "GET /api/v5/market/ticker?instId=BTC-USDT";
const SWAP = "GET /api/v5/market/ticker?instId=BTC-USDT-SWAP";

describe("OkxSource", function () {
  let server: FixtureServer;
  let source: OkxSource;

  beforeEach(async function () {
    server = await startFixtureServer();
    server.reply(SPOT, { json: fixture("okx.spot.ticker") });
    server.reply(SWAP, { json: fixture("okx.swap.ticker") });
    source = new OkxSource({ spotInstId: "BTC-USDT", swapInstId: "BTC-USDT-SWAP", ...testOptions(server) });
  });

  afterEach(async function () {
    await server.close();
  });

  it("quotes the spot and swap mids exactly in wad at the venue's ts", async function () {
    expect(await source.fetchQuotes()).to.deep.equal([
      {
        venue: "okx",
        instrument: "BTC-USDT",
        kind: "spot",
        priceWad: 97_236_150_000_000_000_000_000n,
        timestampMs: 1_733_404_800_456,
        bidWad: 97_236_100_000_000_000_000_000n,
        askWad: 97_236_200_000_000_000_000_000n,
      },
      {
        venue: "okx",
        instrument: "BTC-USDT-SWAP",
        kind: "perpMid",
        priceWad: 97_201_350_000_000_000_000_000n,
        timestampMs: 1_733_404_800_789,
        bidWad: 97_201_300_000_000_000_000_000n,
        askWad: 97_201_400_000_000_000_000_000n,
      },
    ]);
  });

  it("fails with OKX's code and message when the envelope's code is not \"0\"", async function () {
    server.reply(SWAP, { json: fixture("okx.error.instrumentDoesNotExist") });
    await expectSourceError(
      source.fetchQuotes(),
      "okx",
      "swap ticker BTC-USDT-SWAP",
      "error code 51001",
      "Instrument ID does not exist",
    );
  });

  it('fails naming the field when the bid side is empty (bidPx "")', async function () {
    server.reply(SPOT, { json: editField(fixture("okx.spot.ticker"), ["data", 0, "bidPx"], "") });
    await expectSourceError(source.fetchQuotes(), "okx", "field data[0].bidPx");
  });

  it("fails naming the field when ts is missing or not a number", async function () {
    server.reply(SPOT, { json: editField(fixture("okx.spot.ticker"), ["data", 0, "ts"], DELETE) });
    await expectSourceError(source.fetchQuotes(), "okx", "field data[0].ts");
    server.reply(SPOT, { json: editField(fixture("okx.spot.ticker"), ["data", 0, "ts"], "yesterday") });
    await expectSourceError(source.fetchQuotes(), "okx", "field data[0].ts");
  });

  it("fails when the envelope has no code", async function () {
    server.reply(SPOT, { json: editField(fixture("okx.spot.ticker"), ["code"], DELETE) });
    await expectSourceError(source.fetchQuotes(), "okx", "field code");
  });

  it("fails when the ticker is for another instrument", async function () {
    server.reply(SWAP, { json: fixture("okx.spot.ticker") });
    await expectSourceError(
      source.fetchQuotes(),
      "okx",
      'field data[0].instId is "BTC-USDT", expected "BTC-USDT-SWAP"',
    );
  });
});
