import { expect } from "chai";
import type { BenchFigure } from "../../bench/figures";
import { run as runMatcher } from "../../bench/matcher";
import { run as runScan } from "../../bench/scan";

/** Checks that every figure of a suite is a positive finite number under the suite's prefix. */
function expectFigures(figures: BenchFigure[], prefix: string, ids: string[]): void {
  expect(figures.map((f) => f.id)).to.include.members(ids);
  for (const figure of figures) {
    expect(figure.id.startsWith(prefix), figure.id).to.equal(true);
    expect(Number.isFinite(figure.value) && figure.value > 0, `${figure.id} = ${figure.value}`).to.equal(true);
    expect(figure.unit, figure.id).to.be.a("string").and.not.empty;
  }
}

describe("bench: matcher and scan suites (smoke)", function () {
  const log = (): void => undefined;

  it("the matcher suite reports book and intake throughput as positive finite numbers", async function () {
    const figures = await runMatcher({ smoke: true, log });
    expectFigures(figures, "matcher.", ["matcher.book", "matcher.intake", "matcher.intake.recoverOnly"]);
  });

  it("the scan suite reports full and mark-update scan times for both sizes as positive finite numbers", async function () {
    const figures = await runScan({ smoke: true, log });
    expectFigures(figures, "scan.", ["scan.10k.full", "scan.10k.markUpdate", "scan.100k.full", "scan.100k.markUpdate"]);
  });
});
