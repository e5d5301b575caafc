/**
 * The recorded market data files of ../shared/data (see its README): where each was published and the sha256 of its
 * bytes, so a missing file can be downloaded and any copy checked. The files themselves never enter this repository.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { DataIntegrityError, DataUnavailableError } from "./errors";
import { dataCacheDir, dataSearchDirs, findDataFile, type DataLookupOptions } from "./locate";

/** One published data file. */
export interface DataFileEntry {
  /** File name, as in ../shared/data. */
  readonly name: string;
  /** Size in bytes. */
  readonly bytes: number;
  /** Lower-case hex sha256 of the file's bytes. */
  readonly sha256: string;
  /** GitHub repository (owner/name), commit and path it was published at. */
  readonly repo: string;
  readonly commit: string;
  readonly path: string;
  /** The raw download URL built from repo, commit and path. */
  readonly url: string;
}

const THE_GLORY = { repo: "aaronwu2017/TheGlory", commit: "929fd9c335b1f53d31d5149d46b747f0440e271c" };
const FUNDING_DATA = { repo: "pierre-cheneau/funding-data", commit: "0f94e6121b0d445121a0e91f656d3960a0b6a28c" };
const HEHMEYER = { repo: "nearridge/Hehmeyer", commit: "7744d79f7919250bf057d911f452f9cf3b1ee782" };
const MIDTERMS = { repo: "tanaerao/polymarket-midterms", commit: "7adf1aa694d988e892edd0f03fc23b046a38599a" };

function entry(
  name: string,
  bytes: number,
  sha256: string,
  source: { repo: string; commit: string },
  path: string,
): DataFileEntry {
  const url = `https://raw.githubusercontent.com/${source.repo}/${source.commit}/${path}`;
  return { name, bytes, sha256, repo: source.repo, commit: source.commit, path, url };
}

/** Every data file, by name (the table of ../shared/data/README.md). */
export const DATA_MANIFEST: Readonly<Record<string, DataFileEntry>> = Object.fromEntries(
  [
    entry(
      "BTCUSD_PERP-1m-2025-10-10.zip",
      39206,
      "569342ae60b1d337922c68bc70456ab1002630934f501b44a393db21c88c79bb",
      THE_GLORY,
      "analysis/timeline/BTCUSD_PERP-1m-2025-10-10.zip",
    ),
    entry(
      "gemini_trades_2025-10-10_BTCUSD.csv.gz",
      479550,
      "4e485290d17661776235e5045417fbbe8e5b79263098603e7957714c6a3643d7",
      THE_GLORY,
      "analysis/spotandFutures/BTC/gemini/gemini_trades_2025-10-10_BTCUSD.csv.gz",
    ),
    entry(
      "BTCUSDT-bookDepth-2025-10-10.csv",
      1815369,
      "853c3bee2016d1d0d092ee8e4a7d47953d940e0f5229f9d93e11697cbc8aa53f",
      THE_GLORY,
      "analysis/timeline/BTCUSDT-bookDepth-2025-10-10.csv",
    ),
    entry(
      "BTCUSDT.csv",
      193070,
      "f1c5c78dbee2e399365d8b8fb17d09296169dd6092fea7ea226b04fef524a092",
      FUNDING_DATA,
      "clean/BTCUSDT.csv",
    ),
    entry(
      "deribit_history.csv",
      1846600,
      "5de64591bcfa1cdfdc841f415606dceec535745083744d03c59511f2261e9359",
      HEHMEYER,
      "deribit_history.csv",
    ),
    entry(
      "us_senate_overall.csv",
      629529,
      "03ff5e39ded8fba958f208d520d2b9512265e205eebc5878b47de21f798e91cd",
      MIDTERMS,
      "polymarket_midterms_data/us_senate_overall.csv",
    ),
  ].map((e) => [e.name, e]),
);

/** The names of the data files (constants for the replay readers' defaults). */
export const DATA_FILES = {
  binanceMarkKlines: "BTCUSD_PERP-1m-2025-10-10.zip",
  geminiTrades: "gemini_trades_2025-10-10_BTCUSD.csv.gz",
  binanceBookDepth: "BTCUSDT-bookDepth-2025-10-10.csv",
  binanceFunding: "BTCUSDT.csv",
  deribitHistory: "deribit_history.csv",
  polymarketSenate: "us_senate_overall.csv",
} as const;

/** Options of {@link ensureDataFile}. */
export interface EnsureDataFileOptions extends DataLookupOptions {
  /** The fetch implementation (tests inject one); default the global fetch. */
  fetch?: typeof fetch;
  /** Cancels the download. */
  signal?: AbortSignal;
  /** Download timeout; default 60 s. */
  timeoutMs?: number;
}

/** Paths whose bytes were already checked against the manifest in this process. */
const verifiedPaths = new Set<string>();

/** Lower-case hex sha256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The absolute path of data file `name`, downloading it into the cache when no search folder has it, and checking
 * its sha256 against the manifest (once per path per process).
 * @throws DataUnavailableError when the file is missing and not in the manifest, or the download fails (the message
 *   lists every path checked and the URL).
 * @throws DataIntegrityError when a local copy or the downloaded bytes do not match the manifest's sha256 (a bad
 *   download is not written to the cache).
 */
export async function ensureDataFile(name: string, options: EnsureDataFileOptions = {}): Promise<string> {
  const entry = DATA_MANIFEST[name];
  const found = findDataFile(name, options);
  if (found) {
    if (entry) await verifyFile(entry, found);
    return found;
  }
  const searched = dataSearchDirs(options).map((dir) => path.join(dir, name));
  if (!entry)
    throw new DataUnavailableError(name, searched, "it is not in the data manifest, so it cannot be downloaded");
  const bytes = await download(entry, searched, options);
  const actual = sha256Hex(bytes);
  if (actual !== entry.sha256) throw new DataIntegrityError(name, entry.url, entry.sha256, actual);
  const target = path.join(dataCacheDir(options.env ?? process.env), name);
  await mkdir(path.dirname(target), { recursive: true });
  // Write then rename: a crash mid-write never leaves a truncated file under the real name.
  const partial = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  verifiedPaths.add(target);
  return target;
}

async function verifyFile(entry: DataFileEntry, filePath: string): Promise<void> {
  if (verifiedPaths.has(filePath)) return;
  const actual = sha256Hex(await readFile(filePath));
  if (actual !== entry.sha256) throw new DataIntegrityError(entry.name, filePath, entry.sha256, actual);
  verifiedPaths.add(filePath);
}

async function download(entry: DataFileEntry, searched: string[], options: EnsureDataFileOptions): Promise<Uint8Array> {
  const doFetch = options.fetch ?? fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await doFetch(entry.url, { signal });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new DataUnavailableError(entry.name, searched, `downloading ${entry.url} failed: ${why}`, { cause: error });
  }
  if (!response.ok) {
    throw new DataUnavailableError(entry.name, searched, `downloading ${entry.url} failed: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
