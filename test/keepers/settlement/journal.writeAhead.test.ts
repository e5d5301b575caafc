/**
 * The journal is write-ahead: a placement (orders and fills) is durable and visible to the other process as soon as
 * `recordPlacement` returns, in one transaction (all or nothing), and a batch is journaled before it is sent.
 */
import { expect } from "chai";
import { JournalStateError, JournalVersionError } from "../../../keepers/settlement/errors";
import { Journal } from "../../../keepers/settlement/journal";
import Database from "better-sqlite3";
import { tempJournalPath } from "./helpers";
import { ACCOUNTS, batchTx, bookOrder, engineFill } from "./journalFixtures";

const ONE = 10n ** 18n;

describe("Journal write-ahead", function () {
  let path: string;
  let matcher: Journal;
  let settlement: Journal;

  beforeEach(function () {
    path = tempJournalPath();
    matcher = Journal.open(path);
    settlement = Journal.open(path); // the other process: a second connection to the same file
  });

  afterEach(function () {
    matcher.close();
    settlement.close();
  });

  describe("recordPlacement", function () {
    it("makes the fills visible to the settlement process, pending with ids, as soon as it returns", function () {
      const maker = bookOrder(ACCOUNTS[0], "sell", ONE);
      const taker = bookOrder(ACCOUNTS[1], "buy", ONE);
      const [fill] = matcher.recordPlacement([maker, taker], [engineFill(maker, taker, ONE / 2n)]);

      expect(fill.id).to.be.greaterThan(0);
      const pending = settlement.pendingFills(10);
      expect(pending.map((p) => p.id)).to.deep.equal([fill.id]);
      expect(pending[0].status).to.equal("pending");
      expect(pending[0].maker).to.deep.equal(maker.signed);
      expect(pending[0].taker).to.deep.equal(taker.signed);
    });

    it("survives closing and reopening the file (the WAL is durable)", function () {
      const maker = bookOrder(ACCOUNTS[0], "sell", ONE);
      const taker = bookOrder(ACCOUNTS[1], "buy", ONE);
      matcher.recordPlacement([maker, taker], [engineFill(maker, taker, ONE)]);
      matcher.close();
      settlement.close();

      const reopened = Journal.open(path);
      expect(reopened.pendingFills(10)).to.have.length(1);
      expect(reopened.order(maker.hash)?.filledWad).to.equal(ONE);
      reopened.close();
      matcher = Journal.open(path);
      settlement = Journal.open(path);
    });

    it("writes nothing when a fill names an order the journal does not hold", function () {
      const maker = bookOrder(ACCOUNTS[0], "sell", ONE);
      const taker = bookOrder(ACCOUNTS[1], "buy", ONE);
      const stranger = bookOrder(ACCOUNTS[2], "buy", ONE);
      const good = engineFill(maker, taker, ONE / 2n);
      const bad = engineFill(maker, stranger, ONE / 2n);

      expect(() => matcher.recordPlacement([maker, taker], [good, bad])).to.throw(JournalStateError, /does not hold/);
      expect(settlement.fills()).to.deep.equal([]);
      expect(settlement.order(maker.hash)).to.equal(undefined);
    });
  });

  describe("prepareBatch", function () {
    it("journals the batch with its signed transaction and moves its fills to batched in one transaction", function () {
      const maker = bookOrder(ACCOUNTS[0], "sell", ONE);
      const taker = bookOrder(ACCOUNTS[1], "buy", ONE);
      const fills = matcher.recordPlacement(
        [maker, taker],
        [engineFill(maker, taker, ONE / 4n), engineFill(maker, taker, ONE / 4n)],
      );
      settlement.prepareBatch({
        batchId: 7n,
        fillIds: [fills[0].id],
        fromBlock: 100,
        gasEstimate: 250_000n,
        tx: batchTx(7n),
      });

      expect(matcher.fills({ status: "batched" }).map((f) => f.id)).to.deep.equal([fills[0].id]);
      const [open] = matcher.openBatches();
      expect(open).to.deep.include({ batchId: 7n, status: "prepared", fromBlock: 100, gasEstimate: 250_000n });
      expect(open.tx).to.deep.equal(batchTx(7n));
    });

    it("refuses a fill that is not pending and then writes nothing", function () {
      const maker = bookOrder(ACCOUNTS[0], "sell", ONE);
      const taker = bookOrder(ACCOUNTS[1], "buy", ONE);
      const [a, b] = matcher.recordPlacement(
        [maker, taker],
        [engineFill(maker, taker, ONE / 4n), engineFill(maker, taker, ONE / 4n)],
      );
      settlement.dropFill(b.id, "OrderDead", "taker");

      expect(() =>
        settlement.prepareBatch({ batchId: 1n, fillIds: [a.id, b.id], fromBlock: 1, gasEstimate: 1n, tx: batchTx(1n) }),
      ).to.throw(JournalStateError, /not pending/);
      expect(settlement.batch(1n)).to.equal(undefined);
      expect(settlement.fills({ status: "pending" }).map((f) => f.id)).to.deep.equal([a.id]);
    });

    it("refuses a second batch while one is open (one batch in flight)", function () {
      const maker = bookOrder(ACCOUNTS[0], "sell", ONE);
      const taker = bookOrder(ACCOUNTS[1], "buy", ONE);
      const [a, b] = matcher.recordPlacement(
        [maker, taker],
        [engineFill(maker, taker, ONE / 4n), engineFill(maker, taker, ONE / 4n)],
      );
      settlement.prepareBatch({ batchId: 1n, fillIds: [a.id], fromBlock: 1, gasEstimate: 1n, tx: batchTx(1n) });
      expect(() =>
        settlement.prepareBatch({ batchId: 2n, fillIds: [b.id], fromBlock: 1, gasEstimate: 1n, tx: batchTx(2n) }),
      ).to.throw(JournalStateError, /still prepared/);
    });
  });

  describe("schema version", function () {
    it("refuses a file written by a newer schema", function () {
      const other = tempJournalPath();
      const db = new Database(other);
      db.pragma("user_version = 99");
      db.close();
      expect(() => Journal.open(other)).to.throw(JournalVersionError, /schema version 99/);
    });

    it("opens the file in WAL mode (readers and the writer do not block each other)", function () {
      const db = new Database(path, { readonly: true });
      expect(db.pragma("journal_mode", { simple: true })).to.equal("wal");
      db.close();
    });
  });
});
