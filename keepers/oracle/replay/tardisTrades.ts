/**
 * Tardis.dev "trades" CSV exports (gzip; columns `exchange,symbol,timestamp,local_timestamp,id,side,price,amount`)
 * replayed as quotes of kind "trade". Timestamps are Unix MICROseconds: the exchange's `timestamp` is used (not
 * Tardis' receive time), rounded down to ms. `amount` (base units) becomes `sizeWad`.
 */
import { gunzipSync } from "node:zlib";
import { DATA_FILES } from "../../data/manifest";
import type { PriceQuote } from "../types";
import { CsvTable } from "./csv";
import { parseDecimalWad } from "./decimal";
import { ReplayFormatError } from "./errors";
import { parseMicrosToMs } from "./fields";
import { readReplayFile, type ReplayFileOptions } from "./load";
import { QuoteReplay } from "./timeline";

const TARDIS_COLUMNS = ["exchange", "symbol", "timestamp", "local_timestamp", "id", "side", "price", "amount"] as const;

/**
 * Parses a Tardis trades CSV (already decompressed). The venue is the `exchange` column (one exchange per file).
 * @throws ReplayFormatError on a missing column, a bad number or timestamp, or rows of several exchanges.
 */
export function parseTardisTrades(text: string, source: string): QuoteReplay {
  const table = new CsvTable(text, source, TARDIS_COLUMNS);
  const quotes = table.rows.map((row): PriceQuote => ({
    venue: table.field(row, "exchange"),
    instrument: table.field(row, "symbol"),
    kind: "trade",
    priceWad: table.parse(row, "price", parseDecimalWad),
    sizeWad: table.parse(row, "amount", parseDecimalWad),
    timestampMs: table.parse(row, "timestamp", parseMicrosToMs),
  }));
  if (quotes.length === 0) throw new ReplayFormatError(source, undefined, "no trades");
  return new QuoteReplay(quotes[0].venue, quotes, source);
}

/**
 * Loads the Gemini BTCUSD trades of 2025-10-10 (or the gzip CSV at `options.path`).
 * @throws DataUnavailableError / DataIntegrityError from the data lookup; ReplayFormatError when the gzip or the CSV
 *   is bad.
 */
export async function loadTardisTrades(options: ReplayFileOptions = {}): Promise<QuoteReplay> {
  const { bytes, source } = await readReplayFile(DATA_FILES.geminiTrades, options);
  let text: string;
  try {
    text = gunzipSync(bytes).toString("utf8");
  } catch (error) {
    throw new ReplayFormatError(source, undefined, `not a readable gzip: ${String(error)}`, { cause: error });
  }
  return parseTardisTrades(text, source);
}
