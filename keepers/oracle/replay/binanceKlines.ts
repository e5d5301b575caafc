/**
 * Binance Data Vision kline zips (`<SYMBOL>-1m-<date>.zip`, one CSV inside) replayed as quotes.
 *
 * The 2025-10-10 BTCUSD_PERP file is a mark-price kline (volume 0, count 60, 8-decimal prices; inferred, see the data
 * README), so each kline becomes one quote of kind "mark" carrying its close price, stamped at the kline's
 * `close_time` (open_time + 59,999 ms): the moment the close is known, never earlier.
 */
import { unzipSync } from "fflate";
import { DATA_FILES } from "../../data/manifest";
import type { PriceQuote, QuoteKind } from "../types";
import { CsvTable } from "./csv";
import { parseDecimalWad } from "./decimal";
import { ReplayFormatError } from "./errors";
import { parseSafeInteger } from "./fields";
import { readReplayFile, type ReplayFileOptions } from "./load";
import { QuoteReplay } from "./timeline";

/** Binance's kline CSV columns. */
const KLINE_COLUMNS = [
  "open_time",
  "open",
  "high",
  "low",
  "close",
  "volume",
  "close_time",
  "quote_volume",
  "count",
  "taker_buy_volume",
  "taker_buy_quote_volume",
  "ignore",
] as const;

/** One kline (prices wad USD; times ms UTC). */
export interface Kline {
  readonly openTimeMs: number;
  readonly closeTimeMs: number;
  readonly openWad: bigint;
  readonly highWad: bigint;
  readonly lowWad: bigint;
  readonly closeWad: bigint;
  /** Base volume (0 in a mark-price kline). */
  readonly volumeWad: bigint;
  /** Number of trades (or of mark samples) in the kline. */
  readonly count: number;
}

/** Klines replayed as one close-price quote per kline at `close_time`; the klines themselves stay readable. */
export class BinanceKlineReplay extends QuoteReplay {
  constructor(
    readonly instrument: string,
    readonly klines: readonly Kline[],
    kind: QuoteKind,
    source: string,
  ) {
    super(
      "binance",
      klines.map((k): PriceQuote => ({
        venue: "binance",
        instrument,
        kind,
        priceWad: k.closeWad,
        timestampMs: k.closeTimeMs,
      })),
      source,
    );
  }
}

/**
 * Parses a Binance kline zip (exactly one `.csv` entry; header row optional, as Binance's older files have none).
 * The instrument is the entry name up to its first "-" (`BTCUSD_PERP-1m-2025-10-10.csv` → "BTCUSD_PERP").
 * @param kind What the close prices are: "mark" for a mark-price kline (default), "trade" for a trade kline.
 * @throws ReplayFormatError on a zip without exactly one CSV, a missing column, a bad number or time.
 */
export function parseBinanceKlineZip(zip: Uint8Array, source: string, kind: QuoteKind = "mark"): BinanceKlineReplay {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (error) {
    throw new ReplayFormatError(source, undefined, `not a readable zip: ${String(error)}`, { cause: error });
  }
  const csvNames = Object.keys(entries).filter((name) => name.toLowerCase().endsWith(".csv"));
  if (csvNames.length !== 1) {
    throw new ReplayFormatError(source, undefined, `expected one .csv entry, found ${csvNames.join(", ") || "none"}`);
  }
  const entryName = csvNames[0];
  const text = new TextDecoder().decode(entries[entryName]);
  const csvSource = `${source}!${entryName}`;
  const withHeader = text.startsWith("open_time") ? text : `${KLINE_COLUMNS.join(",")}\n${text}`;
  const table = new CsvTable(withHeader, csvSource, KLINE_COLUMNS);
  const klines = table.rows.map((row): Kline => ({
    openTimeMs: table.parse(row, "open_time", parseSafeInteger),
    closeTimeMs: table.parse(row, "close_time", parseSafeInteger),
    openWad: table.parse(row, "open", parseDecimalWad),
    highWad: table.parse(row, "high", parseDecimalWad),
    lowWad: table.parse(row, "low", parseDecimalWad),
    closeWad: table.parse(row, "close", parseDecimalWad),
    volumeWad: table.parse(row, "volume", parseDecimalWad),
    count: table.parse(row, "count", parseSafeInteger),
  }));
  const instrument = entryName.replace(/^.*\//, "").split("-")[0];
  return new BinanceKlineReplay(instrument, klines, kind, csvSource);
}

/**
 * Loads the 2025-10-10 BTCUSD_PERP mark kline (or `options.path`) as a replay of "mark" quotes.
 * @throws DataUnavailableError / DataIntegrityError from the data lookup; ReplayFormatError from the parser.
 */
export async function loadBinanceMarkKlines(options: ReplayFileOptions = {}): Promise<BinanceKlineReplay> {
  const { bytes, source } = await readReplayFile(DATA_FILES.binanceMarkKlines, options);
  return parseBinanceKlineZip(bytes, source, "mark");
}
