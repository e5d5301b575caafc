/**
 * Polls never overlap: two calls made at once (the keeper's poll loop and `settle()` in a test, or a caller that wants
 * the state current) process each block once, in order, and the second covers the head as of its call.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { deployKeel, wad } from "../../fixtures/keel";
import { setPrices } from "../../contracts/trading/helpers";
import { indexerOf } from "./helpers";

describe("indexer: concurrent polls process each block once", function () {
  it("emits each oracle push once when two polls run at the same time", async function () {
    const f = await deployKeel();
    const indexer = indexerOf(f);
    await indexer.rebuild();
    const marks: bigint[] = [];
    const blocks: number[] = [];
    indexer.on("mark", (update) => marks.push(update.markWad));
    indexer.on("block", (block) => blocks.push(block));
    await setPrices(f, { 1: wad("60100") });
    await setPrices(f, { 1: wad("60200") });
    const head = await ethers.provider.getBlockNumber();

    const [first, second] = await Promise.all([indexer.poll(), indexer.poll()]);
    expect([first, second]).to.deep.equal([head, head]);
    expect(marks).to.deep.equal([wad("60100"), wad("60200")]);
    expect(blocks).to.deep.equal([head]);
    expect(indexer.markets.get(1)?.markWad).to.equal(wad("60200"));
  });
});
