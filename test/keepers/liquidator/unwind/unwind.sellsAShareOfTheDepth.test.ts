/**
 * BackstopUnwinder.runOnce unwinds the insurance fund's backstop position through the gateway: an IOC reduce-only
 * order of the fund's account, signed by the operator key (ERC-1271 through the fund's `isValidSignature`), of 25% of
 * the opposite depth within 0.5% of the mark, limited at the band's edge rounded to the tick in the fund's favour. The
 * intake accepts it, it fills, settles on chain, and the fund's position shrinks by exactly the fill. No new slice
 * starts while the last one's fills are unsettled.
 */
import { expect } from "chai";
import { OrderFlag, orderDigest } from "../../../../keepers/sdk/orders";
import { BTC_USD, unwindRig, wad, type UnwindRig } from "./helpers";

describe("BackstopUnwinder.runOnce sells a share of the book's depth", function () {
  let rig: UnwindRig | undefined;

  afterEach(async function () {
    await rig?.stop();
    rig = undefined;
  });

  it("sells 25% of the bids within the band, settles it and waits for settlement before the next slice", async function () {
    rig = await unwindRig("long");
    expect(await rig.fundSize()).to.equal(wad("0.3"));
    // Band: 57,000 · (1 − 0.005) = 56,715. Within: 0.1 at 56,900 and 0.2 at 56,800; 0.5 at 56,000 is outside.
    await rig.rest("buy", wad("0.1"), wad("56900"));
    await rig.rest("buy", wad("0.2"), wad("56800"));
    await rig.rest("buy", wad("0.5"), wad("56000"));
    const unwinder = rig.unwinder({ minIntervalMs: 0 });

    const slices = await unwinder.runOnce();

    expect(slices).to.have.length(1);
    const [slice] = slices;
    // 25% of 0.3 = 0.075; it all fills against the best bid.
    expect(slice).to.deep.include({
      marketId: BTC_USD,
      side: "sell",
      sizeWad: wad("0.075"),
      limitPriceWad: wad("56715"),
      filledWad: wad("0.075"),
    });
    const view = await rig.ex.client.order(slice.orderHash);
    expect(view).to.deep.include({
      account: rig.fundAddress,
      side: "sell",
      flags: OrderFlag.ReduceOnly | OrderFlag.ImmediateOrCancel,
      sizeWad: wad("0.075"),
      priceWad: wad("56715"),
      status: "filled",
    });
    // The hash is the order's EIP-712 digest, which the fund's ERC-1271 check accepted for the operator's signature.
    const engineOrder = rig.ex.matcher.engine.order(slice.orderHash)!;
    expect(orderDigest(rig.ex.domain, engineOrder.signed.order).toLowerCase()).to.equal(slice.orderHash);
    expect(await rig.ex.f.fund.isValidSignature(slice.orderHash, engineOrder.signed.signature)).to.equal("0x1626ba7e");

    // Matched, not settled: the slice is outstanding and no second order goes out.
    expect(await unwinder.runOnce()).to.deep.equal([]);
    expect(await rig.fundSize()).to.equal(wad("0.3"));

    await rig.settle();
    expect(await rig.fundSize()).to.equal(wad("0.3") - wad("0.075"));
    expect((await rig.ex.client.order(slice.orderHash))!.settledWad).to.equal(wad("0.075"));

    // Settled and indexed: the next slice takes 25% of what is left within the band (0.025 + 0.2).
    const [next] = await unwinder.runOnce();
    expect(next).to.deep.include({ sizeWad: wad("0.0562"), filledWad: wad("0.0562") });
  });

  it("buys back a backstop short with an IOC reduce-only buy limited at the upper band edge", async function () {
    rig = await unwindRig("short");
    expect(await rig.fundSize()).to.equal(-wad("0.3"));
    // Band: 63,000 · 1.005 = 63,315. Within: 0.4 at 63,100; 1 at 64,000 is outside.
    await rig.rest("sell", wad("0.4"), wad("63100"));
    await rig.rest("sell", wad("1"), wad("64000"));

    const [slice] = await rig.unwinder({ minIntervalMs: 0 }).runOnce();

    expect(slice).to.deep.include({
      side: "buy",
      sizeWad: wad("0.1"),
      limitPriceWad: wad("63315"),
      filledWad: wad("0.1"),
    });
    await rig.settle();
    expect(await rig.fundSize()).to.equal(-wad("0.2"));
  });
});
