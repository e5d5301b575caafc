/** weightedMedian: the first value past half the total weight; exactly half → mean of the two middle values. */
import { expect } from "chai";
import { median, weightedMedian } from "../../../../keepers/oracle/index";

const w = (valueWad: bigint, weight: number) => ({ valueWad, weight });

describe("index: weightedMedian", () => {
  it("takes the first value whose cumulative weight passes half the total", () => {
    // Sorted: 90 (cum 1), 100 (cum 4); W = 4: 2·1 = 2 < 4, 2·4 = 8 > 4 → 100.
    expect(weightedMedian([w(100n, 3), w(90n, 1)])).to.equal(100n);
    // 60000 (3), 60010 (2), 60020 (2), 60030 (1), 60040 (1); W = 9: 2·3 = 6 < 9, 2·5 = 10 > 9 → 60010.
    expect(weightedMedian([w(60040n, 1), w(60020n, 2), w(60000n, 3), w(60030n, 1), w(60010n, 2)])).to.equal(60010n);
  });

  it("averages the two middle values when a value ends exactly at half the weight", () => {
    // 90 (cum 1) of W = 2: 2·1 = 2 = W → (90 + 100) / 2 = 95.
    expect(weightedMedian([w(100n, 1), w(90n, 1)])).to.equal(95n);
    // 90 (cum 2) of W = 4 → mean of 90 and the next value, 100 → 95 (110 does not matter).
    expect(weightedMedian([w(90n, 2), w(100n, 1), w(110n, 1)])).to.equal(95n);
    // Rounded down, toward −∞: (1 + 2) / 2 = 1.5 → 1; (−3 + −2) / 2 = −2.5 → −3.
    expect(weightedMedian([w(1n, 1), w(2n, 1)])).to.equal(1n);
    expect(weightedMedian([w(-3n, 1), w(-2n, 1)])).to.equal(-3n);
    expect(median([4n, 1n, 3n, 2n])).to.equal(2n); // (2 + 3) / 2 = 2.5 → 2
    expect(median([5n, 1n, 3n])).to.equal(3n);
  });

  it("ignores zero weights and refuses bad ones", () => {
    // 50 has weight 0: the median of 90, 100, 110 is 100.
    expect(weightedMedian([w(50n, 0), w(90n, 1), w(100n, 1), w(110n, 1)])).to.equal(100n);
    expect(() => weightedMedian([])).to.throw(RangeError, "no value has a positive weight");
    expect(() => weightedMedian([w(1n, 0)])).to.throw(RangeError, "no value has a positive weight");
    expect(() => weightedMedian([w(1n, -1)])).to.throw(RangeError, "non-negative integers");
    expect(() => weightedMedian([w(1n, 1.5)])).to.throw(RangeError, "non-negative integers");
    expect(() => weightedMedian([w(1n, Number.NaN)])).to.throw(RangeError, "non-negative integers");
  });
});
