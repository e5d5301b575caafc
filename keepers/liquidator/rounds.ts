/**
 * The loop the waterfall keepers share: run a round after every block the indexer processes (or every `intervalMs` on
 * an idle chain), log a failed round and go on, stop when the signal aborts.
 */
import type { Logger } from "pino";
import { pause } from "../core/chainSupport";
import type { ChainIndexer } from "../indexer/indexer";

/** Options of {@link runRounds}. */
export interface RoundsOptions {
  indexer: Pick<ChainIndexer, "once" | "off">;
  /** Longest wait for a new block before the next round anyway (ms). */
  intervalMs: number;
  signal: AbortSignal;
  logger: Logger;
  /** What the keeper does each round; a throw is logged and the loop goes on. */
  round: () => Promise<unknown>;
  /** Called after each round with its error, or undefined when it succeeded. */
  onRound?: (error: Error | undefined) => void;
}

/** Runs `round` until `signal` aborts; see the module comment. Resolves once the last round has finished. */
export async function runRounds(o: RoundsOptions): Promise<void> {
  while (!o.signal.aborted) {
    try {
      await o.round();
      o.onRound?.(undefined);
    } catch (error) {
      o.onRound?.(error as Error);
      o.logger.error({ err: error }, "keeper round failed; retrying next round");
    }
    await nextBlockOr(o.indexer, o.intervalMs, o.signal);
  }
}

/** Resolves at the indexer's next processed block, after `ms`, or when `signal` aborts — whichever comes first. */
async function nextBlockOr(indexer: RoundsOptions["indexer"], ms: number, signal: AbortSignal): Promise<void> {
  let onBlock: (() => void) | undefined;
  const nextBlock = new Promise<void>((resolve) => {
    onBlock = () => resolve();
    indexer.once("block", onBlock);
  });
  await Promise.race([nextBlock, pause(ms, signal)]);
  if (onBlock) indexer.off("block", onBlock);
}
