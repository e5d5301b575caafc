/**
 * HyperEVM answers `eth_getLogs` for at most 50 blocks: the indexer's rebuild and its polls read longer ranges in
 * consecutive requests of at most 50 blocks, with no block skipped or read twice, and miss no event on the way (a
 * deposit in the middle of a 130-block poll is in the state afterwards).
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployKeel, fund, usdc, wad } from "../../fixtures/keel";
import { traders } from "../e2e/helpers";
import { expectChunked, indexerOf, recordingProvider, type LogRange } from "./helpers";

describe("indexer: log queries span at most 50 blocks", function () {
  const mineBlocks = (n: number) => network.provider.send("hardhat_mine", [ethers.toQuantity(n)]);

  it("rebuilds and polls in chunks of at most 50 blocks and sees an event in the middle of a long poll", async function () {
    const f = await deployKeel();
    const [trader] = (await traders(1)) as HardhatEthersSigner[];
    await mineBlocks(70);
    const ranges: LogRange[] = [];
    const indexer = indexerOf(f, recordingProvider(ranges));
    await indexer.rebuild();
    expectChunked(ranges, 0, indexer.lastProcessedBlock);
    expect(indexer.lastProcessedBlock).to.be.greaterThan(100);

    const from = indexer.lastProcessedBlock + 1;
    ranges.length = 0;
    await mineBlocks(60);
    await fund(f, trader, usdc(2_500));
    await mineBlocks(65);
    const head = await indexer.poll();
    expect(head).to.equal(await ethers.provider.getBlockNumber());
    expectChunked(ranges, from, head);
    expect(ranges).to.have.length(Math.ceil((head - from + 1) / 50));
    expect(indexer.accountOf(trader.address).balanceWad).to.equal(wad("2500"));
  });
});
