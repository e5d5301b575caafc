/**
 * Helpers of the indexer tests: a second {@link ChainIndexer} over the same deployment (optionally through a provider
 * that records every `eth_getLogs` block range), and the comparison of two indexers' states.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BlockTag, Filter, Provider } from "ethers";
import pino from "pino";
import { connectKeel } from "../../../keepers/core/deployment";
import { ChainIndexer } from "../../../keepers/indexer/indexer";
import { keelAddresses, type KeelFixture } from "../../fixtures/keel";

/** The inclusive block range of one `eth_getLogs` request. */
export type LogRange = [fromBlock: number, toBlock: number];

/** ethers.provider as far as the indexer uses it, recording the block range of every getLogs request in `ranges`. */
export function recordingProvider(ranges: LogRange[]): Provider {
  const base = ethers.provider;
  const recording: Pick<Provider, "getBlockNumber" | "getBlock" | "getLogs"> = {
    getBlockNumber: () => base.getBlockNumber(),
    getBlock: (tag: BlockTag) => base.getBlock(tag),
    getLogs: (filter: Filter) => {
      ranges.push([Number(filter.fromBlock), Number(filter.toBlock)]);
      return base.getLogs(filter);
    },
  };
  return recording as Provider;
}

/** A new indexer of the deployment `f` (from block 0, silent), reading logs through `provider`. */
export function indexerOf(f: KeelFixture, provider: Provider = ethers.provider): ChainIndexer {
  const contracts = connectKeel(keelAddresses(f), ethers.provider);
  return new ChainIndexer({ provider, contracts, fromBlock: 0, logger: pino({ level: "silent" }) });
}

/** Asserts that two indexers hold the same state: markets, accounts, batch id, pause and last processed block. */
export function expectSameState(actual: ChainIndexer, expected: ChainIndexer): void {
  expect(actual.lastProcessedBlock, "lastProcessedBlock").to.equal(expected.lastProcessedBlock);
  expect(actual.nextBatchId, "nextBatchId").to.equal(expected.nextBatchId);
  expect(actual.paused, "paused").to.equal(expected.paused);
  expect([...actual.markets.keys()].sort(), "market ids").to.deep.equal([...expected.markets.keys()].sort());
  for (const [id, market] of expected.markets) expect(actual.markets.get(id), `market ${id}`).to.deep.equal(market);
  expect([...actual.accounts.keys()].sort(), "accounts").to.deep.equal([...expected.accounts.keys()].sort());
  for (const [address, account] of expected.accounts)
    expect(actual.accounts.get(address), `account ${address}`).to.deep.equal(account);
}

/** Asserts that `ranges` cover `fromBlock..toBlock` in order, without gap or overlap, none longer than 50 blocks. */
export function expectChunked(ranges: LogRange[], fromBlock: number, toBlock: number): void {
  expect(ranges.length, "requests").to.be.greaterThan(0);
  for (const [start, end] of ranges) expect(end - start + 1, `range ${start}..${end}`).to.be.within(1, 50);
  expect(ranges[0][0], "first block").to.equal(fromBlock);
  expect(ranges[ranges.length - 1][1], "last block").to.equal(toBlock);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i][0], "contiguous").to.equal(ranges[i - 1][1] + 1);
}
