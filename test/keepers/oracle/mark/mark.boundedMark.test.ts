/** BoundedMarkCalculator: [ε, 1 − ε], at most maxStep per update, EMA toward the observation, hold when stale. */
import { expect } from "chai";
import { BoundedMarkCalculator, MarkUnavailableError } from "../../../../keepers/oracle/mark";

const WAD = 10n ** 18n;
const pct = (n: number): bigint => BigInt(n) * 10n ** 16n; // n %
const OPTIONS = { epsilonWad: pct(1), maxStepWad: pct(5), emaMs: 60_000, staleAfterMs: 300_000 };
/** 1 − e^(−1) in wad. */
const ALPHA_ONE_TAU = 632_120_558_828_557_678n;

describe("mark: BoundedMarkCalculator", () => {
  it("has no mark before the first observation, then starts there, clamped to [ε, 1 − ε]", () => {
    const calc = new BoundedMarkCalculator(OPTIONS);
    expect(() => calc.update({ nowMs: 0 })).to.throw(MarkUnavailableError, "initialMarkWad");
    expect(calc.update({ nowMs: 0, observationWad: pct(0) })).to.deep.equal({ markWad: pct(1), stale: false });
    const high = new BoundedMarkCalculator(OPTIONS);
    expect(high.update({ nowMs: 0, observationWad: WAD }).markWad).to.equal(WAD - pct(1));
  });

  it("moves by the EMA, at most maxStep per update", () => {
    const calc = new BoundedMarkCalculator(OPTIONS);
    calc.update({ nowMs: 0, observationWad: pct(10) });
    // 60 s toward 12%: 10% + 2%·0.632120558828557678 = 11.264241117657115356%.
    expect(calc.update({ nowMs: 60_000, observationWad: pct(12) }).markWad).to.equal(
      pct(10) + (pct(2) * ALPHA_ONE_TAU) / WAD,
    );
    const before = calc.update({ nowMs: 60_000 }).markWad; // Δt = 0: no move
    // 10 minutes toward 90%: the EMA would move ~78.7 points; the step allows 5.
    expect(calc.update({ nowMs: 660_000, observationWad: pct(90) }).markWad).to.equal(before + pct(5));
  });

  it("keeps following a fresh observation between trades, then holds the mark when it is stale", () => {
    const calc = new BoundedMarkCalculator(OPTIONS);
    calc.update({ nowMs: 0, observationWad: pct(50) });
    const moved = calc.update({ nowMs: 60_000, observationWad: pct(52) }).markWad;
    // No new trade, the last one is 300 s old (the limit): still fresh, the EMA keeps moving toward 52%.
    const later = calc.update({ nowMs: 360_000 });
    expect(later.stale).to.equal(false);
    expect(later.markWad > moved && later.markWad <= pct(52)).to.equal(true);
    // 1 ms past the limit: the mark holds and says it is stale.
    expect(calc.update({ nowMs: 360_001 })).to.deep.equal({ markWad: later.markWad, stale: true });
    expect(calc.update({ nowMs: 9_000_000 })).to.deep.equal({ markWad: later.markWad, stale: true });
  });

  it("starts from an initial mark (clamped) and reports it stale until an observation", () => {
    const calc = new BoundedMarkCalculator({ ...OPTIONS, initialMarkWad: 0n });
    expect(calc.update({ nowMs: 0 })).to.deep.equal({ markWad: pct(1), stale: true });
    // Far in time toward 30%: one step of 5 from 1%.
    expect(calc.update({ nowMs: 10_000_000, observationWad: pct(30) })).to.deep.equal({
      markWad: pct(6),
      stale: false,
    });
  });

  it("never leaves [ε, 1 − ε] and refuses bad input", () => {
    const calc = new BoundedMarkCalculator(OPTIONS);
    let t = 0;
    // Down to 0, up to 1 (21 steps of 5 points from 1% would reach 106%: clamped at 99%), down again.
    const observations = [0n, ...Array<bigint>(25).fill(WAD), 0n];
    for (const obs of observations) {
      const { markWad } = calc.update({ nowMs: (t += 600_000), observationWad: obs });
      expect(markWad >= pct(1) && markWad <= WAD - pct(1)).to.equal(true);
    }
    expect(calc.update({ nowMs: t }).markWad).to.equal(WAD - pct(1) - pct(5));
    expect(() => calc.update({ nowMs: t, observationWad: WAD + 1n })).to.throw(RangeError, "[0, 1e18]");
    expect(() => new BoundedMarkCalculator({ ...OPTIONS, epsilonWad: WAD / 2n })).to.throw(RangeError, "ε");
    expect(() => new BoundedMarkCalculator({ ...OPTIONS, maxStepWad: 0n })).to.throw(RangeError, "maxStepWad");
    expect(() => new BoundedMarkCalculator({ ...OPTIONS, emaMs: 0 })).to.throw(RangeError, "time constant");
  });
});
