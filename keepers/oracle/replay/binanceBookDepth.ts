/**
 * Binance Data Vision `bookDepth` CSVs (columns `timestamp,percentage,depth,notional[,weighted_avg_price]`, one row
 * per band, about one snapshot every 30–60 s) replayed as order-book depth snapshots, for market makers and impact
 * estimates. Not a price source: it has no best bid or ask.
 *
 * `percentage` −1…−5 are bid bands and 1…5 ask bands, measured from the mid; `depth` (base units) and `notional`
 * (quote units, USDT) are cumulative from the mid out to that band. Timestamps "YYYY-MM-DD HH:MM:SS" are UTC; blanks
 * around them are ignored (line 25883 of the 2025-10-10 file starts with a space).
 */
import { DATA_FILES } from "../../data/manifest";
import { CsvTable, type CsvRow } from "./csv";
import { parseDecimalWad } from "./decimal";
import { ReplayFormatError } from "./errors";
import { parseUtcDateTime } from "./fields";
import { readReplayFile, type ReplayFileOptions } from "./load";
import { TimelineReplay } from "./timeline";

/** Cumulative depth from the mid out to `percent` % away from it, on one side. */
export interface DepthBand {
  /** Distance from the mid in percent, positive on both sides (1 = 1%). */
  readonly percent: number;
  /** Cumulative base size within the band (wad). */
  readonly depthWad: bigint;
  /** Cumulative quote notional within the band (wad USDT). */
  readonly notionalWad: bigint;
  /** Size-weighted average price within the band (wad), when the file has the column. */
  readonly weightedAvgPriceWad?: bigint;
}

/** One depth snapshot: bands by distance from the mid, nearest first. */
export interface BookDepthSnapshot {
  readonly timestampMs: number;
  readonly bids: readonly DepthBand[];
  readonly asks: readonly DepthBand[];
}

/** Book side of a band. */
export type DepthSide = "bid" | "ask";

/**
 * The band of `side` exactly `percent` % from the mid in `snapshot`, or undefined when the snapshot has no such band.
 */
export function depthBand(snapshot: BookDepthSnapshot, side: DepthSide, percent: number): DepthBand | undefined {
  return (side === "bid" ? snapshot.bids : snapshot.asks).find((band) => band.percent === percent);
}

/** Depth snapshots replayed in time order. */
export class BookDepthReplay extends TimelineReplay<BookDepthSnapshot> {
  constructor(
    readonly venue: string,
    readonly instrument: string,
    snapshots: readonly BookDepthSnapshot[],
    source: string,
  ) {
    super(snapshots, source);
  }

  /** {@link depthBand} of the latest snapshot returned by `advanceTo`, or undefined before the first. */
  latestBand(side: DepthSide, percent: number): DepthBand | undefined {
    const latest = this.latest;
    return latest && depthBand(latest, side, percent);
  }
}

const DEPTH_COLUMNS = ["timestamp", "percentage", "depth", "notional"] as const;

function parsePercentage(text: string): number {
  const value = Number(text);
  if (!/^-?\d+(\.\d+)?$/.test(text) || value === 0) throw new RangeError(`Not a non-zero percentage: "${text}"`);
  return value;
}

/**
 * Parses a bookDepth CSV: consecutive rows with the same timestamp form one snapshot.
 * @param instrument The symbol (the file has none); default from a Data Vision file name `<SYMBOL>-bookDepth-…`.
 * @throws ReplayFormatError on a missing column, a bad number or time, or a band repeated within a snapshot.
 */
export function parseBinanceBookDepth(text: string, source: string, instrument?: string): BookDepthReplay {
  const table = new CsvTable(text, source, DEPTH_COLUMNS);
  const hasAverage = table.has("weighted_avg_price");
  const snapshots: BookDepthSnapshot[] = [];
  let group: CsvRow[] = [];
  const flush = (): void => {
    if (group.length > 0) snapshots.push(snapshotOf(table, group, hasAverage));
    group = [];
  };
  for (const row of table.rows) {
    const time = (r: CsvRow): string => table.field(r, "timestamp").trim();
    if (group.length > 0 && time(row) !== time(group[0])) flush();
    group.push(row);
  }
  flush();
  const symbol = instrument ?? /([A-Z0-9]+)-bookDepth-/.exec(source)?.[1] ?? "unknown";
  return new BookDepthReplay("binance", symbol, snapshots, source);
}

function snapshotOf(table: CsvTable, rows: CsvRow[], hasAverage: boolean): BookDepthSnapshot {
  const bids: DepthBand[] = [];
  const asks: DepthBand[] = [];
  for (const row of rows) {
    const percentage = table.parse(row, "percentage", parsePercentage);
    const band: DepthBand = {
      percent: Math.abs(percentage),
      depthWad: table.parse(row, "depth", parseDecimalWad),
      notionalWad: table.parse(row, "notional", parseDecimalWad),
      ...(hasAverage ? { weightedAvgPriceWad: table.parse(row, "weighted_avg_price", parseDecimalWad) } : {}),
    };
    const side = percentage < 0 ? bids : asks;
    if (side.some((b) => b.percent === band.percent)) {
      throw new ReplayFormatError(table.source, row.line, `band ${percentage}% appears twice in one snapshot`);
    }
    side.push(band);
  }
  const byDistance = (a: DepthBand, b: DepthBand): number => a.percent - b.percent;
  return {
    timestampMs: table.parse(rows[0], "timestamp", parseUtcDateTime),
    bids: bids.sort(byDistance),
    asks: asks.sort(byDistance),
  };
}

/**
 * Loads the BTCUSDT bookDepth of 2025-10-10 (or `options.path`).
 * @throws DataUnavailableError / DataIntegrityError from the data lookup; ReplayFormatError from the parser.
 */
export async function loadBinanceBookDepth(options: ReplayFileOptions = {}): Promise<BookDepthReplay> {
  const { bytes, source } = await readReplayFile(DATA_FILES.binanceBookDepth, options);
  return parseBinanceBookDepth(bytes.toString("utf8"), source);
}
