/**
 * A batch moves prepared → sent → landed (its fills settle) or → released (its fills go back to pending, and the
 * same batch id may be prepared again); each step refuses a batch in the wrong state.
 */
import { expect } from "chai";
import { JournalStateError } from "../../../keepers/settlement/errors";
import { Journal } from "../../../keepers/settlement/journal";
import { tempJournalPath } from "./helpers";
import { ACCOUNTS, batchTx, bookOrder, engineFill } from "./journalFixtures";

const ONE = 10n ** 18n;

describe("Journal batch lifecycle", function () {
  let journal: Journal;
  let ids: number[];

  beforeEach(function () {
    journal = Journal.open(tempJournalPath());
    const maker = bookOrder(ACCOUNTS[0], "sell", ONE);
    const taker = bookOrder(ACCOUNTS[1], "buy", ONE);
    ids = journal
      .recordPlacement([maker, taker], [engineFill(maker, taker, ONE / 2n), engineFill(maker, taker, ONE / 2n)])
      .map((f) => f.id);
    journal.prepareBatch({ batchId: 3n, fillIds: ids, fromBlock: 10, gasEstimate: 1n, tx: batchTx(3n) });
  });

  afterEach(function () {
    journal.close();
  });

  it("settles the batch's fills when it lands", function () {
    journal.markSent(3n, batchTx(3n).hash);
    journal.markLanded(3n, 12);
    expect(journal.batch(3n)).to.deep.include({ status: "landed", landedBlock: 12 });
    expect(journal.fills().map((f) => [f.status, f.batchId])).to.deep.equal([
      ["settled", 3n],
      ["settled", 3n],
    ]);
    expect(journal.openBatches()).to.deep.equal([]);
  });

  it("returns the fills to pending when released, and lets the same id be prepared again", function () {
    journal.releaseBatch(3n);
    expect(journal.fills().map((f) => [f.status, f.batchId])).to.deep.equal([
      ["pending", undefined],
      ["pending", undefined],
    ]);
    journal.prepareBatch({ batchId: 3n, fillIds: [ids[1]], fromBlock: 11, gasEstimate: 2n, tx: batchTx(3n, 9) });
    expect(journal.batch(3n)).to.deep.include({ status: "prepared", fromBlock: 11 });
    expect(journal.batch(3n)?.tx.nonce).to.equal(9);
  });

  it("refuses to mark sent under another transaction hash", function () {
    expect(() => journal.markSent(3n, batchTx(4n).hash)).to.throw(JournalStateError, /not open/);
  });

  it("refuses to land or release a batch that is not open", function () {
    journal.markLanded(3n, 12);
    expect(() => journal.markLanded(3n, 13)).to.throw(JournalStateError, /cannot land/);
    expect(() => journal.releaseBatch(3n)).to.throw(JournalStateError, /cannot be released/);
    expect(() =>
      journal.prepareBatch({ batchId: 3n, fillIds: [ids[0]], fromBlock: 1, gasEstimate: 1n, tx: batchTx(3n) }),
    ).to.throw(JournalStateError);
  });
});
