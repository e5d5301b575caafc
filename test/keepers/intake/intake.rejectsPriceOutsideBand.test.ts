/**
 * Intake refuses a limit price farther from the mark than the market's fill band (the chain would refuse every fill)
 * with 422 PRICE_OUTSIDE_BAND, naming the price, the mark and the band: BTC-USD's band is 5% of the mark (60,000 →
 * ±3,000), the event market's is 0.1 absolute (0.4 → [0.3, 0.5]). Prices on the band's edge are accepted.
 */
import { expect } from "chai";
import { SENATE22_R, wad } from "../../fixtures/keel";
import { expectRejected, orderFor, place, useExchange } from "./helpers";

describe("intake: PRICE_OUTSIDE_BAND", function () {
  const ctx = useExchange(1);

  it("BTC-USD: refuses a bid at 63,000.1 and an ask at 56,999.9, accepts a bid at 63,000", async function () {
    const [trader] = ctx.traders;
    const error = await expectRejected(
      place(ctx.ex, trader, await orderFor(trader, "buy", { price: wad("63000.1") })),
      422,
      "PRICE_OUTSIDE_BAND",
      "Price 63000.1",
      "mark 60000",
      "5% of the mark",
      "[57000, 63000]",
    );
    expect(error.details).to.include({ markWad: wad("60000").toString(), maxDeltaWad: wad("3000").toString() });
    await expectRejected(
      place(ctx.ex, trader, await orderFor(trader, "sell", { price: wad("56999.9") })),
      422,
      "PRICE_OUTSIDE_BAND",
      "Price 56999.9",
    );
    const edge = await place(ctx.ex, trader, await orderFor(trader, "buy", { price: wad("63000") }));
    expect(edge.order.status).to.equal("open");
  });

  it("event market: refuses a bid at 0.501 with the absolute band, accepts 0.5", async function () {
    const [trader] = ctx.traders;
    const base = { marketId: SENATE22_R, size: wad("100") };
    await expectRejected(
      place(ctx.ex, trader, await orderFor(trader, "buy", { ...base, price: wad("0.501") })),
      422,
      "PRICE_OUTSIDE_BAND",
      "Price 0.501",
      "mark 0.4",
      "0.1 absolute",
      "SENATE22-R",
    );
    const edge = await place(ctx.ex, trader, await orderFor(trader, "buy", { ...base, price: wad("0.5") }));
    expect(edge.order.status).to.equal("open");
  });
});
