/**
 * A recorded source played as a live price source, so the oracle keeper (and the demo) can run a replay of
 * ../shared/data exactly as it runs the venues' REST APIs.
 */
import type { PriceQuote, PriceSource, ReplaySource } from "./types";

/** Options of {@link ReplayPriceSource}. */
export interface ReplayPriceSourceOptions {
  /** Recording time at which the replay starts (ms; default the recording's start). */
  startMs?: number;
  /** Recorded milliseconds played per wall-clock millisecond (default 1: real time). */
  speed?: number;
  /** Wall clock (ms; default `Date.now`). */
  clock?(): number;
}

/**
 * A recorded source ({@link ReplaySource}) played as a live {@link PriceSource}: the replay clock starts at `startMs`
 * when the first fetch happens and runs `speed` times the wall clock; each fetch returns the quotes recorded since the
 * previous one, re-dated into wall-clock time (`wallStart + (recorded − startMs) / speed`; quotes recorded before
 * `startMs` are dated `wallStart`), so that quote ages, the index's staleness and the pushed timestamps behave as with
 * a live venue. Past the recording's end it returns nothing.
 */
export class ReplayPriceSource implements PriceSource {
  readonly venue: string;
  private readonly startMs: number;
  private readonly speed: number;
  private readonly clock: () => number;
  private wallStartMs: number | undefined;

  /** @throws RangeError for a non-positive or non-finite speed. */
  constructor(
    private readonly replay: ReplaySource,
    options: ReplayPriceSourceOptions = {},
  ) {
    this.venue = replay.venue;
    this.startMs = options.startMs ?? replay.startMs;
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) throw new RangeError(`speed must be > 0, got ${this.speed}`);
    this.clock = options.clock ?? Date.now;
  }

  /** Quotes recorded since the previous call, re-dated to wall-clock time. */
  fetchQuotes(): Promise<PriceQuote[]> {
    const wallNowMs = this.clock();
    this.wallStartMs ??= wallNowMs;
    const wallStartMs = this.wallStartMs;
    const recordedNowMs = this.startMs + Math.floor((wallNowMs - wallStartMs) * this.speed);
    // Quotes recorded before `startMs` come out on the first fetch dated at the start: the venue's price then.
    const quotes = this.replay.advanceTo(recordedNowMs).map((q) => ({
      ...q,
      timestampMs: wallStartMs + Math.floor(Math.max(0, q.timestampMs - this.startMs) / this.speed),
    }));
    return Promise.resolve(quotes);
  }
}
