/**
 * The mutation run's work copy of the repository: one temporary directory holding a copy of everything Hardhat needs
 * (sources, tests, deploy steps, and the compiled artifacts and cache so only what a mutant changes recompiles), with
 * `node_modules` and `../shared` linked to the originals. The original repository is never written.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyMutant } from "./apply";
import type { Mutant } from "./mutants";

/** Repository entries copied into the work copy (missing ones are skipped). */
export const COPIED_ENTRIES: readonly string[] = [
  "contracts",
  "deploy",
  "test",
  "keepers",
  "scripts",
  "bench",
  "bin",
  "artifacts",
  "cache",
  "hardhat.config.ts",
  "tsconfig.json",
  "package.json",
  ".solhint.json",
];

/** Hardhat's compile cache, keyed by absolute source path (rewritten to the copy so unchanged files stay cached). */
const SOLIDITY_CACHE = path.join("cache", "solidity-files-cache.json");

/** A work copy of the repository and the mutation applied to it, if any. */
export class Workspace {
  /** Pristine text of each file a mutant touched, by repository-relative path. */
  private readonly pristine = new Map<string, string>();

  private constructor(
    /** The temporary directory holding the copy (removed by {@link dispose}). */
    readonly root: string,
    /** The repository copy, `<root>/<name of the original>`, so that `<repo>/../shared` resolves as in the original. */
    readonly repo: string,
  ) {}

  /**
   * Copies `repoRoot` into a fresh temporary directory.
   * @param repoRoot The original repository (read only).
   * @throws Error when `repoRoot` has no `node_modules` (install dependencies first).
   */
  static create(repoRoot: string): Workspace {
    const nodeModules = path.join(repoRoot, "node_modules");
    if (!fs.existsSync(nodeModules)) {
      throw new Error(`${nodeModules} does not exist: run npm ci in ${repoRoot} before a mutation run`);
    }
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "keel-mutation-"));
    const repo = path.join(root, path.basename(repoRoot));
    fs.mkdirSync(repo);
    for (const entry of COPIED_ENTRIES) {
      const from = path.join(repoRoot, entry);
      if (!fs.existsSync(from)) continue;
      fs.cpSync(from, path.join(repo, entry), {
        recursive: true,
        filter: (source) => path.basename(source) !== "node_modules",
      });
    }
    fs.symlinkSync(nodeModules, path.join(repo, "node_modules"), "dir");
    const shared = path.resolve(repoRoot, "..", "shared");
    if (fs.existsSync(shared)) fs.symlinkSync(shared, path.join(root, "shared"), "dir");
    rebaseSolidityCache(path.join(repo, SOLIDITY_CACHE), repoRoot, repo);
    return new Workspace(root, repo);
  }

  /**
   * Restores any earlier mutation, then writes `mutant` into its file in the copy.
   * @throws MutantAnchorError when the mutant's `find` does not occur exactly once in the pristine file.
   */
  apply(mutant: Mutant): void {
    this.restore();
    const file = path.join(this.repo, mutant.file);
    const source = this.pristine.get(mutant.file) ?? fs.readFileSync(file, "utf8");
    this.pristine.set(mutant.file, source);
    fs.writeFileSync(file, applyMutant(source, mutant));
  }

  /** Writes back the pristine text of every file a mutant touched. */
  restore(): void {
    for (const [relative, source] of this.pristine) {
      const file = path.join(this.repo, relative);
      if (fs.readFileSync(file, "utf8") !== source) fs.writeFileSync(file, source);
    }
  }

  /** Removes the temporary directory (the links only, never their targets). */
  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Rewrites the absolute source paths of Hardhat's compile cache from `fromRoot` to `toRoot` (no-op without a cache). */
function rebaseSolidityCache(cacheFile: string, fromRoot: string, toRoot: string): void {
  if (!fs.existsSync(cacheFile)) return;
  const cache = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as { files?: Record<string, unknown> };
  if (cache.files === undefined) return;
  const prefix = fromRoot + path.sep;
  const files: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(cache.files)) {
    files[key.startsWith(prefix) ? path.join(toRoot, key.slice(prefix.length)) : key] = value;
  }
  fs.writeFileSync(cacheFile, JSON.stringify({ ...cache, files }, null, 2));
}
