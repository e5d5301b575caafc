/**
 * Intake refuses with 401 INVALID_SIGNATURE an order signed by a stranger, an order changed after signing, and a
 * signature that is not 65 bytes from an account without code; the message names who the signature recovers to.
 */
import { expect } from "chai";
import { signOrder } from "../../../keepers/sdk/orders";
import { wad } from "../../fixtures/keel";
import { traders } from "../e2e/helpers";
import { expectRejected, orderFor, useExchange } from "./helpers";

describe("intake: INVALID_SIGNATURE", function () {
  const ctx = useExchange(1);

  it("refuses an order of the trader signed by a stranger", async function () {
    const [trader] = ctx.traders;
    const [stranger] = await traders(1, 12);
    const order = await orderFor(trader, "buy");
    const signature = await signOrder(stranger, ctx.ex.domain, order);
    const error = await expectRejected(
      ctx.ex.client.placeOrder({ order, signature }),
      401,
      "INVALID_SIGNATURE",
      await stranger.getAddress(),
      order.account,
    );
    expect(error.details).to.deep.equal({ recovered: await stranger.getAddress() });
  });

  it("refuses an order whose price was changed after the account signed it", async function () {
    const [trader] = ctx.traders;
    const signed = await ctx.ex.sign(trader, await orderFor(trader, "buy"));
    const tampered = { ...signed, order: { ...signed.order, price: wad("60000.1") } };
    await expectRejected(
      ctx.ex.client.placeOrder(tampered),
      401,
      "INVALID_SIGNATURE",
      "neither",
      await trader.getAddress(),
    );
  });

  it("refuses a 4-byte signature from an account without code", async function () {
    const [trader] = ctx.traders;
    const order = await orderFor(trader, "buy");
    await expectRejected(
      ctx.ex.client.placeOrder({ order, signature: "0x12345678" }),
      401,
      "INVALID_SIGNATURE",
      "65-byte",
    );
  });
});
