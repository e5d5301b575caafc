/**
 * Deribit BTC-PERPETUAL funding history (`get_funding_rate_history` output; columns
 * `time_dt,timestamp,prev_index_price,interest_8h,interest_1h,index_price,time_dt`) replayed as the Deribit index
 * (quotes of kind "index" at each hourly `timestamp`), with the funding fields on a separate accessor.
 *
 * Times come from `timestamp` (Unix ms). `time_dt` is ignored: it reads as UK local time (UTC+1 in summer, e.g.
 * "2019-04-30 11:00:00" for 10:00 UTC), not UTC, which is why two rows read "2019-10-27 01:00:00" at the end of
 * summer time and appear out of order; the rows are sorted by `timestamp`.
 */
import { DATA_FILES } from "../../data/manifest";
import type { PriceQuote } from "../types";
import { CsvTable } from "./csv";
import { parseDecimalWad } from "./decimal";
import { parseSafeInteger } from "./fields";
import { readReplayFile, type ReplayFileOptions } from "./load";
import { QuoteReplay } from "./timeline";

/** One hourly record: the index and the funding Deribit reported for the hour ending at `timestampMs`. */
export interface DeribitFundingRecord {
  readonly timestampMs: number;
  /** BTC index at `timestampMs` (wad USD). */
  readonly indexWad: bigint;
  /** BTC index one hour earlier (wad USD); undefined on the first row. */
  readonly prevIndexWad?: bigint;
  /** Funding of the hour as a fraction (signed wad; positive: longs pay). */
  readonly interest1hWad: bigint;
  /** The 8-hour equivalent rate (signed wad). */
  readonly interest8hWad: bigint;
}

const DERIBIT_COLUMNS = ["timestamp", "prev_index_price", "interest_8h", "interest_1h", "index_price"] as const;

/** The Deribit index as quotes, plus {@link fundingAt} for the funding rates. */
export class DeribitHistoryReplay extends QuoteReplay {
  /** Every record, in time order (aligned with `records`). */
  readonly funding: readonly DeribitFundingRecord[];

  constructor(funding: readonly DeribitFundingRecord[], source: string) {
    const sorted = [...funding].sort((a, b) => a.timestampMs - b.timestampMs);
    super(
      "deribit",
      sorted.map((r): PriceQuote => ({
        venue: "deribit",
        instrument: "BTC-PERPETUAL",
        kind: "index",
        priceWad: r.indexWad,
        timestampMs: r.timestampMs,
      })),
      source,
    );
    this.funding = sorted;
  }

  /** The latest funding record at or before `timestampMs`, or undefined before the first one. */
  fundingAt(timestampMs: number): DeribitFundingRecord | undefined {
    let low = 0;
    let high = this.funding.length;
    // Invariant: funding[< low] ≤ timestampMs < funding[≥ high].
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.funding[middle].timestampMs <= timestampMs) low = middle + 1;
      else high = middle;
    }
    return low === 0 ? undefined : this.funding[low - 1];
  }

  /** The funding record of the latest quote returned by `advanceTo`, or undefined before the first. */
  get latestFunding(): DeribitFundingRecord | undefined {
    const latest = this.latest;
    return latest && this.fundingAt(latest.timestampMs);
  }
}

/**
 * Parses a Deribit funding history CSV (decimals may be in scientific notation, e.g. "-2.355264834228129e-05").
 * @throws ReplayFormatError on a missing column, a bad number or timestamp.
 */
export function parseDeribitHistory(text: string, source: string): DeribitHistoryReplay {
  const table = new CsvTable(text, source, DERIBIT_COLUMNS);
  const records = table.rows.map((row): DeribitFundingRecord => {
    const prev = table.field(row, "prev_index_price");
    return {
      timestampMs: table.parse(row, "timestamp", parseSafeInteger),
      indexWad: table.parse(row, "index_price", parseDecimalWad),
      ...(prev === "" ? {} : { prevIndexWad: table.parse(row, "prev_index_price", parseDecimalWad) }),
      interest1hWad: table.parse(row, "interest_1h", parseDecimalWad),
      interest8hWad: table.parse(row, "interest_8h", parseDecimalWad),
    };
  });
  return new DeribitHistoryReplay(records, source);
}

/**
 * Loads deribit_history.csv (or `options.path`).
 * @throws DataUnavailableError / DataIntegrityError from the data lookup; ReplayFormatError from the parser.
 */
export async function loadDeribitHistory(options: ReplayFileOptions = {}): Promise<DeribitHistoryReplay> {
  const { bytes, source } = await readReplayFile(DATA_FILES.deribitHistory, options);
  return parseDeribitHistory(bytes.toString("utf8"), source);
}
