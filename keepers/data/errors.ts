/** Errors of the data lookup: a file that is nowhere to be found, or a copy whose bytes are not the published ones. */

/**
 * A data file was not found in any place searched and could not be downloaded (or is not in the manifest). The
 * message lists every directory searched, in order, and the URL tried, so a person can put the file in one of them.
 */
export class DataUnavailableError extends Error {
  override readonly name = "DataUnavailableError";
  constructor(
    /** The file name asked for. */
    readonly fileName: string,
    /** Every path checked, in lookup order. */
    readonly searchedPaths: readonly string[],
    /** Why the last resort (the download) did not help. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Data file "${fileName}" is unavailable: looked in ${searchedPaths.map((p) => `"${p}"`).join(", ")}; ${reason}. ` +
        `Put the file in one of those places (or set KEEL_DATA_DIR to the folder holding it).`,
      options,
    );
  }
}

/** A data file's bytes do not hash to the sha256 recorded in the manifest (a wrong, truncated or edited copy). */
export class DataIntegrityError extends Error {
  override readonly name = "DataIntegrityError";
  constructor(
    readonly fileName: string,
    /** Where the bad bytes came from: a path or a URL. */
    readonly origin: string,
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(
      `Data file "${fileName}" from ${origin} has sha256 ${actualSha256}, expected ${expectedSha256}: ` +
        `delete it and fetch the published file again.`,
    );
  }
}
