/**
 * Polymarket trade exports scraped from polymarketwhales.info (columns
 * `"",Timestamp,Account,Type,Outcome,Direction,Amount,Shares,Price,Var.9,Var.10`, newest first), replayed for one
 * outcome token as quotes of kind "trade": price = `Price` (USDC per share, a probability, wad), size = `Shares`.
 *
 * The timestamps' zone is not stated (the scraper printed epoch ms in its machine's local zone); they are read as
 * UTC. Rows are put back in time order (the file is newest first; rows of the same second keep their relative time
 * order). A row whose Price is not a number (one "NA" row, a 0-share trade, in us_senate_overall.csv) is skipped
 * and listed in `skippedLines`.
 */
import { DATA_FILES } from "../../data/manifest";
import { WAD } from "../../sdk/math";
import type { PriceQuote } from "../types";
import { CsvTable } from "./csv";
import { parseDecimalWad } from "./decimal";
import { ReplayFormatError } from "./errors";
import { parseUtcDateTime } from "./fields";
import { readReplayFile, type ReplayFileOptions } from "./load";
import { QuoteReplay } from "./timeline";

const POLYMARKET_COLUMNS = ["Timestamp", "Outcome", "Shares", "Price"] as const;

/** Trades of one outcome token; `rowCount` and `skippedLines` account for every row of the file. */
export class PolymarketTradeReplay extends QuoteReplay {
  constructor(
    readonly outcome: string,
    quotes: readonly PriceQuote[],
    /** Data rows in the file, every outcome included. */
    readonly rowCount: number,
    /** 1-based lines of this outcome's rows skipped for a non-numeric price. */
    readonly skippedLines: readonly number[],
    source: string,
  ) {
    super("polymarket", quotes, source);
  }
}

/** Options of {@link parsePolymarketTrades}. */
export interface PolymarketTradeOptions {
  /** The outcome token to replay, as in the Outcome column ("Republican", "Democratic", "Yes", …). */
  outcome: string;
  /** The quotes' instrument; default `<file stem>:<outcome>` (e.g. "us_senate_overall:Republican"). */
  instrument?: string;
}

/**
 * Parses a Polymarket trades CSV for one outcome.
 * @throws ReplayFormatError on a missing column, a bad time or size, a price outside [0, 1], or when no row has the
 *   outcome (the message lists the outcomes present).
 */
export function parsePolymarketTrades(
  text: string,
  source: string,
  options: PolymarketTradeOptions,
): PolymarketTradeReplay {
  const table = new CsvTable(text, source, POLYMARKET_COLUMNS);
  const stem = source.replace(/^.*[/\\]/, "").replace(/\.csv$/i, "");
  const instrument = options.instrument ?? `${stem}:${options.outcome}`;
  const outcomes = new Set<string>();
  const quotes: PriceQuote[] = [];
  const skippedLines: number[] = [];
  // Newest first in the file: walk it backwards so that equal timestamps keep their time order.
  for (const row of [...table.rows].reverse()) {
    const outcome = table.field(row, "Outcome");
    outcomes.add(outcome);
    if (outcome !== options.outcome) continue;
    const priceText = table.field(row, "Price");
    if (!/\d/.test(priceText)) {
      skippedLines.push(row.line);
      continue;
    }
    const priceWad = table.parse(row, "Price", parseDecimalWad);
    if (priceWad < 0n || priceWad > WAD) {
      throw new ReplayFormatError(source, row.line, `price ${priceText} is outside [0, 1]`);
    }
    quotes.push({
      venue: "polymarket",
      instrument,
      kind: "trade",
      priceWad,
      sizeWad: table.parse(row, "Shares", parseDecimalWad),
      timestampMs: table.parse(row, "Timestamp", parseUtcDateTime),
    });
  }
  if (quotes.length === 0) {
    throw new ReplayFormatError(
      source,
      undefined,
      `no trades of outcome "${options.outcome}"; outcomes present: ${[...outcomes].join(", ") || "none"}`,
    );
  }
  return new PolymarketTradeReplay(options.outcome, quotes, table.rows.length, skippedLines.reverse(), source);
}

/**
 * Loads the 2022 US Senate control market (us_senate_overall.csv, or `options.path`) for one outcome.
 * @throws DataUnavailableError / DataIntegrityError from the data lookup; ReplayFormatError from the parser.
 */
export async function loadPolymarketTrades(
  options: ReplayFileOptions & PolymarketTradeOptions,
): Promise<PolymarketTradeReplay> {
  const { bytes, source } = await readReplayFile(DATA_FILES.polymarketSenate, options);
  return parsePolymarketTrades(bytes.toString("utf8"), source, options);
}
