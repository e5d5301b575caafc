/**
 * `npm run bench` prints each figure beside its target: MET or MISS by the target's direction, nothing for a figure
 * without one, and numbers with thousands separators.
 */
import { expect } from "chai";
import { meetsTarget, type BenchFigure } from "../../bench/figures";
import { formatTable } from "../../bench/run";

describe("bench: figures against targets", function () {
  const figures: BenchFigure[] = [
    { id: "a", label: "gas per pair", value: 118_761, unit: "gas", target: { op: "<=", bound: 45_000 } },
    { id: "b", label: "fills per block", value: 44, unit: "fills", target: { op: ">=", bound: 44 } },
    { id: "c", label: "p99 latency", value: 1.234, unit: "ms" },
  ];

  it("meets a <= target at or below it and a >= target at or above it", function () {
    expect(figures.map(meetsTarget)).to.deep.equal([false, true, undefined]);
    expect(meetsTarget({ ...figures[0], value: 45_000 })).to.equal(true);
  });

  it("prints value, target and MET or MISS per figure", function () {
    const lines = formatTable(figures).split("\n");
    expect(lines).to.have.length(5);
    expect(lines[2]).to.match(/gas per pair\s+118,761 gas\s+<= 45,000\s+MISS/);
    expect(lines[3]).to.match(/fills per block\s+44 fills\s+>= 44\s+MET/);
    expect(lines[4]).to.match(/p99 latency\s+1\.23 ms\s*$/);
  });
});
