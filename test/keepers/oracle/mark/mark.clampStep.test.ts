/** clampStep mirrors OracleRegistry._checkDeviation and stays strictly inside it. */
import { expect } from "chai";
import fc from "fast-check";
import { clampStep } from "../../../../keepers/oracle/mark";
import { MarketKind } from "../../../../keepers/sdk/markets";

const WAD = 10n ** 18n;
const p = (usd: number): bigint => BigInt(usd) * WAD;
const pct = (n: number): bigint => BigInt(n) * 10n ** 16n;

/** The on-chain guard: |next − last| ≤ maxDelta, maxDelta = last.mulWadDown(dev) (ASSET) or dev (BOUNDED). */
function guardMaxDelta(kind: MarketKind, lastWad: bigint, deviationWad: bigint): bigint {
  return kind === MarketKind.Bounded ? deviationWad : (lastWad * deviationWad) / WAD;
}

describe("mark: clampStep", () => {
  it("limits an ASSET move to 99% of the relative guard", () => {
    // maxDelta = 60000·0.02 = 1200; allowed = 1200·0.99 = 1188.
    expect(clampStep(MarketKind.Asset, p(60_000), p(70_000), pct(2))).to.equal(p(61_188));
    expect(clampStep(MarketKind.Asset, p(60_000), p(50_000), pct(2))).to.equal(p(58_812));
    expect(clampStep(MarketKind.Asset, p(60_000), p(60_500), pct(2))).to.equal(p(60_500));
    // Rounding as on chain: 123456789 wei · 0.02 = 2469135.78 → 2469135; · 0.99 = 2444443.65 → 2444443.
    expect(clampStep(MarketKind.Asset, 123_456_789n, 10n ** 12n, pct(2))).to.equal(123_456_789n + 2_444_443n);
    // 33 wei · 0.02 = 0.66 → 0: the chain allows no move at all, so neither does the clamp.
    expect(clampStep(MarketKind.Asset, 33n, 40n, pct(2))).to.equal(33n);
  });

  it("limits a BOUNDED move to 99% of the absolute guard", () => {
    // allowed = 0.05·0.99 = 0.0495.
    expect(clampStep(MarketKind.Bounded, pct(50), pct(90), pct(5))).to.equal(pct(50) + 495n * 10n ** 14n);
    expect(clampStep(MarketKind.Bounded, pct(50), pct(10), pct(5))).to.equal(pct(50) - 495n * 10n ** 14n);
    expect(clampStep(MarketKind.Bounded, pct(50), pct(52), pct(5))).to.equal(pct(52));
  });

  it("passes the first push through and refuses bad arguments", () => {
    expect(clampStep(MarketKind.Asset, undefined, p(60_000), pct(2))).to.equal(p(60_000));
    expect(() => clampStep(MarketKind.Asset, p(1), -1n, pct(2))).to.throw(RangeError, "≥ 0");
    expect(() => clampStep(MarketKind.Asset, p(1), p(1), pct(2), 0n)).to.throw(RangeError, "safety");
    expect(() => clampStep(MarketKind.Asset, p(1), p(1), pct(2), WAD + 1n)).to.throw(RangeError, "safety");
  });

  it("always passes the guard, strictly inside whenever the guard allows any move", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(MarketKind.Asset, MarketKind.Bounded),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 0n, max: WAD }),
        fc.bigInt({ min: 1n, max: WAD }),
        (kind, last, next, deviation, safety) => {
          const pushed = clampStep(kind, last, next, deviation, safety);
          const maxDelta = guardMaxDelta(kind, last, deviation);
          const move = pushed > last ? pushed - last : last - pushed;
          expect(move <= maxDelta).to.equal(true);
          if (safety < WAD && maxDelta > 0n) expect(move < maxDelta).to.equal(true);
          // It moves toward next and stops there.
          expect(pushed === next || move === (maxDelta * safety) / WAD).to.equal(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
