/**
 * Applying a mutant's text edit to a source file, with the anchor rule of `Mutant.find` (exactly one occurrence).
 * Pure: no file system. Shared by the runner and by the anchor test.
 */
import type { Mutant } from "./mutants";

/** A mutant whose `find` no longer anchors it in the source (stale or ambiguous): the mutant must be fixed. */
export class MutantAnchorError extends Error {
  override readonly name = "MutantAnchorError";

  /**
   * @param mutantId The mutant's id.
   * @param file The file searched.
   * @param occurrences How many times `find` occurs there (must be 1).
   */
  constructor(
    readonly mutantId: string,
    readonly file: string,
    readonly occurrences: number,
  ) {
    super(
      `mutant ${mutantId}: its find text occurs ${occurrences} times in ${file} (must be exactly once); ` +
        `update the mutant in scripts/mutation/mutants.ts to match the current source`,
    );
  }
}

/** How many times `needle` occurs in `haystack`, overlapping occurrences included (0 for an empty needle). */
export function countOccurrences(haystack: string, needle: string): number {
  if (needle.length === 0) return 0;
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) count++;
  return count;
}

/**
 * The mutated text of `source`: its one occurrence of `mutant.find` replaced by `mutant.replace`.
 * @throws MutantAnchorError when `find` does not occur exactly once.
 */
export function applyMutant(source: string, mutant: Mutant): string {
  const occurrences = countOccurrences(source, mutant.find);
  if (occurrences !== 1) throw new MutantAnchorError(mutant.id, mutant.file, occurrences);
  const at = source.indexOf(mutant.find);
  return source.slice(0, at) + mutant.replace + source.slice(at + mutant.find.length);
}
