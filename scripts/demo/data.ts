/**
 * The demo's recorded data (../shared/data, found by the data lookup: `$KEEL_DATA_DIR`, then `../shared/data`, then
 * the download cache) and the windows it replays:
 * - BTC-USD: Binance BTCUSD_PERP 1-minute marks and Gemini trades (two index venues) and Binance book depth (the
 *   market makers' depth) of 2025-10-10; the full day, or with `--quick` 21:00–22:20 UTC around the 21:20 low.
 * - SENATE22-R: Polymarket's "Republican" token of the 2022 Senate market over its last days (3, or 2 with `--quick`),
 *   played faster so that it ends with the BTC window; then the market resolves at 0.
 *
 * Without the data the demo says so and runs a clearly labelled synthetic path of the same shape.
 */
import { DataUnavailableError } from "../../keepers/data/errors";
import {
  loadBinanceBookDepth,
  loadBinanceMarkKlines,
  loadPolymarketTrades,
  loadTardisTrades,
  type BookDepthSnapshot,
  type QuoteReplay,
} from "../../keepers/oracle/replay";
import { QuoteReplay as Replay } from "../../keepers/oracle/replay/timeline";
import type { PriceQuote, ReplaySource } from "../../keepers/oracle/types";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** 2025-10-10 00:00 UTC. */
const CRASH_DAY_MS = Date.UTC(2025, 9, 10);

/** The replays of one demo run. */
export interface DemoData {
  /** True when the recorded files were not found: every output says "synthetic". */
  synthetic: boolean;
  /** Where the data came from (file paths, or the synthetic path's description). */
  sources: string[];
  btc: {
    /** Index venues: Binance marks (kind "mark") and Gemini trades (kind "trade"). */
    venues: ReplaySource[];
    /** Book depth snapshots, in time order. */
    depth: readonly BookDepthSnapshot[];
    startMs: number;
    endMs: number;
  };
  senate: { venue: ReplaySource; startMs: number; endMs: number };
}

/** Loads the windows of a full or `quick` run, or the synthetic path when a file is missing. */
export async function loadDemoData(quick: boolean): Promise<DemoData> {
  const btcStart = CRASH_DAY_MS + (quick ? 21 * 60 : 0) * MINUTE_MS;
  const btcEnd = quick ? CRASH_DAY_MS + (22 * 60 + 20) * MINUTE_MS : CRASH_DAY_MS + DAY_MS;
  const senateDays = quick ? 2 : 3;
  try {
    const [marks, gemini, depth, senate] = await Promise.all([
      loadBinanceMarkKlines(),
      loadTardisTrades(),
      loadBinanceBookDepth(),
      loadPolymarketTrades({ outcome: "Republican" }),
    ]);
    return {
      synthetic: false,
      sources: [marks, gemini, depth, senate].map((r) => describe(r)),
      btc: { venues: [marks, gemini], depth: depth.records, startMs: btcStart, endMs: btcEnd },
      senate: { venue: senate, startMs: senate.endMs - senateDays * DAY_MS, endMs: senate.endMs },
    };
  } catch (error) {
    if (!(error instanceof DataUnavailableError)) throw error;
    process.stderr.write(
      `\nThe recorded market data is not available (${error.message}).\n` +
        "Running a SYNTHETIC price path instead; every output is labelled synthetic.\n\n",
    );
    return syntheticData(btcStart, btcEnd, senateDays);
  }
}

function describe(replay: { venue?: string; startMs: number; endMs: number }): string {
  const span = `${new Date(replay.startMs).toISOString()} – ${new Date(replay.endMs).toISOString()}`;
  return `${replay.venue ?? "book depth"}: ${span}`;
}

/**
 * A path shaped like the recorded day: BTC drifting from 121,700, crashing to 102,500 at 21:20 UTC and recovering to
 * 112,000; the Senate token sliding from 0.35 to 0.0002. Deterministic (no randomness).
 */
export function syntheticData(btcStart: number, btcEnd: number, senateDays: number): DemoData {
  const crashAt = CRASH_DAY_MS + (21 * 60 + 20) * MINUTE_MS;
  const btc: PriceQuote[] = [];
  for (let t = CRASH_DAY_MS; t <= CRASH_DAY_MS + DAY_MS; t += MINUTE_MS) {
    const beforeCrash = 121_700 - ((t - CRASH_DAY_MS) / (crashAt - CRASH_DAY_MS)) * 5_000;
    const price =
      t <= crashAt - 20 * MINUTE_MS
        ? beforeCrash + 300 * Math.sin(t / (37 * MINUTE_MS))
        : t <= crashAt
          ? 116_700 - ((t - (crashAt - 20 * MINUTE_MS)) / (20 * MINUTE_MS)) * 14_200
          : 102_500 + Math.min(1, (t - crashAt) / (60 * MINUTE_MS)) * 9_500;
    btc.push(quote("synthetic-binance", "mark", price, t));
  }
  const gemini = btc.map((q) => ({ ...q, venue: "synthetic-gemini", kind: "trade" as const }));
  const senateEnd = Date.UTC(2022, 10, 13, 15, 33);
  const senateStart = senateEnd - senateDays * DAY_MS;
  const senate: PriceQuote[] = [];
  for (let t = senateStart; t <= senateEnd; t += 10 * MINUTE_MS) {
    const left = (senateEnd - t) / (senateEnd - senateStart);
    senate.push(quote("synthetic-polymarket", "trade", Math.max(0.0002, 0.35 * left * left), t));
  }
  const depth: BookDepthSnapshot[] = [];
  for (let t = CRASH_DAY_MS; t <= CRASH_DAY_MS + DAY_MS; t += 5 * MINUTE_MS) {
    const bands = [1, 2, 3, 4, 5].map((percent) => ({
      percent,
      depthWad: BigInt(percent * 150) * 10n ** 18n,
      notionalWad: 0n,
    }));
    depth.push({ timestampMs: t, bids: bands, asks: bands });
  }
  return {
    synthetic: true,
    sources: [
      "synthetic path (no recorded data found): a BTC crash to 102,500 at 21:20 UTC, a Senate token decaying to 0",
    ],
    btc: {
      venues: [new Replay("synthetic-binance", btc, "synthetic"), new Replay("synthetic-gemini", gemini, "synthetic")],
      depth,
      startMs: btcStart,
      endMs: btcEnd,
    },
    senate: { venue: new Replay("synthetic-polymarket", senate, "synthetic"), startMs: senateStart, endMs: senateEnd },
  };
}

function quote(venue: string, kind: "mark" | "trade", price: number, timestampMs: number): PriceQuote {
  return { venue, instrument: venue, kind, priceWad: BigInt(Math.round(price * 1e6)) * 10n ** 12n, timestampMs };
}

/**
 * The recording times the replay steps through: every minute of the quick window; in the full day every minute from
 * 20:30 to 22:30 UTC (the crash) and every five minutes outside it, so that the day fits in the time budget.
 */
export function replaySchedule(startMs: number, endMs: number): number[] {
  const crashFrom = CRASH_DAY_MS + (20 * 60 + 30) * MINUTE_MS;
  const crashTo = CRASH_DAY_MS + (22 * 60 + 30) * MINUTE_MS;
  const times: number[] = [];
  for (let t = startMs; t < endMs; t += t >= crashFrom && t < crashTo ? MINUTE_MS : 5 * MINUTE_MS) times.push(t);
  return times;
}

/** The latest depth snapshot at or before `timestampMs` (the first one before the recording starts). */
export function depthAt(depth: readonly BookDepthSnapshot[], timestampMs: number): BookDepthSnapshot {
  let lo = 0;
  let hi = depth.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (depth[mid].timestampMs <= timestampMs) lo = mid;
    else hi = mid - 1;
  }
  return depth[lo];
}

export type { QuoteReplay };
