/**
 * PolymarketSource against a recorded CLOB midpoint served over local HTTP: the probability in wad, kind "midpoint",
 * at the response time, and PriceSourceErrors naming the venue for an error answer or a value outside [0, 1].
 */
import { expect } from "chai";
import { PolymarketSource } from "../../../../keepers/oracle/sources";
import { expectSourceError, fixture, NOW_MS, startFixtureServer, testOptions, type FixtureServer } from "./helpers";

const TOKEN_ID = "21742633143463906290569050155826241533067272736897614950488156847949938836455";
const MIDPOINT = `GET /midpoint?token_id=${TOKEN_ID}`;

describe("PolymarketSource", function () {
  let server: FixtureServer;
  let source: PolymarketSource;

  beforeEach(async function () {
    server = await startFixtureServer();
    server.reply(MIDPOINT, { json: fixture("polymarket.midpoint") });
    source = new PolymarketSource({ tokenId: TOKEN_ID, ...testOptions(server) });
  });

  afterEach(async function () {
    await server.close();
  });

  it("quotes the midpoint as a probability in wad at the response time", async function () {
    expect(await source.fetchQuotes()).to.deep.equal([
      {
        venue: "polymarket",
        instrument: TOKEN_ID,
        kind: "midpoint",
        priceWad: 555_000_000_000_000_000n,
        timestampMs: NOW_MS,
      },
    ]);
  });

  it("accepts the field name of the current API reference (mid_price) and the bounds 0 and 1", async function () {
    server.reply(MIDPOINT, { json: { mid_price: "0.45" } }, { json: { mid: "1" } }, { json: { mid: "0" } });
    expect((await source.fetchQuotes())[0].priceWad).to.equal(450_000_000_000_000_000n);
    expect((await source.fetchQuotes())[0].priceWad).to.equal(1_000_000_000_000_000_000n);
    expect((await source.fetchQuotes())[0].priceWad).to.equal(0n);
  });

  it("fails when the midpoint is above 1, not numeric, missing, or given twice", async function () {
    server.reply(MIDPOINT, { json: { mid: "1.000000000000000001" } });
    await expectSourceError(source.fetchQuotes(), "polymarket", "field mid", "probability in [0, 1]");
    server.reply(MIDPOINT, { json: { mid: "0.5e0" } });
    await expectSourceError(source.fetchQuotes(), "polymarket", "field mid");
    server.reply(MIDPOINT, { json: {} });
    await expectSourceError(source.fetchQuotes(), "polymarket", "field mid", "exactly one of mid and mid_price");
    server.reply(MIDPOINT, { json: { mid: "0.5", mid_price: "0.5" } });
    await expectSourceError(source.fetchQuotes(), "polymarket", "exactly one of mid and mid_price");
  });

  it("fails with the CLOB's error, on HTTP 404 at once and on an error body", async function () {
    server.reply(MIDPOINT, { status: 404, json: fixture("polymarket.error.noOrderbook") });
    await expectSourceError(source.fetchQuotes(), "polymarket", "HTTP 404", "No orderbook exists");
    expect(server.requestsTo(MIDPOINT)).to.have.length(1);
    server.reply(MIDPOINT, { json: fixture("polymarket.error.noOrderbook") });
    await expectSourceError(source.fetchQuotes(), "polymarket", `midpoint of token ${TOKEN_ID}`, "No orderbook exists");
  });
});
