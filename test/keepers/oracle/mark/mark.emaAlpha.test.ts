/** emaAlphaWad = 1 − e^(−Δt/τ) to the nearest wei, and the time-weighted EMA built on it. */
import { expect } from "chai";
import { emaAlphaWad, TimeWeightedEma } from "../../../../keepers/oracle/mark";

const WAD = 10n ** 18n;

describe("mark: time-weighted EMA", () => {
  it("computes alpha exactly (reference values from 60-digit decimal arithmetic)", () => {
    // e^(−1)·1e18 = 367879441171442321.5955… → 367879441171442322 → alpha = 632120558828557678.
    expect(emaAlphaWad(150_000, 150_000)).to.equal(632_120_558_828_557_678n);
    // e^(−0.02)·1e18 = 980198673306755302.2208… → alpha = 19801326693244698 (3 s of a 150 s EMA).
    expect(emaAlphaWad(3_000, 150_000)).to.equal(19_801_326_693_244_698n);
    // e^(−0.5)·1e18 = 606530659712633423.6037… → 606530659712633424 → alpha = 393469340287366576.
    expect(emaAlphaWad(15_000, 30_000)).to.equal(393_469_340_287_366_576n);
    // e^(−0.2)·1e18 = 818730753077981858.6699… → alpha = 181269246922018141.
    expect(emaAlphaWad(6_000, 30_000)).to.equal(181_269_246_922_018_141n);
    // e^(−42)·1e18 = 0.5749… rounds to 1 wei; e^(−43)·1e18 = 0.2115… rounds to 0.
    expect(emaAlphaWad(42 * 1_000, 1_000)).to.equal(WAD - 1n);
    expect(emaAlphaWad(43 * 1_000, 1_000)).to.equal(WAD);
    expect(emaAlphaWad(10 ** 12, 1)).to.equal(WAD);
    expect(emaAlphaWad(0, 1_000)).to.equal(0n);
    expect(emaAlphaWad(-5, 1_000)).to.equal(0n);
  });

  it("refuses a time constant that is not a positive integer of ms", () => {
    expect(() => emaAlphaWad(1, 0)).to.throw(RangeError, "time constant");
    expect(() => emaAlphaWad(1, 1.5)).to.throw(RangeError, "time constant");
    expect(() => emaAlphaWad(0.5, 10)).to.throw(RangeError, "Elapsed time");
  });

  it("starts at the first sample and moves by alpha of the gap, truncated toward zero", () => {
    const ema = new TimeWeightedEma(150_000);
    expect(ema.valueWad).to.equal(undefined);
    expect(ema.update(0, 100n * WAD)).to.equal(100n * WAD);
    // 100 + (200 − 100)·0.632120558828557678 = 163.2120558828557678
    expect(ema.update(150_000, 200n * WAD)).to.equal(163_212_055_882_855_767_800n);
    // A clock step back counts as Δt = 0: no move.
    expect(ema.update(100_000, 0n)).to.equal(163_212_055_882_855_767_800n);

    const tiny = new TimeWeightedEma(1_000);
    tiny.update(0, 0n);
    // −1 wei · 0.632… = −0.632 wei → truncated toward zero: 0 (never overshoots the sample).
    expect(tiny.update(1_000, -1n)).to.equal(0n);
  });

  it("does not depend on the update rate beyond rounding", () => {
    const once = new TimeWeightedEma(30_000);
    const often = new TimeWeightedEma(30_000);
    once.update(0, 0n);
    often.update(0, 0n);
    once.update(30_000, 1_000n * WAD);
    for (let t = 3_000; t <= 30_000; t += 3_000) often.update(t, 1_000n * WAD);
    // One step: 1000·0.632120558828557678. Ten steps of 3 s: 1000·(1 − e^(−0.1)^10), with alpha rounded to the wei
    // each time (≤ 0.5e-18 of the gap per step): the two agree to better than 1e-17 relative.
    expect(once.valueWad).to.equal(632_120_558_828_557_678_000n);
    const gap = (once.valueWad ?? 0n) - (often.valueWad ?? 0n);
    expect((gap < 0n ? -gap : gap) * 10n ** 17n <= (once.valueWad ?? 0n)).to.equal(true);
  });
});
