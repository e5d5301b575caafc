/**
 * The backstop unwind is paced by the book: a thin book within the band gives a smaller slice (25% of it), a book
 * with less than four lots within the band gives none (no order is placed), and bids outside the band never count.
 */
import { expect } from "chai";
import { unwindRig, wad, type UnwindRig } from "./helpers";

describe("BackstopUnwinder sizes slices by the depth within the band", function () {
  let rig: UnwindRig | undefined;

  afterEach(async function () {
    await rig?.stop();
    rig = undefined;
  });

  it("places nothing on a book too thin for one lot, and a quarter of a thin book otherwise", async function () {
    rig = await unwindRig("long");
    // Outside the band (below 56,715): never counted, however deep.
    await rig.rest("buy", wad("5"), wad("56700"));
    // 0.0003 within the band: 25% is 0.000075, below the 0.0001 lot.
    await rig.rest("buy", wad("0.0003"), wad("56900"));
    const unwinder = rig.unwinder({ minIntervalMs: 0 });

    expect(await unwinder.runOnce()).to.deep.equal([]);
    expect(await rig.ex.client.orders(rig.fundAddress)).to.deep.equal([]);

    // 0.04 within the band: a slice of 25% of it, 0.01 (the 0.3 position and the 250,000 USD cap allow more).
    await rig.rest("buy", wad("0.0397"), wad("56800"));
    const [slice] = await unwinder.runOnce();
    expect(slice).to.deep.include({ sizeWad: wad("0.01"), filledWad: wad("0.01") });
    await rig.settle();
    expect(await rig.fundSize()).to.equal(wad("0.29"));
  });
});
