/**
 * Repeated BackstopUnwinder rounds unwind the whole backstop position: each slice is capped by `maxSliceNotionalWad`
 * at the mark, rounds come no closer than `minIntervalMs` apart per market, the last slice is exactly what is left,
 * and the fund's position only ever shrinks toward zero — never grows, never flips.
 */
import { expect } from "chai";
import { unwindRig, wad, type UnwindRig } from "./helpers";

describe("BackstopUnwinder rounds unwind the position fully", function () {
  let rig: UnwindRig | undefined;

  afterEach(async function () {
    await rig?.stop();
    rig = undefined;
  });

  it("sells capped slices paced by minIntervalMs until the fund is flat", async function () {
    rig = await unwindRig("long");
    // Deep bids: 2 BTC at 56,900 (25% = 0.5 per slice); the notional cap binds: 5,000 / 57,000 → 0.0877 BTC.
    await rig.rest("buy", wad("2"), wad("56900"));
    const unwinder = rig.unwinder({ maxSliceNotionalWad: wad("5000"), minIntervalMs: 5_000 });

    const sizes: bigint[] = [];
    const positions: bigint[] = [await rig.fundSize()];
    for (let round = 0; round < 10 && positions[positions.length - 1] !== 0n; round++) {
      const slices = await unwinder.runOnce();
      expect(slices, `round ${round}`).to.have.length(1);
      expect(slices[0].filledWad).to.equal(slices[0].sizeWad);
      sizes.push(slices[0].sizeWad);
      await rig.settle();
      // Settled, but within minIntervalMs of the last slice: nothing.
      expect(await unwinder.runOnce(), `paced after round ${round}`).to.deep.equal([]);
      rig.clock.nowMs += 5_000;
      positions.push(await rig.fundSize());
    }

    expect(sizes).to.deep.equal([wad("0.0877"), wad("0.0877"), wad("0.0877"), wad("0.0369")]);
    expect(positions).to.deep.equal([wad("0.3"), wad("0.2123"), wad("0.1246"), wad("0.0369"), 0n]);
    // Flat: nothing left to unwind, and no order goes out.
    expect(await unwinder.runOnce()).to.deep.equal([]);
    expect(await rig.fundSize()).to.equal(0n);
    const book = await rig.ex.client.book(1);
    expect(book.bids[0].sizeWad).to.equal(wad("2") - wad("0.3"));
  });
});
