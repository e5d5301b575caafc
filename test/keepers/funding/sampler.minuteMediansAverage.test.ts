/**
 * PremiumSampler: one sample per 5-second slot, the median of each minute, and the mean of the minute medians over an
 * interval — so a one-tick spike moves the average by nothing, and every minute weighs the same.
 */
import { expect } from "chai";
import { PremiumSampler, medianWad } from "../../../keepers/funding/sampler";
import { wad } from "../../fixtures/keel";

/** Minute-aligned start of the paths (ms). */
const T0 = 28_333_334 * 60_000;

/** Records `premiums` (as decimal strings) every 5 s from `startMs`. */
function recordEvery5s(sampler: PremiumSampler, startMs: number, premiums: string[]): void {
  premiums.forEach((p, i) => sampler.record(startMs + i * 5_000, wad(p)));
}

describe("funding: PremiumSampler", function () {
  it("averages the per-minute medians of a constructed path", function () {
    const sampler = new PremiumSampler();
    // minute 0: median of [0.0002, 0.0003, 0.0010] = 0.0003 (the 0.0010 spike does not count)
    recordEvery5s(sampler, T0, ["0.0002", "0.0010", "0.0003"]);
    // minute 1: median of [0.0001, 0.0005, 0.0004, 0.0002] = (0.0002 + 0.0004) / 2 = 0.0003
    recordEvery5s(sampler, T0 + 60_000, ["0.0001", "0.0005", "0.0004", "0.0002"]);
    // minute 2: one sample, 0.0006
    recordEvery5s(sampler, T0 + 120_000, ["0.0006"]);

    const medians = sampler.minuteMedians(T0, T0 + 180_000);
    expect(medians.map((m) => m.medianWad)).to.deep.equal([wad("0.0003"), wad("0.0003"), wad("0.0006")]);
    expect(medians.map((m) => m.samples)).to.deep.equal([3, 4, 1]);
    // (0.0003 + 0.0003 + 0.0006) / 3 = 0.0004: each minute weighs one third whatever its sample count
    expect(sampler.averagePremium(T0, T0 + 180_000)).to.equal(wad("0.0004"));
  });

  it("keeps only the samples inside [from, to)", function () {
    const sampler = new PremiumSampler();
    recordEvery5s(sampler, T0, ["0.001"]);
    recordEvery5s(sampler, T0 + 60_000, ["0.003"]);
    expect(sampler.averagePremium(T0 + 60_000, T0 + 120_000)).to.equal(wad("0.003"));
    expect(sampler.averagePremium(T0, T0 + 60_000)).to.equal(wad("0.001"));
  });

  it("returns undefined for an interval without samples", function () {
    const sampler = new PremiumSampler();
    recordEvery5s(sampler, T0, ["0.001"]);
    expect(sampler.averagePremium(T0 + 60_000, T0 + 3_600_000)).to.equal(undefined);
  });

  it("keeps one sample per 5-second slot: a faster caller does not outweigh other minutes", function () {
    const sampler = new PremiumSampler();
    sampler.record(T0, wad("0.009"));
    sampler.record(T0 + 1_000, wad("0.008"));
    sampler.record(T0 + 4_999, wad("0.001")); // same slot: replaces both
    sampler.record(T0 + 5_000, wad("0.001"));
    expect(sampler.size).to.equal(2);
    expect(sampler.averagePremium(T0, T0 + 60_000)).to.equal(wad("0.001"));
  });

  it("rounds the mean and even medians toward zero", function () {
    expect(medianWad([1n, 2n])).to.equal(1n); // 1.5 → 1
    expect(medianWad([-1n, -2n])).to.equal(-1n); // −1.5 → −1
    const sampler = new PremiumSampler();
    sampler.record(T0, 1n);
    sampler.record(T0 + 60_000, 1n);
    sampler.record(T0 + 120_000, 0n);
    expect(sampler.averagePremium(T0, T0 + 180_000)).to.equal(0n); // 2 / 3 → 0
  });

  it("prunes samples older than a cut-off", function () {
    const sampler = new PremiumSampler();
    recordEvery5s(sampler, T0, ["0.001", "0.002", "0.003"]);
    expect(sampler.prune(T0 + 10_000)).to.equal(2);
    expect(sampler.samplesBetween(0, Number.MAX_SAFE_INTEGER).map((s) => s.premiumWad)).to.deep.equal([wad("0.003")]);
  });
});
