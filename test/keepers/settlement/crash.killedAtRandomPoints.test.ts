/**
 * Crash safety (DESIGN §13.18): the settlement process (the real CLI, in a child process) is SIGKILLed at random
 * failpoints — before the send, after the send before the receipt, after the receipt before the journal write — at
 * least 20 times, with new fills between the kills, and after every restart the journal equals the chain: 0 lost
 * fills, 0 doubled fills, exactly the invalid fills dropped, every order's on-chain state matching the journal.
 * `scripts/crash-settlement.ts` runs the same harness for 100 cycles.
 */
import { expect } from "chai";
import { FAILPOINTS } from "../../../keepers/settlement/failpoint";
import { runCrashCycles } from "./crashHarness";

const CYCLES = 20;

describe("Settlement crash safety", function () {
  this.timeout(300_000);

  it(`loses and doubles no fill across ${CYCLES} SIGKILLs at random failpoints`, async function () {
    const summary = await runCrashCycles({
      cycles: CYCLES,
      seed: 0x6b65656c,
      onCycle: (result) =>
        expect(result.check.details, `cycle ${result.cycle} (${result.failpoint})`).to.deep.equal([]),
    });

    expect(summary.discrepancies).to.deep.equal([]);
    expect(summary.lost).to.equal(0);
    expect(summary.doubled).to.equal(0);
    const kills = FAILPOINTS.map((point) => summary.kills[point]);
    expect(
      kills.reduce((a, b) => a + b, 0),
      "every cycle's crash run died",
    ).to.equal(CYCLES);
    for (const point of FAILPOINTS) expect(summary.kills[point], `kills at ${point}`).to.be.greaterThan(0);
    expect(summary.fillsDropped, "the invalid fills were exercised").to.be.greaterThan(0);
    expect(summary.fillsSettled).to.be.greaterThan(CYCLES * 4);
  });
});
