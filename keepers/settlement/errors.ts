/**
 * Typed errors of the settlement keeper. Each message says what was found and what an operator can do about it;
 * `cause` keeps the underlying error where there is one.
 */

/**
 * The journal and the chain disagree about a batch (its `Filled` events are not the journal's fills, or a batch the
 * chain says landed left no event). The pipeline never guesses which side is right: it stops, and an operator must
 * compare `expected` (journal) with `actual` (chain) before restarting.
 */
export class JournalMismatchError extends Error {
  constructor(
    readonly batchId: bigint,
    readonly details: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      `Journal and chain disagree about batch ${batchId}: ${details.join("; ")}. Settlement stopped: inspect the ` +
        `batch's fills in the journal and its Filled events on chain before restarting.`,
      options,
    );
    this.name = "JournalMismatchError";
  }
}

/** A journal write that would break its own rules (unknown order, fill in the wrong state, batch reused, …). */
export class JournalStateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "JournalStateError";
  }
}

/** The journal file was written by a newer Keel (its schema version is above every migration this build knows). */
export class JournalVersionError extends Error {
  constructor(
    readonly path: string,
    readonly fileVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `Journal ${path} has schema version ${fileVersion}, newer than this build's ${knownVersion}: run the Keel ` +
        `version that wrote it, or a newer one.`,
    );
    this.name = "JournalVersionError";
  }
}

/**
 * `settleBatch` cannot succeed for a reason that is not any fill's fault (paused protocol, missing MATCHER_ROLE,
 * stale oracle, a malformed batch): nothing is dropped; the pipeline retries later and an operator should look.
 */
export class SettlementBlockedError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SettlementBlockedError";
  }
}

/** The pipeline keeps failing to land batches without making progress (see the message for the last failure). */
export class SettlementStalledError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SettlementStalledError";
  }
}

/** A `KEEL_FAILPOINT` value that is not `<point>:<n>` with a known point and n ≥ 1. */
export class FailpointSpecError extends Error {
  constructor(
    readonly spec: string,
    reason: string,
  ) {
    super(`Invalid KEEL_FAILPOINT "${spec}": ${reason} (expected "<point>:<n>", e.g. "after-send:2")`);
    this.name = "FailpointSpecError";
  }
}
