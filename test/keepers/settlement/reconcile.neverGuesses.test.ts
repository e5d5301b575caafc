/**
 * Reconciling never guesses: a landed batch whose `Filled` events differ from the journal stops the pipeline with a
 * JournalMismatchError (the batch stays open); a batch whose journaled transaction is not on chain is read from
 * `eth_getLogs` in chunks of at most 50 blocks; `verifyOrders` reports an order whose journal amount differs from
 * the chain's; and a provider that caches results is refused.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import Database from "better-sqlite3";
import { JsonRpcProvider, Wallet, type Filter } from "ethers";
import { wad, type KeelFixture } from "../../fixtures/keel";
import { PositionManager__factory } from "../../../keepers/sdk/typechain";
import { JournalMismatchError } from "../../../keepers/settlement/errors";
import { failpointFromSpec } from "../../../keepers/settlement/failpoint";
import { Journal } from "../../../keepers/settlement/journal";
import { verifyOrders } from "../../../keepers/settlement/verify";
import {
  MATCHER_KEY,
  OrderDesk,
  pipelineFor,
  pushBtcPrice,
  startRpcServer,
  tempJournalPath,
  tradingFixture,
  type RpcEndpoint,
} from "./helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

const SIZE = wad("0.01");

describe("Reconciliation never guesses", function () {
  let rpc: RpcEndpoint;
  let f: KeelFixture;
  let t: HardhatEthersSigner[];
  let path: string;
  let journal: Journal;
  let desk: OrderDesk;

  before(async function () {
    rpc = await startRpcServer();
  });

  after(async function () {
    await rpc.close();
  });

  beforeEach(async function () {
    ({ f, traders: t } = await tradingFixture());
    await pushBtcPrice(f);
    path = tempJournalPath();
    journal = Journal.open(path);
    desk = await OrderDesk.of(f);
  });

  afterEach(function () {
    journal.close();
  });

  /** Lands a batch of `n` fills on chain while the journal still holds it as sent (a crash after the receipt). */
  async function landUnrecorded(n: number): Promise<bigint> {
    for (let i = 0; i < n; i++) await desk.journalPair(journal, t[i], t[i + 1], "buy", SIZE);
    const failpoint = failpointFromSpec("after-receipt:1", () => {
      throw new Error("crash");
    });
    await expect(pipelineFor(f, rpc, journal, { failpoint }).flush()).to.be.rejectedWith("crash");
    return journal.openBatches()[0].batchId;
  }

  /** Runs `sql` on the journal file through a separate connection (an operator's hand edit, or a bug). */
  function tamper(sql: string): void {
    const db = new Database(path);
    db.exec(sql);
    db.close();
  }

  it("throws JournalMismatchError when a landed batch's Filled events differ from its journaled fills", async function () {
    const batchId = await landUnrecorded(2);
    tamper(`UPDATE fills SET size_wad = '${SIZE * 2n}' WHERE id = (SELECT MIN(id) FROM fills)`);

    const error = await pipelineFor(f, rpc, journal)
      .reconcile()
      .catch((e: unknown) => e);

    expect(error).to.be.instanceOf(JournalMismatchError);
    expect((error as JournalMismatchError).batchId).to.equal(batchId);
    expect((error as Error).message).to.match(
      /fill #0 .* size 20000000000000000 .* vs chain .* size 10000000000000000/,
    );
    expect(journal.batch(batchId)?.status, "left open for an operator").to.equal("sent");
  });

  it("reads a batch from eth_getLogs in chunks of at most 50 blocks when its journaled tx is not the one on chain", async function () {
    await network.provider.send("hardhat_mine", ["0xc8"]); // 200 blocks of history
    await pushBtcPrice(f);
    const batchId = await landUnrecorded(2);
    const landedBlock = (await ethers.provider.getTransactionReceipt(journal.batch(batchId)!.tx.hash))!.blockNumber;
    tamper(
      `UPDATE batches SET tx_hash = '0x${"ab".repeat(32)}', from_block = ${landedBlock - 120} WHERE batch_id = ${batchId}`,
    );
    const ranges: number[] = [];
    const getLogs = rpc.provider.getLogs.bind(rpc.provider);
    rpc.provider.getLogs = async (filter: Filter) => {
      ranges.push(Number(filter.toBlock) - Number(filter.fromBlock) + 1);
      return getLogs(filter);
    };
    try {
      expect((await pipelineFor(f, rpc, journal).reconcile()).landed).to.deep.equal([batchId]);
    } finally {
      rpc.provider.getLogs = getLogs;
    }
    expect(ranges.length, "found in the third chunk").to.equal(3);
    expect(Math.max(...ranges)).to.be.lessThanOrEqual(50);
    expect(journal.fills({ status: "settled" })).to.have.length(2);
  });

  it("reports orders whose journaled settled amount differs from the chain's orderStatus", async function () {
    const maker = await desk.order(t[0], "sell", SIZE * 2n);
    const taker = await desk.order(t[1], "buy", SIZE);
    journal.recordPlacement([maker.book, taker.book], [desk.fill(maker, taker, SIZE)]);
    await pipelineFor(f, rpc, journal).flush();
    expect(await verifyOrders(f.pm, journal)).to.deep.equal({ checked: 2, unverifiable: 0, mismatches: [] });

    tamper(`UPDATE fills SET size_wad = '${(SIZE * 3n) / 2n}'`);
    const report = await verifyOrders(f.pm, journal);

    expect(report.mismatches.map((m) => m.hash)).to.have.members([maker.book.hash, taker.book.hash]);
    const partial = report.mismatches.find((m) => m.hash === maker.book.hash)!;
    expect(partial.message).to.match(
      /chain filled 10000000000000000 \(PartiallyFilled\), journal settled 15000000000000000/,
    );
  });

  it("refuses a provider that serves cached results", function () {
    const caching = new JsonRpcProvider(rpc.url, undefined, { staticNetwork: true });
    const pm = PositionManager__factory.connect(f.pm.target as string, new Wallet(MATCHER_KEY, caching));
    expect(() => pipelineFor(f, rpc, journal, { pm })).to.throw(TypeError, /cacheTimeout: -1/);
    caching.destroy();
  });
});
