/**
 * An IOC order dies after the batch that fills it (SettlementCore), so the pipeline never splits one IOC taker's fills
 * across two batches: a gas budget that would cut through them ends the batch before the order's first fill instead,
 * and every fill settles. A plain limit taker may still be split (its order stays alive between batches).
 */
import { expect } from "chai";
import { wad } from "../../fixtures/keel";
import { OrderFlag } from "../../../keepers/sdk/orders";
import { keepIocOrdersWhole } from "../../../keepers/settlement/pipeline";
import { OrderDesk, pipelineFor, usePipelineRig } from "./helpers";

describe("SettlementPipeline keeps an IOC taker's fills in one batch", function () {
  const rig = usePipelineRig();

  it("settles every fill of a 4-maker IOC sweep that the first batch (4 fills at most) would have cut", async function () {
    const { f, rpc, journal, traders: t } = rig;
    const desk = await OrderDesk.of(f);
    // One plain fill first, then an IOC buy that sweeps four resting asks: fills 2–5 share the taker.
    await desk.journalPair(journal, t[0], t[1], "buy", wad("0.01"));
    const taker = await desk.order(t[2], "buy", wad("0.04"), { flags: OrderFlag.Buy | OrderFlag.ImmediateOrCancel });
    const makers = [];
    for (const signer of [t[3], t[4], t[5], t[0]]) makers.push(await desk.order(signer, "sell", wad("0.01")));
    journal.recordPlacement(
      [
        ...makers.map((m) => ({ ...m.book, filledWad: wad("0.01"), status: "filled" as const })),
        { ...taker.book, filledWad: wad("0.04"), status: "filled" as const },
      ],
      makers.map((m) => desk.fill(m, taker, wad("0.01"))),
    );
    const pending = journal.pendingFills(10);
    expect(pending.map((fill) => fill.takerHash === taker.book.hash)).to.deep.equal([false, true, true, true, true]);
    expect(keepIocOrdersWhole(pending, 4)).to.equal(1);
    expect(keepIocOrdersWhole(pending.slice(1), 3)).to.equal(3); // one IOC order larger than a batch: as many as fit

    const pipeline = pipelineFor(f, rpc, journal, { maxFillsPerBatch: 4 });
    const report = await pipeline.flush();
    expect(report).to.include({ settled: 5, batches: 2, dropped: 0 });
    expect(journal.fills({ status: "dropped" })).to.deep.equal([]);
  });
});
