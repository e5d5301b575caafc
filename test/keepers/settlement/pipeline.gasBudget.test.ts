/**
 * Batches are trimmed to the gas budget: a small budget splits the pending fills into several batches, each within
 * the budget, settling in journal order; the default budget (1.8M gas) takes them in one.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { wad } from "../../fixtures/keel";
import { DEFAULT_GAS_BUDGET } from "../../../keepers/settlement/pipeline";
import { OrderDesk, checkJournalEqualsChain, pipelineFor, usePipelineRig } from "./helpers";

const FILLS = 8;

describe("SettlementPipeline gas budget", function () {
  const rig = usePipelineRig();

  beforeEach(async function () {
    const desk = await OrderDesk.of(rig.f);
    const t = rig.traders;
    for (let i = 0; i < FILLS; i++) {
      await desk.journalPair(rig.journal, t[i % 6], t[(i + 1) % 6], i % 2 === 0 ? "buy" : "sell", wad("0.01"));
    }
  });

  it("splits the fills into several batches, each within a small budget, in journal order", async function () {
    const { f, rpc, journal } = rig;
    const gasBudget = 450_000n;
    const fromBatchId = await f.pm.nextBatchId();

    const report = await pipelineFor(f, rpc, journal, { gasBudget }).flush();

    expect(report.settled).to.equal(FILLS);
    expect(report.batches).to.be.greaterThanOrEqual(3);
    let lastFillId = 0;
    for (const batch of journal.batches()) {
      const receipt = await ethers.provider.getTransactionReceipt(batch.tx.hash);
      expect(receipt!.gasUsed, `batch ${batch.batchId} gas`).to.be.lessThanOrEqual(gasBudget);
      expect(batch.gasEstimate).to.be.lessThanOrEqual(gasBudget);
      const ids = journal.fills({ batchId: batch.batchId }).map((fill) => fill.id);
      expect(Math.min(...ids), "fills settle in journal order").to.be.greaterThan(lastFillId);
      lastFillId = Math.max(...ids);
    }
    expect((await checkJournalEqualsChain(f.pm, journal, fromBatchId, new Map())).details).to.deep.equal([]);
  });

  it("takes every fill in one batch under the default budget of 1.8M gas", async function () {
    const { f, rpc, journal } = rig;
    const report = await pipelineFor(f, rpc, journal).flush();
    expect(DEFAULT_GAS_BUDGET).to.equal(1_800_000n);
    expect(report).to.deep.equal({ batches: 1, settled: FILLS, dropped: 0 });
  });
});
