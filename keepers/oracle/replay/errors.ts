/** The error of every replay reader: a recorded file that does not have the documented shape. */

/**
 * A line of a recorded data file could not be read (missing column, bad number, bad time, unexpected order).
 * Carries the file and the 1-based line so a person can open the file at the culprit.
 */
export class ReplayFormatError extends Error {
  override readonly name = "ReplayFormatError";
  constructor(
    /** The file (name or path) being read. */
    readonly source: string,
    /** 1-based line number in the (decompressed) CSV, or undefined for a whole-file problem. */
    readonly line: number | undefined,
    /** What is wrong. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}${line === undefined ? "" : `:${line}`}: ${reason}`, options);
  }
}
