/**
 * getLogsChunked splits a long block range into eth_getLogs requests of at most 50 blocks (HyperEVM's limit) and
 * returns every log, in chain order, exactly as one unbounded query would.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { Filter, Log } from "ethers";
import type { MockUSDC } from "../../../keepers/sdk/typechain";
import { MAX_LOG_RANGE_BLOCKS, getLogsChunked } from "../../../keepers/core";

describe("getLogsChunked", function () {
  let usdc: MockUSDC;
  let fromBlock: number;
  let toBlock: number;

  before(async function () {
    usdc = (await ethers.deployContract("MockUSDC")) as unknown as MockUSDC;
    const [holder] = await ethers.getSigners();
    fromBlock = (await ethers.provider.getBlockNumber()) + 1;
    // 30 mints spread unevenly over ~150 blocks: some chunks hold several events, some none.
    for (let i = 0; i < 30; i++) {
      await usdc.mint(holder.address, BigInt(i + 1));
      await network.provider.send("hardhat_mine", [ethers.toQuantity((i % 7) + 1)]);
    }
    toBlock = await ethers.provider.getBlockNumber();
    expect(toBlock - fromBlock + 1).to.be.greaterThan(120);
  });

  /** ethers.provider's getLogs, recording the block range of every request. */
  function recordingProvider(ranges: [number, number][]) {
    return {
      getLogs: (filter: Filter) => {
        ranges.push([Number(filter.fromBlock), Number(filter.toBlock)]);
        return ethers.provider.getLogs(filter);
      },
    };
  }

  const key = (log: Log) => `${log.blockNumber}:${log.index}:${log.transactionHash}`;

  it("never asks for more than 50 blocks and returns every log in order", async function () {
    const ranges: [number, number][] = [];
    const filter = { address: await usdc.getAddress(), topics: [usdc.interface.getEvent("Transfer").topicHash] };
    const logs = await getLogsChunked(recordingProvider(ranges), filter, fromBlock, toBlock);

    expect(ranges.length).to.equal(Math.ceil((toBlock - fromBlock + 1) / MAX_LOG_RANGE_BLOCKS));
    for (const [start, end] of ranges) expect(end - start + 1).to.be.at.most(50);
    expect(ranges[0][0]).to.equal(fromBlock);
    expect(ranges[ranges.length - 1][1]).to.equal(toBlock);
    for (let i = 1; i < ranges.length; i++)
      expect(ranges[i][0], "no block skipped or repeated").to.equal(ranges[i - 1][1] + 1);

    const expected = await ethers.provider.getLogs({ ...filter, fromBlock, toBlock });
    expect(expected).to.have.length(30);
    expect(logs.map(key)).to.deep.equal(expected.map(key));
    const amounts = logs.map((log) => usdc.interface.parseLog(log)?.args.value as bigint);
    expect(amounts).to.deep.equal(Array.from({ length: 30 }, (_, i) => BigInt(i + 1)));
  });

  it("honours a smaller chunk size and reports each chunk in order", async function () {
    const ranges: [number, number][] = [];
    const chunks: { fromBlock: number; toBlock: number; count: number }[] = [];
    const logs = await getLogsChunked(
      recordingProvider(ranges),
      { address: await usdc.getAddress() },
      fromBlock,
      toBlock,
      {
        chunkSize: 7,
        onChunk: (chunk, range) => void chunks.push({ ...range, count: chunk.length }),
      },
    );
    for (const [start, end] of ranges) expect(end - start + 1).to.be.at.most(7);
    expect(chunks.map((c) => [c.fromBlock, c.toBlock])).to.deep.equal(ranges);
    expect(chunks.reduce((sum, c) => sum + c.count, 0)).to.equal(logs.length);
    expect(logs).to.have.length(30);
  });

  it("returns nothing for an empty range and rejects a bad chunk size", async function () {
    const provider = recordingProvider([]);
    expect(await getLogsChunked(provider, {}, toBlock + 1, toBlock)).to.deep.equal([]);
    const error = await getLogsChunked(provider, {}, 0, 10, { chunkSize: 0 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RangeError);
  });
});
