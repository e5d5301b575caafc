/**
 * Test selection of a mutation run: a mutant's `suites` (files or folders) expanded to the test files Hardhat takes.
 */
import fs from "node:fs";
import path from "node:path";
import type { Mutant } from "./mutants";

/** The whole contract suite, what `--all-suites` runs for every mutant (plus the mutant's own suites). */
export const ALL_CONTRACT_SUITES = "test/contracts";

/**
 * The `*.test.ts` files of `entries` (repository-relative files or folders, folders searched recursively), relative
 * to `repoRoot`, de-duplicated, in the order given (a folder's files sorted).
 * @throws Error naming an entry that does not exist.
 */
export function testFiles(repoRoot: string, entries: readonly string[]): string[] {
  const files = new Set<string>();
  for (const entry of entries) {
    const absolute = path.join(repoRoot, entry);
    if (!fs.existsSync(absolute)) throw new Error(`test suite ${entry} does not exist under ${repoRoot}`);
    if (fs.statSync(absolute).isDirectory()) {
      for (const file of walkTests(absolute)) files.add(path.relative(repoRoot, file));
    } else {
      files.add(entry);
    }
  }
  return [...files];
}

/** The suites a mutant runs: its own, or with `allSuites` the whole contract suite and then its own. */
export function suitesOf(mutant: Mutant, allSuites: boolean): string[] {
  return allSuites ? [ALL_CONTRACT_SUITES, ...mutant.suites] : [...mutant.suites];
}

function walkTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walkTests(full));
    else if (entry.name.endsWith(".test.ts")) found.push(full);
  }
  return found;
}
