/**
 * An order's filled amount is computed, never stored: Σ size of its non-dropped fills. A dropped fill leaves the
 * amount at once and stays listed for the matcher until it acknowledges the rollback.
 */
import { expect } from "chai";
import { JournalStateError } from "../../../keepers/settlement/errors";
import { Journal } from "../../../keepers/settlement/journal";
import { tempJournalPath } from "./helpers";
import { ACCOUNTS, batchTx, bookOrder, engineFill } from "./journalFixtures";

const ONE = 10n ** 18n;

describe("Journal filled amounts and drops", function () {
  let journal: Journal;

  beforeEach(function () {
    journal = Journal.open(tempJournalPath());
  });

  afterEach(function () {
    journal.close();
  });

  /** A maker of size 1 filled by three takers (0.25 each): the second is dropped, the first settles. */
  function scenario() {
    const maker = bookOrder(ACCOUNTS[0], "sell", ONE);
    const takers = [1, 2, 3].map((i) => bookOrder(ACCOUNTS[i], "buy", ONE / 4n));
    const fills = journal.recordPlacement(
      [maker, ...takers],
      takers.map((t) => engineFill(maker, t, ONE / 4n)),
    );
    journal.prepareBatch({ batchId: 1n, fillIds: [fills[0].id], fromBlock: 1, gasEstimate: 1n, tx: batchTx(1n) });
    journal.markSent(1n, batchTx(1n).hash);
    journal.markLanded(1n, 5);
    journal.dropFill(fills[1].id, "OrderDead(fillIndex=0, orderIndex=1)", "taker");
    return { maker, takers, fills };
  }

  it("sums the non-dropped fills of an order, settled or not", function () {
    const { maker, takers } = scenario();
    expect(journal.filledWad(maker.hash)).to.equal(ONE / 2n); // settled 0.25 + pending 0.25
    expect(journal.settledWad(maker.hash)).to.equal(ONE / 4n);
    expect(journal.filledWad(takers[1].hash)).to.equal(0n);
  });

  it("gives live orders back with their computed filled amounts, in arrival order", function () {
    const { maker, takers } = scenario();
    journal.upsertOrders([{ ...takers[0], status: "filled" }]);
    const live = journal.liveOrders();
    expect(live.map((o) => o.hash)).to.deep.equal([maker.hash, takers[1].hash, takers[2].hash]);
    expect(live.map((o) => o.filledWad)).to.deep.equal([ONE / 2n, 0n, ONE / 4n]);
    expect(live[0].signed).to.deep.equal(maker.signed);
  });

  it("lists a drop with its culprit until the matcher acknowledges it", function () {
    const { fills } = scenario();
    const [drop] = journal.unacknowledgedDrops();
    expect(drop).to.deep.include({ id: fills[1].id, status: "dropped", culprit: "taker", rolledBack: false });
    expect(drop.dropReason).to.match(/^OrderDead/);

    journal.acknowledgeDrops([drop.id]);
    expect(journal.unacknowledgedDrops()).to.deep.equal([]);
    expect(journal.fills({ status: "dropped" })[0].rolledBack).to.equal(true);
  });

  it("refuses to acknowledge a fill that was not dropped", function () {
    const { fills } = scenario();
    expect(() => journal.acknowledgeDrops([fills[2].id])).to.throw(JournalStateError, /not a dropped fill/);
  });

  it("lists an account's unsettled fills (pending and batched) for the pre-trade margin check", function () {
    const { fills } = scenario();
    expect(journal.unsettledFillsOf(ACCOUNTS[0]).map((f) => f.id)).to.deep.equal([fills[2].id]);
    expect(journal.unsettledFillsOf(ACCOUNTS[1])).to.deep.equal([]);
    expect(journal.unsettledFillsOf(ACCOUNTS[3].toLowerCase()).map((f) => f.id)).to.deep.equal([fills[2].id]);
  });

  it("lists the fills a chain state does not include yet: not dropped, in no batch or a batch not yet processed", function () {
    const { fills } = scenario();
    // Batch 1 landed: a state as of nextBatchId 2 includes fill 0; as of 1 it does not.
    const beyond = (account: string, next: bigint) =>
      journal.fillsBeyondState(account, next).map((f) => [f.id, f.accountIsMaker]);
    expect(beyond(ACCOUNTS[0], 2n)).to.deep.equal([[fills[2].id, true]]);
    expect(beyond(ACCOUNTS[0], 1n)).to.deep.equal([
      [fills[0].id, true],
      [fills[2].id, true],
    ]);
    expect(beyond(ACCOUNTS[1], 1n)).to.deep.equal([[fills[0].id, false]]);
    expect(beyond(ACCOUNTS[2], 1n)).to.deep.equal([]); // its only fill was dropped
  });
});
