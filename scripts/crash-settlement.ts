/**
 * Crash-safety campaign of the settlement keeper (DESIGN §13.18): kills the real `keel-keeper settlement` process at
 * random failpoints, restarts it, and checks after every restart that the journal equals the chain (0 lost fills,
 * 0 doubled fills). Prints a summary table; exits non-zero on any discrepancy.
 *
 *   npx hardhat run scripts/crash-settlement.ts                  # 100 cycles
 *   CRASH_CYCLES=300 CRASH_SEED=42 npx hardhat run scripts/crash-settlement.ts
 */
import { formatSummary, runCrashCycles } from "../test/keepers/settlement/crashHarness";

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const cycles = positiveInt("CRASH_CYCLES", 100);
  const seed = positiveInt("CRASH_SEED", Date.now() % 2 ** 31);
  console.log(`crash-settlement: ${cycles} cycles, seed ${seed} (rerun with CRASH_SEED=${seed})`);
  const summary = await runCrashCycles({
    cycles,
    seed,
    onCycle: (r) =>
      console.log(
        `cycle ${String(r.cycle).padStart(3)}  ${r.failpoint.padEnd(15)} ${r.killed ? "killed  " : "finished"}` +
          `${r.nonceTaken ? "  nonce taken" : "             "}  +${r.newFills} fills  settled ${r.check.settled}` +
          `  dropped ${r.check.dropped}  lost ${r.check.lost}  doubled ${r.check.doubled}`,
      ),
  });
  console.log(formatSummary(summary));
  if (summary.discrepancies.length > 0) {
    console.error(summary.discrepancies.join("\n"));
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
