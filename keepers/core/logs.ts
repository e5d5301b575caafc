/**
 * Event log queries in block ranges the node accepts: HyperEVM answers `eth_getLogs` for at most 50 blocks at a
 * time, so longer ranges are split into consecutive chunks queried in order.
 */
import type { Filter, Log, Provider } from "ethers";
import { withRetry, type RetryOptions } from "./retry";

/** The most blocks one HyperEVM `eth_getLogs` request may span (inclusive range). */
export const MAX_LOG_RANGE_BLOCKS = 50;

/** A log filter without its block range (addresses and topics only). */
export type LogFilter = Omit<Filter, "fromBlock" | "toBlock">;

/** Options of {@link getLogsChunked}. */
export interface GetLogsChunkedOptions {
  /** Blocks per request, inclusive (default and maximum sensible value on HyperEVM: 50). */
  chunkSize?: number;
  /** Called after each chunk, in block order, with its logs and range; awaited before the next request. */
  onChunk?: (logs: Log[], range: { fromBlock: number; toBlock: number }) => void | Promise<void>;
  /** Retry settings for transient RPC failures of each request. */
  retry?: Omit<RetryOptions, "signal">;
  /** Stops between (and during retries of) requests; rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Every log matching `filter` in blocks `fromBlock..toBlock` (both inclusive), in chain order, fetched with
 * consecutive `eth_getLogs` requests of at most `chunkSize` blocks each. Transient RPC failures of a request are
 * retried ({@link withRetry}); any other failure rejects with the error of that request.
 *
 * @returns [] when `fromBlock > toBlock` (nothing new to read).
 * @throws RangeError when a block number is negative or not an integer, or `chunkSize` is not a positive integer.
 * @example
 * const logs = await getLogsChunked(provider, { address: pmAddress }, lastBlock + 1, head, { signal });
 */
export async function getLogsChunked(
  provider: Pick<Provider, "getLogs">,
  filter: LogFilter,
  fromBlock: number,
  toBlock: number,
  options: GetLogsChunkedOptions = {},
): Promise<Log[]> {
  const { chunkSize = MAX_LOG_RANGE_BLOCKS, onChunk, signal } = options;
  for (const [name, value] of [
    ["fromBlock", fromBlock],
    ["toBlock", toBlock],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a block number, got ${value}`);
  }
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const all: Log[] = [];
  for (let start = fromBlock; start <= toBlock; start += chunkSize) {
    signal?.throwIfAborted();
    const end = Math.min(start + chunkSize - 1, toBlock);
    const logs = await withRetry(() => provider.getLogs({ ...filter, fromBlock: start, toBlock: end }), {
      ...options.retry,
      signal,
    });
    all.push(...logs);
    await onChunk?.(logs, { fromBlock: start, toBlock: end });
  }
  return all;
}
