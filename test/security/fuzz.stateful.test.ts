/**
 * Stateful fuzzing of the protocol (DESIGN §13, issue 10): random sequences of up to 25 actions by four traders, a
 * market maker, a permissionless liquidator and the insurance fund — deposits; withdrawal requests, executions and
 * cancels; signed orders settled in batches by the real settlement keeper (crashed and restarted at random
 * failpoints); cancels and nonce floors; attacks on settlement; oracle moves up to ±20%; time warps; funding; every
 * liquidation stage; ADL; pause and unpause; the event market's resolution; privileged calls by an outsider. All
 * twenty invariants of §13 are checked after every step (see test/security/fuzz/invariants.ts for which are checked
 * where), and every sequence ends with the exit probe. `npm run fuzz:long` runs 10,000 sequences.
 *
 * KEEL_FUZZ_RUNS / KEEL_FUZZ_SEED override the run count and seed (a failure prints the seed and path to replay).
 */
import { expect } from "chai";
import { runFuzz } from "./fuzz/run";

const RUNS = Number(process.env.KEEL_FUZZ_RUNS ?? 300);
const SEED = process.env.KEEL_FUZZ_SEED === undefined ? 0x6b65656c : Number(process.env.KEEL_FUZZ_SEED);

describe("Stateful fuzzing: every invariant of DESIGN §13 after every step", function () {
  this.timeout(0);

  it(`holds over ${RUNS} random sequences of up to 25 actions`, async function () {
    const stats = await runFuzz({ numRuns: RUNS, maxSteps: 25, seed: SEED });
    expect(stats.sequences).to.equal(RUNS);
    // Every kind of action ran, and the waterfall and the keeper's crash recovery were reached, not just attempted.
    for (const kind of ["deposit", "trade", "liquidate", "funding", "resolve", "pause", "attack", "privileged"]) {
      expect(stats.actions[kind] ?? 0, `${kind} steps`).to.be.greaterThan(0);
    }
  });
});
