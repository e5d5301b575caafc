/**
 * The oracle keeper's config file for the devnet: both local markets priced from the recorded data of ../shared/data
 * (found through the data lookup of `keepers/data`: `$KEEL_DATA_DIR`, `../shared/data`, then the download cache),
 * replayed as live venues.
 *
 * - **BTC-USD**: Binance BTCUSD_PERP 1-minute mark klines and Gemini BTCUSD trades of 2025-10-10 as the two index
 *   venues, in real time from 00:00 UTC (the crash comes about 21 h in). A kline arrives once a minute and Gemini
 *   sometimes pauses, hence staleness limits of 90 s and 60 s instead of the default 10 s.
 * - **SENATE22-R**: Polymarket's 2022 Senate "Republican" token, its last 14 days (from 2022-10-30 00:00 UTC) at 300×
 *   (about 67 minutes to the market's collapse to 0 at the result); trades come in bursts, so a trade stays usable
 *   for 2 minutes. After the recording's end the price is no longer pushed and goes stale on chain.
 */
import { writeFileSync } from "node:fs";
import type { z } from "zod";
import { DATA_FILES, DataIntegrityError, DataUnavailableError, ensureDataFile } from "../../keepers/data";
import type { oracleConfigSchema } from "../../keepers/oracle/command";
import { DevnetError } from "./errors";

/** The JSON the oracle keeper reads (`--config`). */
export type OracleConfigFile = z.input<typeof oracleConfigSchema>;

type Feed = OracleConfigFile["markets"][number];

/** Where the Senate replay starts: 14 days before the last trade of the recording (2022-11-13 15:33 UTC). */
export const SENATE_REPLAY_START_MS = Date.UTC(2022, 9, 30);

/** Recorded ms played per wall-clock ms in the Senate replay. */
export const SENATE_REPLAY_SPEED = 300;

/** Each market's feed without its market id, by symbol (the deploy's local markets, `deploy/params.ts`). */
export const DEVNET_FEEDS: Readonly<Record<string, Omit<Feed, "marketId">>> = Object.freeze({
  "BTC-USD": {
    sources: [{ replay: "binanceMarkKlines" }, { replay: "geminiTrades" }],
    index: { kinds: ["mark", "trade"], maxStalenessMs: { binance: 90_000, gemini: 60_000 } },
  },
  "SENATE22-R": {
    sources: [
      {
        replay: "polymarketTrades",
        outcome: "Republican",
        startMs: SENATE_REPLAY_START_MS,
        speed: SENATE_REPLAY_SPEED,
      },
    ],
    index: { maxStalenessMs: 120_000 },
  },
});

/** The data files the feeds replay. */
const REPLAYED_FILES = [DATA_FILES.binanceMarkKlines, DATA_FILES.geminiTrades, DATA_FILES.polymarketSenate];

/** The recorded data, or why it cannot be had. */
export type DataAvailability = { available: true; files: string[] } | { available: false; reason: string };

/**
 * Finds every replayed file through the data lookup (downloading a missing one into the cache and checking its
 * sha256, as `ensureDataFile` does).
 * @returns `available: false` with the lookup's message when a file is missing and cannot be downloaded, or is corrupt.
 */
export async function checkReplayData(): Promise<DataAvailability> {
  try {
    return { available: true, files: await Promise.all(REPLAYED_FILES.map((name) => ensureDataFile(name))) };
  } catch (error) {
    if (error instanceof DataUnavailableError || error instanceof DataIntegrityError) {
      return { available: false, reason: error.message };
    }
    throw error;
  }
}

/**
 * The oracle's config for the listed markets (`symbol → marketId`, as the gateway lists them), reading the matcher's
 * book through `gatewayUrl`.
 * @throws DevnetError when a market of {@link DEVNET_FEEDS} is not listed.
 */
export function oracleConfig(marketIds: ReadonlyMap<string, number>, gatewayUrl: string): OracleConfigFile {
  const markets = Object.entries(DEVNET_FEEDS).map(([symbol, feed]): Feed => {
    const marketId = marketIds.get(symbol);
    if (marketId === undefined) {
      throw new DevnetError(
        `Market ${symbol} is not listed (the gateway lists ${[...marketIds.keys()].join(", ") || "none"}): ` +
          "the local deploy parameters (deploy/params.ts) and the devnet's oracle feeds disagree",
      );
    }
    return { marketId, ...feed };
  });
  return { markets, gatewayUrl };
}

/** Writes `config` to `file` as indented JSON. */
export function writeOracleConfig(file: string, config: OracleConfigFile): void {
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}
