// solidity-coverage configuration, read by `npx hardhat coverage` (npm run coverage).
//
// Instrumented: every contract under contracts/ except contracts/mocks/ (test doubles, never deployed on a real
// network). Interfaces are instrumented but hold no executable code, so they add nothing to the figures.
// scripts/checkCoverage.ts reads coverage/coverage-summary.json (the json-summary reporter below) and fails the run
// below 95% of lines or 90% of branches.

/* global module -- CommonJS: solidity-coverage loads this file with require() */

/** Mocha grep (inverted) for suites whose assertions are meaningless under instrumentation. */
const SKIPPED_UNDER_COVERAGE = "settleBatch gas snapshot";

module.exports = {
  skipFiles: ["mocks/"],
  istanbulReporter: ["html", "lcov", "text", "json", "json-summary"],
  // The gas snapshot (test/contracts/trading/gasSnapshot.test.ts) compares gas with committed figures; instrumented
  // code spends 50% more gas and its 50-fill batches outlast the mocha timeout. A timed-out test keeps sending
  // transactions in the background, and in the run of 2026-11-21 the hits of every later test file were lost. The
  // gas figures are enforced by `npm test`, so the coverage run leaves that one suite out. `config` is Hardhat's
  // resolved config, whose `mocha` options the test task reads.
  onServerReady: async (config) => {
    config.mocha = { ...config.mocha, grep: SKIPPED_UNDER_COVERAGE, invert: true };
  },
};
