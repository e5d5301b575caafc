/**
 * `KEEL_FAILPOINT="<point>:<n>"` fires exactly the n-th time the pipeline reaches that point, never elsewhere, and a
 * malformed value is refused with a message naming the expected form.
 */
import { expect } from "chai";
import { FailpointSpecError } from "../../../keepers/settlement/errors";
import { failpointFromSpec, type Failpoint } from "../../../keepers/settlement/failpoint";

describe("failpointFromSpec", function () {
  it("fires the n-th time the named point is reached, and only then", function () {
    const fired: Failpoint[] = [];
    const hook = failpointFromSpec("after-send:2", (point) => fired.push(point))!;
    const reached: Failpoint[] = [
      "before-send",
      "after-send",
      "after-receipt",
      "before-send",
      "after-send",
      "after-send",
    ];
    const firedAt = reached.map((point) => {
      const before = fired.length;
      hook(point);
      return fired.length > before;
    });
    expect(firedAt).to.deep.equal([false, false, false, false, true, false]);
  });

  it("is absent without a value", function () {
    expect(failpointFromSpec(undefined)).to.equal(undefined);
    expect(failpointFromSpec("  ")).to.equal(undefined);
  });

  for (const spec of ["after-send", "after-send:0", "after-send:1.5", "later:1", "after-send:1:2"]) {
    it(`refuses "${spec}"`, function () {
      expect(() => failpointFromSpec(spec)).to.throw(FailpointSpecError, /expected "<point>:<n>"/);
    });
  }
});
