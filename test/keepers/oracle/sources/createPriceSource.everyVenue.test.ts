/**
 * createPriceSource builds every supported venue's adapter from its instrument options and refuses an unknown venue
 * or a missing instrument with an error a person can act on.
 */
import { expect } from "chai";
import {
  BTC_USD_INSTRUMENTS,
  createPriceSource,
  isSupportedVenue,
  SUPPORTED_VENUES,
} from "../../../../keepers/oracle/sources";

describe("createPriceSource", function () {
  it("lists the seven supported venues", function () {
    expect([...SUPPORTED_VENUES]).to.deep.equal([
      "binance",
      "okx",
      "bybit",
      "kraken",
      "coinbase",
      "polymarket",
      "hypercore",
    ]);
    expect(isSupportedVenue("okx")).to.equal(true);
    expect(isSupportedVenue("OKX")).to.equal(false);
  });

  it("builds each venue's source, named by the venue", function () {
    for (const venue of SUPPORTED_VENUES) {
      const source =
        venue === "polymarket"
          ? createPriceSource(venue, { tokenId: "123" })
          : createPriceSource(venue, BTC_USD_INSTRUMENTS[venue] as never);
      expect(source.venue).to.equal(venue);
      expect(source.fetchQuotes).to.be.a("function");
    }
  });

  it("refuses an unknown venue, listing the supported ones", function () {
    expect(() => createPriceSource("ftx" as never, {} as never)).to.throw(
      TypeError,
      'unsupported price source venue "ftx"; supported: binance, okx, bybit, kraken, coinbase, polymarket, hypercore',
    );
  });

  it("refuses a source without an instrument, or with an empty one", function () {
    expect(() => createPriceSource("binance", {})).to.throw(TypeError, "binance: set spotSymbol, perpSymbol or both");
    expect(() => createPriceSource("okx", {})).to.throw(TypeError, "okx: set spotInstId, swapInstId or both");
    expect(() => createPriceSource("bybit", {})).to.throw(TypeError, "bybit: set spotSymbol, linearSymbol or both");
    expect(() => createPriceSource("kraken", { pair: "" })).to.throw(TypeError, "kraken: pair must be");
    expect(() => createPriceSource("coinbase", { productId: "BTC USD" })).to.throw(TypeError, "coinbase: productId");
    expect(() => createPriceSource("hypercore", { coin: undefined as never })).to.throw(TypeError, "hypercore: coin");
  });

  it("refuses a timeout or retry count that is not a sensible integer", function () {
    expect(() => createPriceSource("kraken", { pair: "XBTUSD", timeoutMs: 0 })).to.throw(RangeError, "timeoutMs");
    expect(() => createPriceSource("kraken", { pair: "XBTUSD", retries: -1 })).to.throw(RangeError, "retries");
  });
});
