/**
 * `npm run errors:coverage`: the run-time custom-error gate. Compares the custom errors of the Keel ABIs with the
 * reverts recorded during the last `hardhat test` run (`test/fixtures/revertRecorder.ts` writes
 * `cache/revert-record.json`), prints a table (error, times raised, first test that raised it), the errors no test
 * raised, and every Panic, string, unknown or empty revert with the tests that caused it.
 *
 * Exit code 1 when a Keel error was never raised, an error listed as unreachable was raised, or a Panic / string
 * revert was seen that `EXPECTED_PANICS_AND_STRINGS` does not allow; 0 otherwise.
 *
 * Keel errors: every error in the ABI of a contract, library or interface under `contracts/` (not `contracts/mocks/`),
 * deduplicated by selector, including those inherited from OpenZeppelin (AccessControl, Pausable, ReentrancyGuard,
 * SafeERC20, ...) that a Keel contract can raise; a Keel contract that only subclasses an OpenZeppelin one unchanged
 * (KeelTimelock) contributes the errors it declares itself (none).
 *
 *   npx ts-node --transpile-only scripts/errorCoverage.ts [--record cache/revert-record.json] [--artifacts artifacts]
 */
import path from "node:path";
import { Command } from "commander";
import { ErrorFragment, type JsonFragment } from "ethers";
import { collectErrors, qualifiedName, readArtifacts, type KnownError } from "../test/fixtures/revertDecoder";
import { readRevertRecord, type RevertRecord } from "../test/fixtures/revertRecorder";

const REPO_ROOT = path.resolve(__dirname, "..");

/** Keel contracts that subclass an OpenZeppelin contract unchanged, with that base: only their own errors count. */
export const UNMODIFIED_SUBCLASSES: Readonly<Record<string, string>> = {
  "contracts/governance/KeelTimelock.sol:KeelTimelock":
    "@openzeppelin/contracts/governance/TimelockController.sol:TimelockController",
};

/** Errors in a Keel ABI that no call can raise, by signature, with the reason (found by reading the code). */
export const UNREACHABLE_ERRORS: Readonly<Record<string, string>> = {
  "InvalidShortString()":
    'PositionManager\'s EIP712 name and version ("Keel", "1") are short strings built by ShortStrings, ' +
    "whose length byte is always <= 31",
  "StringTooLong(string)":
    "EIP712's constructor uses toShortStringWithFallback, which never calls toShortString on a string over 31 bytes",
  "SafeCastOverflowedIntToUint(int256)":
    "CollateralVault._applyTotals: a total only falls by the credit (debt) an account held, which the total " +
    "includes (totalCreditWad = sum of positive balances, DESIGN §13.1), so it never goes below zero",
};

/**
 * Panic, string, unknown or empty reverts that tests provoke on purpose, with the reason. A key is the full title of a
 * test or hook, or of a describe block (then it covers every test and hook in it).
 */
export const EXPECTED_PANICS_AND_STRINGS: Readonly<Record<string, string>> = {
  "SDK math mirrors = PositionMath / OrderLib":
    "drives the PositionMathHarness mock (contracts/mocks) into overflow and division by zero on purpose, to check " +
    "that the SDK mirror throws exactly where the Solidity library panics",
  "revert recorder records":
    "the recorder's own tests make a raw-bytecode contract revert with Panic, Error(string), unknown and empty data",
};

/** The key of `expected` that covers reverts in `test`: the test itself or an enclosing describe block. */
export function expectedKey(expected: Readonly<Record<string, string>>, test: string): string | undefined {
  return Object.keys(expected).find((title) => test === title || test.startsWith(`${title} `));
}

/** The policy the gate applies; the constants above by default, other values in tests. */
export interface CoveragePolicy {
  unreachable: Readonly<Record<string, string>>;
  expected: Readonly<Record<string, string>>;
}

/** Every Keel custom error (see the file header), sorted by name. */
export function keelErrors(artifactsDir: string): KnownError[] {
  const artifacts = readArtifacts(artifactsDir);
  const byName = new Map(artifacts.map((artifact) => [qualifiedName(artifact), artifact]));
  const keel = artifacts.filter(
    (artifact) => artifact.sourceName.startsWith("contracts/") && !artifact.sourceName.startsWith("contracts/mocks/"),
  );
  return collectErrors(
    keel.map((artifact) => {
      const baseName = UNMODIFIED_SUBCLASSES[qualifiedName(artifact)];
      if (baseName === undefined) return artifact;
      const base = byName.get(baseName);
      if (!base)
        throw new Error(`no artifact ${baseName} (base of ${qualifiedName(artifact)}): run \`npx hardhat compile\``);
      const inherited = new Set(collectErrors([base]).map((error) => error.selector));
      const own = (item: JsonFragment) => item.type !== "error" || !inherited.has(ErrorFragment.from(item).selector);
      return { ...artifact, abi: artifact.abi.filter(own) };
    }),
  );
}

/** A Panic, string, unknown or empty revert at one test site. */
export interface OddRevert {
  /** e.g. `Panic 0x11 (arithmetic overflow ...)`, `Error("...")`, `selector 0x12345678`, `empty revert data`. */
  what: string;
  test: string;
  file?: string;
  count: number;
  /** The key of `EXPECTED_PANICS_AND_STRINGS` that allows it, when a test provokes it on purpose. */
  expectedBy?: string;
}

/** One Keel error and what the run did with it. */
export interface ErrorRow {
  error: KnownError;
  /** Failing calls that returned it. */
  count: number;
  firstTest?: string;
  firstFile?: string;
  /** Why no call can raise it, when listed in `UNREACHABLE_ERRORS`. */
  unreachableBecause?: string;
}

/** What the gate found. */
export interface ErrorCoverageReport {
  rows: ErrorRow[];
  /** Keel errors never raised and not listed as unreachable. */
  missing: KnownError[];
  /** Errors listed as unreachable that a test did raise: the list is wrong. */
  raisedButUnreachable: KnownError[];
  panics: OddRevert[];
  strings: OddRevert[];
  unknown: OddRevert[];
  empty: OddRevert[];
  untraced: RevertRecord["untraced"];
  /** Custom errors raised during the run that are not Keel's (mocks, OpenZeppelin tokens), by signature. */
  foreign: { signature: string; count: number }[];
  /** Keys of the expected list that allowed something, with their reasons. */
  expectedUsed: { key: string; reason: string }[];
  /** Keys of the expected list that allowed nothing in this run. */
  expectedUnused: string[];
  /** Why the gate fails; empty when it passes. */
  failures: string[];
}

/** Compares the Keel errors with a record. Pure: prints nothing. */
export function analyseErrorCoverage(
  errors: readonly KnownError[],
  record: RevertRecord,
  policy: CoveragePolicy = { unreachable: UNREACHABLE_ERRORS, expected: EXPECTED_PANICS_AND_STRINGS },
): ErrorCoverageReport {
  const rows: ErrorRow[] = errors.map((error) => {
    const seen = record.selectors[error.selector];
    return {
      error,
      count: seen?.count ?? 0,
      firstTest: seen?.firstTest,
      firstFile: seen?.firstFile,
      unreachableBecause: policy.unreachable[error.signature],
    };
  });
  const missing = rows.filter((r) => r.count === 0 && r.unreachableBecause === undefined).map((r) => r.error);
  const raisedButUnreachable = rows
    .filter((r) => r.count > 0 && r.unreachableBecause !== undefined)
    .map((r) => r.error);
  const odd =
    <T extends { test: string; file?: string; count: number }>(what: (entry: T) => string) =>
    (entry: T): OddRevert => ({
      what: what(entry),
      test: entry.test,
      file: entry.file,
      count: entry.count,
      expectedBy: expectedKey(policy.expected, entry.test),
    });
  const panics = record.panics.map(odd((p) => `Panic ${p.code} (${p.reason})`));
  const strings = record.strings.map(odd((s) => `Error(${JSON.stringify(s.message)})`));
  const unknown = record.unknown.map(odd((u) => `selector ${u.selector}`));
  const empty = record.empty.map(odd(() => "empty revert data"));
  const keelSelectors = new Set(errors.map((error) => error.selector));
  const foreign = Object.entries(record.selectors)
    .filter(([selector]) => !keelSelectors.has(selector))
    .map(([, entry]) => ({ signature: entry.signature, count: entry.count }));
  const used = new Set([...panics, ...strings, ...unknown, ...empty].map((entry) => entry.expectedBy));
  const expectedUsed = Object.entries(policy.expected)
    .filter(([key]) => used.has(key))
    .map(([key, reason]) => ({ key, reason }));
  const expectedUnused = Object.keys(policy.expected).filter((key) => !used.has(key));

  const failures: string[] = [];
  const unexpected = (list: OddRevert[]) => list.filter((entry) => entry.expectedBy === undefined).length;
  if (missing.length) failures.push(`${missing.length} Keel error(s) never raised`);
  if (raisedButUnreachable.length)
    failures.push(`${raisedButUnreachable.length} error(s) listed unreachable were raised`);
  if (unexpected(panics)) failures.push(`${unexpected(panics)} test(s) raised an unexpected Panic`);
  if (unexpected(strings)) failures.push(`${unexpected(strings)} test(s) raised an unexpected string revert`);
  return {
    rows,
    missing,
    raisedButUnreachable,
    panics,
    strings,
    unknown,
    empty,
    untraced: record.untraced,
    foreign,
    expectedUsed,
    expectedUnused,
    failures,
  };
}

function where(entry: { test: string; file?: string }): string {
  return entry.file ? `"${entry.test}" (${entry.file})` : `"${entry.test}"`;
}

function section(title: string, lines: string[]): string[] {
  return lines.length ? ["", title, ...lines.map((line) => `  ${line}`)] : [];
}

function oddLines(list: OddRevert[]): string[] {
  return list.map((e) => `${e.expectedBy ? "[expected] " : ""}${e.what} x${e.count} in ${where(e)}`);
}

/** The report as text, for a person. */
export function formatErrorCoverage(report: ErrorCoverageReport): string {
  const width = Math.max(5, ...report.rows.map((r) => r.error.signature.length)) + 2;
  const table = report.rows.map((r) => {
    const first = r.count === 0 && r.unreachableBecause !== undefined ? "(unreachable)" : (r.firstTest ?? "-");
    return `${r.error.signature.padEnd(width)}${String(r.count).padStart(6)}  ${first}`;
  });
  const raised = report.rows.filter((r) => r.count > 0).length;
  const unreachable = report.rows.filter((r) => r.unreachableBecause !== undefined).length;
  const sites = (list: OddRevert[]) => list.reduce((sum, entry) => sum + entry.count, 0);
  return [
    `Keel custom errors: ${report.rows.length} declared, ${raised} raised, ${report.missing.length} never raised, ` +
      `${unreachable} listed unreachable; ${sites(report.panics)} panics, ${sites(report.strings)} string reverts`,
    "",
    `${"error".padEnd(width)}${"raised".padStart(6)}  first test`,
    ...table,
    ...section(
      "Never raised (add a test that asserts each with revertedWithCustomError):",
      report.missing.map((e) => e.signature),
    ),
    ...section(
      "Listed unreachable (UNREACHABLE_ERRORS in scripts/errorCoverage.ts):",
      report.rows.filter((r) => r.unreachableBecause).map((r) => `${r.error.signature}: ${r.unreachableBecause}`),
    ),
    ...section(
      "Listed unreachable but raised (remove them from UNREACHABLE_ERRORS):",
      report.raisedButUnreachable.map((e) => e.signature),
    ),
    ...section("Panics (a Keel contract must never panic):", oddLines(report.panics)),
    ...section("String reverts (Keel reverts with custom errors only):", oddLines(report.strings)),
    ...section("Unknown revert data (reported, not gated):", oddLines(report.unknown)),
    ...section("Empty revert data (reported, not gated):", oddLines(report.empty)),
    ...section(
      "Expected on purpose (EXPECTED_PANICS_AND_STRINGS in scripts/errorCoverage.ts):",
      report.expectedUsed.map(({ key, reason }) => `"${key}": ${reason}`),
    ),
    ...section(
      "EXPECTED_PANICS_AND_STRINGS entries that matched nothing in this run:",
      report.expectedUnused.map((key) => `"${key}"`),
    ),
    ...section(
      "Mined reverted transactions whose revert data could not be read (reported, not gated):",
      report.untraced.map((u) => `${u.txHash} in ${where(u)}: ${u.error}`),
    ),
    ...section(
      "Other custom errors raised (mocks, tokens; not gated):",
      report.foreign.map((f) => `${f.signature} x${f.count}`),
    ),
    "",
    report.failures.length ? `error coverage FAILED: ${report.failures.join("; ")}` : "error coverage passed",
  ].join("\n");
}

function main(argv: string[]): void {
  const options = new Command("errorCoverage")
    .description("Check that the test run raised every Keel custom error, and no Panic or string revert.")
    .option(
      "--record <file>",
      "revert record written by the tests",
      path.join(REPO_ROOT, "cache", "revert-record.json"),
    )
    .option("--artifacts <dir>", "Hardhat artifacts directory", path.join(REPO_ROOT, "artifacts"))
    .parse(argv)
    .opts<{ record: string; artifacts: string }>();
  const report = analyseErrorCoverage(keelErrors(options.artifacts), readRevertRecord(options.record));
  console.log(`revert record: ${path.relative(process.cwd(), path.resolve(options.record))}`);
  console.log(formatErrorCoverage(report));
  if (report.failures.length) process.exitCode = 1;
}

if (require.main === module) {
  try {
    main(process.argv);
  } catch (error: unknown) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
