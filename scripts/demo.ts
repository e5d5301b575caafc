/**
 * `npm run demo`: the main job. An in-process chain, the real deploy scripts, every keeper, simulated traders and a
 * replay of real market data (the 2025-10-10 BTC crash, the Senate 2022 market to its resolution), then a summary, a
 * report under `reports/<timestamp>/` and the invariants. Exits 1 if any invariant fails.
 *
 *   npm run demo                 # the full day (≤ 10 minutes on 2 cores)
 *   npm run demo -- --quick      # the hours around the crash and the event market's last days (≤ 2 minutes)
 */
import { Command } from "commander";
import pino from "pino";

const program = new Command()
  .name("npm run demo --")
  .description("replay real market data through Keel end to end and report (see README, Quick start)")
  .option("--quick", "only the hours around the crash and the event market's last days", false)
  .option("--seed <n>", "seed of the simulated traders", (v) => Number.parseInt(v, 10), 1010)
  .option("--reports <dir>", "where reports/<timestamp>/ is written", "reports")
  .option("--log-level <level>", "keeper logs on stderr (silent, error, warn, info, debug)", "silent")
  .showHelpAfterError();

async function main(): Promise<number> {
  program.parse(process.argv);
  const options = program.opts<{ quick: boolean; seed: number; reports: string; logLevel: string }>();
  // Loading Hardhat here (not at the top) keeps `--help` fast; it runs on its in-process network.
  const hre = (await import("hardhat")).default;
  const { runDemo } = await import("./demo/run");
  const { formatSummary } = await import("../keepers/demo/report");
  const logger = pino({ level: options.logLevel }, pino.destination(2));
  const outcome = await runDemo(hre, {
    quick: options.quick,
    seed: options.seed,
    reportsRoot: options.reports,
    logger,
  });
  process.stdout.write(`\n${formatSummary(outcome.report)}\n`);
  process.stdout.write(`\nreport: ${outcome.jsonPath}\n        ${outcome.htmlPath}\n`);
  if (!outcome.passed) process.stdout.write("\nFAIL: at least one invariant does not hold (see above)\n");
  return outcome.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
