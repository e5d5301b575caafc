/**
 * A matcher that cannot write its journal acknowledges nothing: the order whose journal write failed and every later
 * one are answered 503 JOURNAL_UNAVAILABLE, while queries keep working.
 */
import { expect } from "chai";
import type { Signer } from "ethers";
import { OrderFlag } from "../../../keepers/sdk/orders";
import { BTC_USD, wad } from "../../fixtures/keel";
import { startExchange, traders, type Exchange } from "./helpers";

describe("e2e: a journal that cannot be written makes the matcher refuse writes", function () {
  let ex: Exchange;
  let maker: Signer;

  before(async function () {
    [maker] = await traders(1);
    ex = await startExchange([maker]);
  });

  after(async function () {
    await ex.stop();
  });

  it("answers 503 JOURNAL_UNAVAILABLE once the journal fails: for that order and for every later one", async function () {
    const ask = async (nonce: bigint) =>
      ex.sign(maker, {
        account: await maker.getAddress(),
        marketId: BTC_USD,
        flags: OrderFlag.PostOnly,
        nonce,
        expiry: 0n,
        size: wad("0.1"),
        price: wad("60000"),
        triggerPrice: 0n,
      });
    // The journal's database goes away underneath the matcher (a full disk or a broken file behaves the same).
    ex.matcher.journal.close();
    for (const nonce of [1n, 2n]) {
      try {
        await ex.client.placeOrder(await ask(nonce));
        expect.fail("the order was acknowledged without a journal");
      } catch (error) {
        expect(error).to.have.property("status", 503);
        expect(error).to.have.property("code", "JOURNAL_UNAVAILABLE");
      }
    }
    expect(await ex.client.markets()).to.have.length(2);
  });
});
