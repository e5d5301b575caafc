/**
 * Binance USDⓈ-M funding rate history (columns `calc_time,funding_interval_hours,last_funding_rate`, as in
 * BTCUSDT.csv: Data Vision monthly fundingRate files concatenated) replayed in time order. No prices: the funding
 * keeper compares its rates with these.
 */
import { DATA_FILES } from "../../data/manifest";
import { CsvTable } from "./csv";
import { parseDecimalWad } from "./decimal";
import { parseSafeInteger } from "./fields";
import { readReplayFile, type ReplayFileOptions } from "./load";
import { TimelineReplay } from "./timeline";

/** One funding settlement. */
export interface FundingRateRecord {
  /** When the rate was computed (ms UTC). */
  readonly timestampMs: number;
  /** Hours the rate covers (8 in this file). */
  readonly intervalHours: number;
  /** Rate per interval as a fraction (signed wad; positive: longs pay). */
  readonly rateWad: bigint;
}

/**
 * Parses a Binance funding history CSV.
 * @throws ReplayFormatError on a missing column or a bad number.
 */
export function parseBinanceFundingHistory(text: string, source: string): TimelineReplay<FundingRateRecord> {
  const table = new CsvTable(text, source, ["calc_time", "funding_interval_hours", "last_funding_rate"]);
  const records = table.rows.map((row): FundingRateRecord => ({
    timestampMs: table.parse(row, "calc_time", parseSafeInteger),
    intervalHours: table.parse(row, "funding_interval_hours", parseSafeInteger),
    rateWad: table.parse(row, "last_funding_rate", parseDecimalWad),
  }));
  return new TimelineReplay(records, source);
}

/**
 * Loads BTCUSDT.csv (or `options.path`).
 * @throws DataUnavailableError / DataIntegrityError from the data lookup; ReplayFormatError from the parser.
 */
export async function loadBinanceFundingHistory(
  options: ReplayFileOptions = {},
): Promise<TimelineReplay<FundingRateRecord>> {
  const { bytes, source } = await readReplayFile(DATA_FILES.binanceFunding, options);
  return parseBinanceFundingHistory(bytes.toString("utf8"), source);
}
