/** AssetMarkCalculator: Hyperliquid's median of three inputs, the index filling in, the 30 s EMA with two inputs. */
import { expect } from "chai";
import { AssetMarkCalculator } from "../../../../keepers/oracle/mark";

const WAD = 10n ** 18n;
const p = (usd: number): bigint => BigInt(usd) * WAD;
/** 1 − e^(−1) in wad (see mark.emaAlpha.test.ts). */
const ALPHA_ONE_TAU = 632_120_558_828_557_678n;

describe("mark: AssetMarkCalculator", () => {
  it("is the index when the index is all there is", () => {
    const calc = new AssetMarkCalculator();
    const { markWad, components } = calc.update({ nowMs: 0, indexWad: p(100) });
    expect(markWad).to.equal(p(100));
    expect(components.medianInputsWad).to.deep.equal([p(100)]);
    expect(components.markEmaWad).to.equal(undefined);
  });

  it("takes the median of index + basis EMA, the book median and the external perp median", () => {
    const calc = new AssetMarkCalculator();
    // Mid (101 + 103) / 2 = 102, first basis sample 102 − 100 = 2 → input 1 = 102.
    // Book median(101, 103, 104) = 103. External median(99, 105, 100) = 100. median(102, 103, 100) = 102.
    const first = calc.update({
      nowMs: 0,
      indexWad: p(100),
      bestBidWad: p(101),
      bestAskWad: p(103),
      lastTradeWad: p(104),
      externalPerpMidsWad: [p(99), p(105), p(100)],
    });
    expect(first.components).to.deep.include({ basisEmaWad: p(2), indexPlusBasisWad: p(102), bookMedianWad: p(103) });
    expect(first.components.externalMedianWad).to.equal(p(100));
    expect(first.markWad).to.equal(p(102));

    // 150 s later: mid (103 + 105) / 2 = 104, basis 4; EMA 2 + (4 − 2)·0.632120558828557678 = 3.264241117657115356.
    // Input 1 = 103.264241117657115356; book median(103, 105, 110) = 105; external median(101, 107) = 104.
    const second = calc.update({
      nowMs: 150_000,
      indexWad: p(100),
      bestBidWad: p(103),
      bestAskWad: p(105),
      lastTradeWad: p(110),
      externalPerpMidsWad: [p(101), p(107)],
    });
    expect(second.components.basisEmaWad).to.equal(2n * WAD + 2n * ALPHA_ONE_TAU);
    expect(second.components.externalMedianWad).to.equal(p(104));
    expect(second.markWad).to.equal(p(104));
  });

  it("adds the 30 s EMA of the mark as a third input when only two exist", () => {
    const calc = new AssetMarkCalculator();
    // External mids only: inputs 110 and the index 100; the first EMA is their median 105 → median(110, 100, 105).
    const first = calc.update({ nowMs: 0, indexWad: p(100), externalPerpMidsWad: [p(110)] });
    expect(first.markWad).to.equal(p(105));
    // 30 s later, inputs 120 and 100: EMA 105 + (110 − 105)·0.632120558828557678 = 108.16060279414278839.
    const second = calc.update({ nowMs: 30_000, indexWad: p(100), externalPerpMidsWad: [p(120)] });
    const ema = p(105) + 5n * ALPHA_ONE_TAU;
    expect(second.components.markEmaWad).to.equal(ema);
    expect(second.markWad).to.equal(ema);
    // Same instant, inputs 200 and 210: the EMA has not moved (Δt = 0), so the median is the lower input, 200.
    const jump = calc.update({ nowMs: 30_000, indexWad: p(200), externalPerpMidsWad: [p(210)] });
    expect(jump.components.markEmaWad).to.equal(ema);
    expect(jump.markWad).to.equal(p(200));
  });

  it("needs two of best bid, best ask and last trade for the book input, and refuses a bad index", () => {
    const calc = new AssetMarkCalculator();
    // A last trade alone is not a book input: the mark is the index.
    expect(calc.update({ nowMs: 0, indexWad: p(100), lastTradeWad: p(150) }).markWad).to.equal(p(100));
    expect(() => calc.update({ nowMs: 0, indexWad: 0n })).to.throw(RangeError, "Index must be positive");
    expect(() => calc.update({ nowMs: 0, indexWad: p(1), bestBidWad: -1n })).to.throw(RangeError, "≥ 0");
  });
});
