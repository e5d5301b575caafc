/**
 * A fill the chain refuses is isolated: it is dropped with the right culprit and reason, its effect leaves the
 * orders' filled amounts (and is listed for the matcher's book rollback), and the other fills land together in one
 * resend (DESIGN §5).
 */
import { expect } from "chai";
import { wad, type KeelFixture } from "../../fixtures/keel";
import { Registry } from "prom-client";
import { Journal } from "../../../keepers/settlement/journal";
import { createSettlementMetrics } from "../../../keepers/settlement/metrics";
import {
  OrderDesk,
  checkJournalEqualsChain,
  pipelineFor,
  pushBtcPrice,
  startRpcServer,
  tempJournalPath,
  tradingFixture,
  type RpcEndpoint,
} from "./helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

const SIZE = wad("0.01");

describe("SettlementPipeline isolates bad fills", function () {
  let rpc: RpcEndpoint;
  let f: KeelFixture;
  let t: HardhatEthersSigner[];
  let poor: HardhatEthersSigner;
  let journal: Journal;
  let desk: OrderDesk;

  before(async function () {
    rpc = await startRpcServer();
  });

  after(async function () {
    await rpc.close();
  });

  beforeEach(async function () {
    ({ f, traders: t, poor } = await tradingFixture());
    await pushBtcPrice(f);
    journal = Journal.open(tempJournalPath());
    desk = await OrderDesk.of(f);
  });

  afterEach(function () {
    journal.close();
  });

  it("drops a fill whose taker was cancelled on chain, blaming the taker, and lands the rest in one batch", async function () {
    const good = [
      await desk.journalPair(journal, t[0], t[1], "buy", SIZE),
      await desk.journalPair(journal, t[2], t[3], "sell", SIZE),
    ];
    const makerOrder = await desk.order(t[4], "sell", SIZE * 2n);
    const cancelled = await desk.order(t[5], "buy", SIZE);
    await f.pm.connect(t[5]).cancelOrder(cancelled.book.signed.order);
    const [bad] = journal.recordPlacement([makerOrder.book, cancelled.book], [desk.fill(makerOrder, cancelled, SIZE)]);
    good.push(
      await desk.journalPair(journal, t[1], t[0], "sell", SIZE),
      await desk.journalPair(journal, t[3], t[2], "buy", SIZE),
    );
    const batchId = await f.pm.nextBatchId();

    const registry = new Registry();
    const report = await pipelineFor(f, rpc, journal, { metrics: createSettlementMetrics(registry) }).flush();

    expect(report).to.deep.equal({ batches: 1, settled: 4, dropped: 1 });
    const metrics = await registry.getMetricsAsJSON();
    const value = (name: string) => metrics.find((m) => m.name === name)?.values.map((v) => [v.labels, v.value]);
    expect(value("keel_settlement_fills_dropped_total")).to.deep.equal([[{ error: "OrderDead" }, 1]]);
    expect(value("keel_settlement_fills_settled_total")).to.deep.equal([[{}, 4]]);
    expect(value("keel_settlement_batches_total")).to.deep.equal([[{ outcome: "landed" }, 1]]);
    const dropped = journal.fills({ status: "dropped" });
    expect(dropped.map((d) => [d.id, d.culprit])).to.deep.equal([[bad.id, "taker"]]);
    expect(dropped[0].dropReason).to.match(/^OrderDead\(fillIndex=2, orderIndex=5/);
    expect(journal.fills({ status: "settled" }).map((s) => [s.id, s.batchId])).to.deep.equal(
      good.map((g) => [g.id, batchId]),
    );
    expect(await f.pm.queryFilter(f.pm.filters.BatchSettled())).to.have.length(1);
    expect(journal.filledWad(makerOrder.book.hash), "the drop left the maker's filled amount").to.equal(0n);
    expect(
      journal.unacknowledgedDrops().map((d) => d.id),
      "listed for the matcher's rollback",
    ).to.deep.equal([bad.id]);
    const check = await checkJournalEqualsChain(f.pm, journal, batchId, new Map([[bad.id, "taker"]]));
    expect(check.details).to.deep.equal([]);
  });

  it("drops a fill that would break an account's margin, blaming the side whose account cannot afford it", async function () {
    const first = await desk.journalPair(journal, t[0], t[1], "buy", SIZE);
    const bad = await desk.journalPair(journal, poor, t[2], "buy", wad("1")); // poor is the maker
    const last = await desk.journalPair(journal, t[3], t[4], "sell", SIZE);
    const batchId = await f.pm.nextBatchId();

    const report = await pipelineFor(f, rpc, journal).flush();

    expect(report).to.deep.equal({ batches: 1, settled: 2, dropped: 1 });
    const [dropped] = journal.fills({ status: "dropped" });
    expect(dropped).to.deep.include({ id: bad.id, culprit: "maker" });
    expect(dropped.dropReason).to.match(new RegExp(`^BatchMarginInsufficient\\(fillIndex=1, account=${poor.address}`));
    expect(journal.fills({ status: "settled" }).map((s) => s.id)).to.deep.equal([first.id, last.id]);
    const check = await checkJournalEqualsChain(f.pm, journal, batchId, new Map([[bad.id, "maker"]]));
    expect(check.details).to.deep.equal([]);
  });
});
