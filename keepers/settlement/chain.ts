/**
 * Reading a landed batch back from the chain: its `Filled` and `BatchSettled` events, from the batch transaction's
 * receipt when it is the one that landed, otherwise from `eth_getLogs` by batch-id topic in chunks of at most 50
 * blocks (HyperEVM's limit, DESIGN §10), and comparing them with the journal's fills of that batch.
 */
import { toBeHex, zeroPadValue, type Log, type Provider } from "ethers";
import { MAX_LOG_RANGE_BLOCKS, getLogsChunked } from "../core/logs";
import type { PositionManager } from "../sdk/typechain";
import { JournalMismatchError } from "./errors";
import type { JournalBatch, JournalFill } from "./journalTypes";

/** One `Filled` event. */
export interface ChainFill {
  makerHash: string;
  takerHash: string;
  sizeWad: bigint;
  priceWad: bigint;
}

/** A landed batch as the chain recorded it. */
export interface ChainBatch {
  batchId: bigint;
  txHash: string;
  blockNumber: number;
  /** `BatchSettled.fillCount`. */
  fillCount: number;
  /** `Filled` events in log order (= the batch's fill order). */
  fills: ChainFill[];
  /** Gas used by the transaction, when it was read from the receipt. */
  gasUsed?: bigint;
}

/** The 32-byte topic of an indexed `uint64 batchId`. */
export function batchIdTopic(batchId: bigint): string {
  return zeroPadValue(toBeHex(batchId), 32);
}

/**
 * Reads `batch` (which the chain's `nextBatchId` says landed) from the chain.
 * @throws JournalMismatchError when no `BatchSettled` of its id is found from the batch's `fromBlock` to the head.
 */
export async function readLandedBatch(
  pm: PositionManager,
  provider: Provider,
  batch: JournalBatch,
  chunkBlocks: number = MAX_LOG_RANGE_BLOCKS,
): Promise<ChainBatch> {
  const address = await pm.getAddress();
  const receipt = await provider.getTransactionReceipt(batch.tx.hash);
  if (receipt?.status === 1) {
    const fromReceipt = parseBatchLogs(pm, address, batch.batchId, receipt.logs);
    if (fromReceipt) return { ...fromReceipt, gasUsed: receipt.gasUsed };
  }
  const head = await provider.getBlockNumber();
  const topics = [[pm.interface.getEvent("Filled").topicHash, pm.interface.getEvent("BatchSettled").topicHash]];
  const logs = await getLogsChunked(
    provider,
    { address, topics: [...topics, batchIdTopic(batch.batchId)] },
    batch.fromBlock,
    head,
    { chunkSize: chunkBlocks },
  );
  const found = parseBatchLogs(pm, address, batch.batchId, logs);
  if (found) return found;
  throw new JournalMismatchError(batch.batchId, [
    `nextBatchId is past it, but no BatchSettled(${batch.batchId}) was found from block ${batch.fromBlock} to ${head}`,
  ]);
}

/** The batch `batchId` in `logs` (from one receipt or one log query), or undefined without its `BatchSettled`. */
function parseBatchLogs(
  pm: PositionManager,
  address: string,
  batchId: bigint,
  logs: readonly Log[],
): ChainBatch | undefined {
  const topic = batchIdTopic(batchId);
  const ours = logs.filter((log) => log.address.toLowerCase() === address.toLowerCase() && log.topics[1] === topic);
  const settled = ours.find((log) => log.topics[0] === pm.interface.getEvent("BatchSettled").topicHash);
  if (!settled) return undefined;
  const fills = ours
    .filter((log) => log.transactionHash === settled.transactionHash && log.index < settled.index)
    .filter((log) => log.topics[0] === pm.interface.getEvent("Filled").topicHash)
    .sort((a, b) => a.index - b.index)
    .map((log): ChainFill => {
      const { args } = pm.interface.parseLog(log)!;
      return {
        makerHash: String(args.makerOrderHash).toLowerCase(),
        takerHash: String(args.takerOrderHash).toLowerCase(),
        sizeWad: args.sizeWad as bigint,
        priceWad: args.priceWad as bigint,
      };
    });
  const { args } = pm.interface.parseLog(settled)!;
  return {
    batchId,
    txHash: settled.transactionHash,
    blockNumber: settled.blockNumber,
    fillCount: Number(args.fillCount),
    fills,
  };
}

/** Differences between the journal's fills of a batch (id order) and the chain's record of it; empty when equal. */
export function compareBatch(journalFills: readonly JournalFill[], chain: ChainBatch): string[] {
  const differences: string[] = [];
  if (chain.fillCount !== chain.fills.length) {
    differences.push(`BatchSettled counts ${chain.fillCount} fills but ${chain.fills.length} Filled events were read`);
  }
  if (journalFills.length !== chain.fills.length) {
    differences.push(`journal has ${journalFills.length} fills, chain has ${chain.fills.length}`);
  }
  const n = Math.min(journalFills.length, chain.fills.length);
  for (let i = 0; i < n; i++) {
    const j = journalFills[i];
    const c = chain.fills[i];
    if (
      j.makerHash !== c.makerHash ||
      j.takerHash !== c.takerHash ||
      j.sizeWad !== c.sizeWad ||
      j.priceWad !== c.priceWad
    ) {
      differences.push(
        `fill #${i} (journal id ${j.id}): journal ${describe(j)} vs chain ${describe(c)} in tx ${chain.txHash}`,
      );
    }
  }
  return differences;
}

function describe(fill: ChainFill): string {
  return `maker ${fill.makerHash} taker ${fill.takerHash} size ${fill.sizeWad} price ${fill.priceWad}`;
}
