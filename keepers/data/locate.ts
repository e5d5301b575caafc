/**
 * Where the recorded market data files live on this machine. Lookup order, first hit wins:
 *   1. `$KEEL_DATA_DIR` (an operator's own folder),
 *   2. `../shared/data` next to the repository root (the checked-out data set; never copied into the repo),
 *   3. the download cache: `$KEEL_DATA_CACHE`, else `~/.cache/keel/data` (filled by {@link ensureDataFile}).
 */
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { DataUnavailableError } from "./errors";

/** Overrides for the lookup (tests; tools run from elsewhere). */
export interface DataLookupOptions {
  /** Environment to read `KEEL_DATA_DIR` and `KEEL_DATA_CACHE` from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The repository root; default: the nearest folder above this file holding a package.json. */
  repoRoot?: string;
}

/** The repository root: the nearest ancestor of this file's folder that holds a package.json. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${from}: cannot find the repository root`);
    dir = parent;
  }
}

/** The download cache folder: `$KEEL_DATA_CACHE`, else `~/.cache/keel/data` (absolute). */
export function dataCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.KEEL_DATA_CACHE?.trim();
  return path.resolve(configured ? configured : path.join(homedir(), ".cache", "keel", "data"));
}

/** The folders searched, in order (absolute; `$KEEL_DATA_DIR` only when set). */
export function dataSearchDirs(options: DataLookupOptions = {}): string[] {
  const env = options.env ?? process.env;
  const dirs: string[] = [];
  const configured = env.KEEL_DATA_DIR?.trim();
  if (configured) dirs.push(path.resolve(configured));
  dirs.push(path.resolve(options.repoRoot ?? findRepoRoot(), "..", "shared", "data"));
  dirs.push(dataCacheDir(env));
  return dirs;
}

/**
 * Checks that `name` is a plain file name (no folder part, not "." or ".."), so a lookup can never leave the
 * data folders.
 * @throws RangeError otherwise.
 */
export function assertDataFileName(name: string): void {
  if (name === "" || name === "." || name === ".." || name !== path.basename(name) || name.includes("\\")) {
    throw new RangeError(`Data file name must be a plain file name, got "${name}"`);
  }
}

/** The absolute path of `name` in the first search folder that has it as a regular file, else undefined. */
export function findDataFile(name: string, options: DataLookupOptions = {}): string | undefined {
  assertDataFileName(name);
  for (const dir of dataSearchDirs(options)) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * The absolute path of data file `name` (see the module doc for the lookup order). Does not download: use
 * {@link ensureDataFile} for that.
 * @throws DataUnavailableError naming every path checked when no folder has the file.
 * @throws RangeError when `name` is not a plain file name.
 */
export function locateDataFile(name: string, options: DataLookupOptions = {}): string {
  const found = findDataFile(name, options);
  if (found) return found;
  const searched = dataSearchDirs(options).map((dir) => path.join(dir, name));
  throw new DataUnavailableError(name, searched, "it is in none of them (ensureDataFile can download it)");
}
