/**
 * A crash anywhere in the send path loses and doubles nothing (DESIGN §13.18): a restarted pipeline recognises a
 * landed batch by its id, re-broadcasts a journaled transaction that may not have gone out, releases a batch whose
 * nonce went elsewhere (or voids the nonce of one the node refuses), and a resend of a landed batch id is refused by
 * the chain (`BatchIdMismatch`).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import Database from "better-sqlite3";
import { Transaction, Wallet } from "ethers";
import { wad, type KeelFixture } from "../../fixtures/keel";
import type { PositionManager } from "../../../keepers/sdk/typechain";
import { failpointFromSpec, type Failpoint } from "../../../keepers/settlement/failpoint";
import { Journal } from "../../../keepers/settlement/journal";
import { buildSettleArgs } from "../../../keepers/settlement/simulate";
import {
  MATCHER_KEY,
  OrderDesk,
  checkJournalEqualsChain,
  matcherPm,
  pipelineFor,
  pushBtcPrice,
  startRpcServer,
  tempJournalPath,
  tradingFixture,
  type RpcEndpoint,
} from "./helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

/** What the failpoint hook throws in place of SIGKILL: the pipeline stops where a crash would stop it. */
class SimulatedCrash extends Error {}

describe("SettlementPipeline after a crash", function () {
  let rpc: RpcEndpoint;
  let f: KeelFixture;
  let t: HardhatEthersSigner[];
  let journal: Journal;
  let desk: OrderDesk;
  let fromBatchId: bigint;

  before(async function () {
    rpc = await startRpcServer();
  });

  after(async function () {
    await rpc.close();
  });

  beforeEach(async function () {
    ({ f, traders: t } = await tradingFixture());
    await pushBtcPrice(f);
    journal = Journal.open(tempJournalPath());
    desk = await OrderDesk.of(f);
    fromBatchId = await f.pm.nextBatchId();
    await journalFills(3);
  });

  afterEach(function () {
    journal.close();
  });

  async function journalFills(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await desk.journalPair(journal, t[i % 6], t[(i + 1) % 6], "buy", wad("0.01"));
  }

  /** Runs a pipeline that "crashes" (throws) the first time it reaches `point`. */
  async function crashAt(point: Failpoint): Promise<void> {
    const failpoint = failpointFromSpec(`${point}:1`, (at) => {
      throw new SimulatedCrash(at);
    });
    await expect(pipelineFor(f, rpc, journal, { failpoint }).flush()).to.be.rejectedWith(SimulatedCrash);
  }

  async function expectJournalEqualsChain(): Promise<void> {
    const check = await checkJournalEqualsChain(f.pm, journal, fromBatchId, new Map());
    expect(check.details).to.deep.equal([]);
    expect(check.settled).to.equal(journal.fills().length);
  }

  it("recognises a batch that landed before the journal knew it; resending its id reverts BatchIdMismatch", async function () {
    await crashAt("after-receipt");
    const [open] = journal.openBatches();
    expect(open.status).to.equal("sent");
    expect(await f.pm.nextBatchId()).to.equal(open.batchId + 1n);

    const args = buildSettleArgs(
      open.batchId,
      journal.fills({ batchId: open.batchId }).map((fill) => ({
        ...fill,
        maker: journal.order(fill.makerHash)!.signed,
        taker: journal.order(fill.takerHash)!.signed,
      })),
    );
    await expect(f.pm.connect(f.deployer).settleBatch(args.batchId, args.orders, args.signatures, args.fills))
      .to.be.revertedWithCustomError(f.pm, "BatchIdMismatch")
      .withArgs(open.batchId, open.batchId + 1n);
    await expect(rpc.provider.broadcastTransaction(open.tx.raw), "the signed tx itself: nonce used").to.be.rejected;

    const report = await pipelineFor(f, rpc, journal).reconcile();
    expect(report.landed).to.deep.equal([open.batchId]);
    expect(report.verify.mismatches).to.deep.equal([]);
    expect(await f.pm.queryFilter(f.pm.filters.Filled())).to.have.length(3);
    await expectJournalEqualsChain();
  });

  it("lands a batch that was sent but whose receipt was never read", async function () {
    await crashAt("after-send");
    const report = await pipelineFor(f, rpc, journal).reconcile();
    expect(report.landed).to.have.length(1);
    await expectJournalEqualsChain();
  });

  it("re-broadcasts a batch journaled before its send, exactly as signed", async function () {
    await crashAt("before-send");
    const [open] = journal.openBatches();
    expect(await ethers.provider.getTransaction(open.tx.hash), "never broadcast").to.equal(null);

    const report = await pipelineFor(f, rpc, journal).reconcile();

    expect(report.landed).to.deep.equal([open.batchId]);
    expect((await ethers.provider.getTransactionReceipt(open.tx.hash))?.status).to.equal(1);
    await expectJournalEqualsChain();
  });

  it("releases a batch whose nonce went to another transaction and settles it under the same id", async function () {
    await crashAt("before-send");
    const [open] = journal.openBatches();
    await (await f.deployer.sendTransaction({ to: f.deployer.address, value: 0 })).wait(); // takes the nonce

    const pipeline = pipelineFor(f, rpc, journal);
    expect((await pipeline.reconcile()).released).to.deep.equal([open.batchId]);
    expect(journal.fills({ status: "pending" })).to.have.length(3);
    expect(await pipeline.flush()).to.deep.equal({ batches: 1, settled: 3, dropped: 0 });

    expect(journal.batch(open.batchId)?.status).to.equal("landed");
    expect(journal.batch(open.batchId)?.tx.hash).to.not.equal(open.tx.hash);
    await expectJournalEqualsChain();
  });

  it("voids the nonce of a journaled transaction the node refuses, then settles its fills again", async function () {
    await crashAt("before-send");
    const [open] = journal.openBatches();
    const signed = Transaction.from(open.tx.raw);
    const underpriced = await new Wallet(MATCHER_KEY).signTransaction({
      type: 2,
      chainId: signed.chainId,
      nonce: signed.nonce,
      to: signed.to,
      data: signed.data,
      gasLimit: signed.gasLimit,
      maxFeePerGas: 1n, // below any base fee: the node refuses it
      maxPriorityFeePerGas: 1n,
    });
    const db = new Database(journal.path);
    db.prepare("UPDATE batches SET raw_tx = ?, tx_hash = ? WHERE batch_id = ?").run(
      underpriced,
      Transaction.from(underpriced).hash,
      open.batchId,
    );
    db.close();

    const pipeline = pipelineFor(f, rpc, journal);
    expect((await pipeline.reconcile()).released).to.deep.equal([open.batchId]);
    const voiding = await ethers.provider.getBlock("latest", true);
    expect(voiding!.prefetchedTransactions.map((tx) => [tx.from, tx.to, tx.value, tx.nonce])).to.deep.equal([
      [f.deployer.address, f.deployer.address, 0n, open.tx.nonce],
    ]);
    expect(await pipeline.flush()).to.deep.equal({ batches: 1, settled: 3, dropped: 0 });
    await expectJournalEqualsChain();
  });

  it("reconciles instead of dropping when the batch id moves between its read and the simulation", async function () {
    await pipelineFor(f, rpc, journal).flush(); // batch `fromBatchId` lands
    await journalFills(2);
    const real = matcherPm(f, rpc);
    let reads = 0;
    const stale = new Proxy(real, {
      get: (target, property) =>
        property === "nextBatchId"
          ? async () => (reads++ === 0 ? fromBatchId : target.nextBatchId())
          : Reflect.get(target, property),
    }) as PositionManager;

    const result = await pipelineFor(f, rpc, journal, { pm: stale }).settleOnce();

    expect(result).to.deep.include({ batchId: fromBatchId + 1n, outcome: "landed", settled: 2, dropped: 0 });
    await expectJournalEqualsChain();
  });
});
