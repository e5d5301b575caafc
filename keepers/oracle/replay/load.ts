/** Reading a replay's bytes: an explicit path, or the named data file through the data lookup (and download). */
import { readFile } from "node:fs/promises";
import { ensureDataFile, type EnsureDataFileOptions } from "../../data/manifest";

/** Where a loader reads its file from. */
export interface ReplayFileOptions extends EnsureDataFileOptions {
  /** Read this file instead of looking the default data file up. */
  path?: string;
}

/**
 * The bytes of `options.path`, else of data file `defaultName` (looked up, downloaded when missing and sha256-checked
 * by {@link ensureDataFile}), with the name to cite in errors.
 * @throws DataUnavailableError / DataIntegrityError from the lookup; the fs error when `path` cannot be read.
 */
export async function readReplayFile(
  defaultName: string,
  options: ReplayFileOptions = {},
): Promise<{ bytes: Buffer; source: string }> {
  const filePath = options.path ?? (await ensureDataFile(defaultName, options));
  return { bytes: await readFile(filePath), source: filePath };
}
