/** A broken invariant of DESIGN §13, by number, with what was seen. */
export class InvariantViolation extends Error {
  override readonly name = "InvariantViolation";
  constructor(
    /** The invariant's number in DESIGN §13 (1–20). */
    readonly invariant: number,
    detail: string,
  ) {
    super(`§13.${invariant} violated: ${detail}`);
  }
}

/** Throws an {@link InvariantViolation} of `invariant` unless `condition` holds. */
export function require13(invariant: number, condition: boolean, detail: () => string): void {
  if (!condition) throw new InvariantViolation(invariant, detail());
}
