/**
 * HyperCoreSource against a recorded metaAndAssetCtxs answer served over local HTTP: the oracle (index), mark and mid
 * prices of one coin in wad at the response time, found by its position in the universe; PriceSourceErrors naming the
 * venue for an unknown or delisted coin, misaligned arrays or a malformed context.
 */
import { expect } from "chai";
import { HyperCoreSource } from "../../../../keepers/oracle/sources";
import {
  editField,
  expectSourceError,
  fixture,
  NOW_MS,
  startFixtureServer,
  testOptions,
  type FixtureServer,
} from "./helpers";

const INFO = "POST /info";

describe("HyperCoreSource", function () {
  let server: FixtureServer;

  beforeEach(async function () {
    server = await startFixtureServer();
    server.reply(INFO, { json: fixture("hypercore.metaAndAssetCtxs") });
  });

  afterEach(async function () {
    await server.close();
  });

  function source(coin: string): HyperCoreSource {
    return new HyperCoreSource({ coin, ...testOptions(server) });
  }

  it("posts {type: metaAndAssetCtxs} and quotes oraclePx as index, markPx as mark, midPx as perpMid", async function () {
    const base = { venue: "hypercore", instrument: "BTC", timestampMs: NOW_MS };
    expect(await source("BTC").fetchQuotes()).to.deep.equal([
      { ...base, kind: "index", priceWad: 97_215_000_000_000_000_000_000n },
      { ...base, kind: "mark", priceWad: 97_230_000_000_000_000_000_000n },
      { ...base, kind: "perpMid", priceWad: 97_231_500_000_000_000_000_000n },
    ]);
    const [request] = server.requestsTo(INFO);
    expect(JSON.parse(request.body)).to.deep.equal({ type: "metaAndAssetCtxs" });
    expect(request.headers["content-type"]).to.equal("application/json");
  });

  it("pairs the coin with the context at its universe position", async function () {
    const quotes = await source("ETH").fetchQuotes();
    expect(quotes.map((quote) => [quote.kind, quote.priceWad])).to.deep.equal([
      ["index", 3_849_900_000_000_000_000_000n],
      ["mark", 3_850_200_000_000_000_000_000n],
      ["perpMid", 3_850_050_000_000_000_000_000n],
    ]);
  });

  it("omits the perp mid when midPx is null (no book mid)", async function () {
    server.reply(INFO, { json: editField(fixture("hypercore.metaAndAssetCtxs"), [1, 0, "midPx"], null) });
    expect((await source("BTC").fetchQuotes()).map((quote) => quote.kind)).to.deep.equal(["index", "mark"]);
  });

  it("ignores another coin's malformed context but fails naming the field of the requested one", async function () {
    server.reply(INFO, { json: editField(fixture("hypercore.metaAndAssetCtxs"), [1, 1, "markPx"], "n/a") });
    expect(await source("BTC").fetchQuotes()).to.have.length(3);
    await expectSourceError(source("ETH").fetchQuotes(), "hypercore", "metaAndAssetCtxs ETH", "field [1][1].markPx");
  });

  it("fails for a coin not in the universe or delisted", async function () {
    await expectSourceError(source("DOGE").fetchQuotes(), "hypercore", "coin DOGE is not in the perp universe");
    await expectSourceError(source("MATIC").fetchQuotes(), "hypercore", "coin MATIC is delisted");
  });

  it("fails when the universe and the contexts do not pair up", async function () {
    const response = fixture("hypercore.metaAndAssetCtxs") as [unknown, unknown[]];
    server.reply(INFO, { json: [response[0], response[1].slice(1)] });
    await expectSourceError(source("BTC").fetchQuotes(), "hypercore", "3 universe entries but 2 asset contexts");
  });

  it("fails naming the field when the response is not [meta, contexts]", async function () {
    server.reply(INFO, { json: { universe: [] } });
    await expectSourceError(source("BTC").fetchQuotes(), "hypercore", "field (root)");
    server.reply(INFO, { json: editField(fixture("hypercore.metaAndAssetCtxs"), [0, "universe", 0, "name"], 7) });
    await expectSourceError(source("BTC").fetchQuotes(), "hypercore", "field [0].universe[0].name");
  });
});
