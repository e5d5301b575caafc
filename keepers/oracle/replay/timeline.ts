/** A cursor over time-stamped records, and the PriceQuote replay built on it. */
import type { PriceQuote, ReplaySource } from "../types";
import { ReplayFormatError } from "./errors";

/**
 * Records replayed in time order: {@link advanceTo} hands out each record once, when the replay clock reaches its
 * timestamp. Records are sorted by `timestampMs` on construction (stable: equal times keep their given order).
 */
export class TimelineReplay<T extends { readonly timestampMs: number }> {
  /** Every record, in time order. */
  readonly records: readonly T[];
  /** First and last timestamps (ms). */
  readonly startMs: number;
  readonly endMs: number;
  private cursor = 0;

  /**
   * @param source The file the records come from (for the error message).
   * @throws ReplayFormatError when there are no records (a replay needs a start and an end).
   */
  constructor(records: readonly T[], source: string) {
    if (records.length === 0) throw new ReplayFormatError(source, undefined, "no records to replay");
    this.records = [...records].sort((a, b) => a.timestampMs - b.timestampMs);
    this.startMs = this.records[0].timestampMs;
    this.endMs = this.records[this.records.length - 1].timestampMs;
  }

  /**
   * Every record with `timestampMs ≤ timestampMs` not returned before, in time order (empty when the clock did not
   * pass a new record, including when it moves backwards).
   */
  advanceTo(timestampMs: number): T[] {
    const start = this.cursor;
    while (this.cursor < this.records.length && this.records[this.cursor].timestampMs <= timestampMs) this.cursor++;
    return this.records.slice(start, this.cursor);
  }

  /** The last record returned by {@link advanceTo}, if any. */
  get latest(): T | undefined {
    return this.cursor === 0 ? undefined : this.records[this.cursor - 1];
  }

  /** True once every record was returned. */
  get done(): boolean {
    return this.cursor === this.records.length;
  }

  /** Rewinds to the start. */
  reset(): void {
    this.cursor = 0;
  }
}

/** A recorded venue replayed as {@link PriceQuote}s: the {@link ReplaySource} of DESIGN §10. */
export class QuoteReplay extends TimelineReplay<PriceQuote> implements ReplaySource {
  /**
   * @param venue The venue every quote comes from.
   * @throws ReplayFormatError when there are no quotes or one is from another venue.
   */
  constructor(
    readonly venue: string,
    quotes: readonly PriceQuote[],
    source: string,
  ) {
    super(quotes, source);
    const foreign = quotes.find((q) => q.venue !== venue);
    if (foreign) throw new ReplayFormatError(source, undefined, `quote from venue ${foreign.venue}, expected ${venue}`);
  }
}
