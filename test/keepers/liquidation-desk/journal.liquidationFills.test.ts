/**
 * The journal's liquidation fills: a maker order's filled amount counts its reserved and landed liquidation fills, its
 * settled amount (what verifyOrders compares with the chain) the landed ones, a released fill counts nowhere; batches
 * never see them; a reservation joins the transaction of the order changes it comes with; and a journal written by
 * the previous schema migrates.
 */
import { expect } from "chai";
import Database from "better-sqlite3";
import { JournalStateError } from "../../../keepers/settlement/errors";
import { Journal, type NewLiquidationFill } from "../../../keepers/settlement/journal";
import type { BookOrder } from "../../../keepers/matcher/types";
import { tempJournalPath } from "../settlement/helpers";
import { ACCOUNTS, bookOrder, engineFill } from "../settlement/journalFixtures";

const ONE = 10n ** 18n;
const TX = `0x${"ab".repeat(32)}`;

function liquidationFill(maker: BookOrder, sizeWad: bigint, ticketId = `0x${"01".repeat(32)}`): NewLiquidationFill {
  return {
    ticketId,
    marketId: maker.marketId,
    makerHash: maker.hash,
    account: ACCOUNTS[3],
    side: maker.side === "buy" ? "sell" : "buy",
    sizeWad,
    priceWad: maker.priceWad,
    createdAtMs: 1_700_000_000_000,
    expiresAtMs: 1_700_000_060_000,
    reservedBlock: 7,
  };
}

describe("Journal liquidation fills", function () {
  let path: string;
  let journal: Journal;

  beforeEach(function () {
    path = tempJournalPath();
    journal = Journal.open(path);
  });

  afterEach(function () {
    journal.close();
  });

  it("counts reserved and landed fills in the filled amount and landed ones in the settled amount", function () {
    const maker = bookOrder(ACCOUNTS[0], "buy", ONE);
    const taker = bookOrder(ACCOUNTS[1], "sell", ONE / 4n);
    journal.recordPlacement([maker, taker], [engineFill(maker, taker, ONE / 4n)]);
    const [landed, released, reserved] = journal.reserveLiquidationFills([
      liquidationFill(maker, ONE / 8n),
      liquidationFill(maker, ONE / 4n),
      liquidationFill(maker, ONE / 16n),
    ]);
    expect(journal.filledWad(maker.hash)).to.equal(ONE / 4n + ONE / 8n + ONE / 4n + ONE / 16n);

    journal.landLiquidationFills([landed.id], TX, 9);
    journal.releaseLiquidationFills([released.id]);

    expect(journal.filledWad(maker.hash)).to.equal(ONE / 4n + ONE / 8n + ONE / 16n);
    expect(journal.settledWad(maker.hash)).to.equal(ONE / 8n);
    expect(journal.liveOrders().find((o) => o.hash === maker.hash)?.filledWad).to.equal(
      ONE / 4n + ONE / 8n + ONE / 16n,
    );
    expect(journal.settledAmounts([maker.hash])).to.deep.equal([
      { hash: maker.hash, signed: maker.signed, settledWad: ONE / 8n },
    ]);
    expect(journal.liquidationFills({ status: "reserved" }).map((f) => f.id)).to.deep.equal([reserved.id]);
    expect(journal.liquidationFills({ status: "landed" })[0]).to.deep.include({ txHash: TX, landedBlock: 9 });
    expect(journal.hasLandedLiquidationTx(TX.toUpperCase().replace("0X", "0x"))).to.equal(true);
  });

  it("keeps liquidation fills out of settlement batches", function () {
    const maker = bookOrder(ACCOUNTS[0], "buy", ONE);
    journal.upsertOrders([maker]);
    journal.reserveLiquidationFills([liquidationFill(maker, ONE / 2n)]);
    expect(journal.pendingFills(100)).to.deep.equal([]);
    expect(journal.pendingSummary()).to.deep.equal({ count: 0, maxId: 0 });
  });

  it("refuses to land or release a fill that is not reserved, and a fill of an unknown order", function () {
    const maker = bookOrder(ACCOUNTS[0], "buy", ONE);
    journal.upsertOrders([maker]);
    const [fill] = journal.reserveLiquidationFills([liquidationFill(maker, ONE / 2n)]);
    journal.releaseLiquidationFills([fill.id]);
    expect(() => journal.landLiquidationFills([fill.id], TX, 9)).to.throw(JournalStateError, /not reserved/);
    expect(() => journal.releaseLiquidationFills([fill.id])).to.throw(JournalStateError, /not reserved/);
    const stranger = bookOrder(ACCOUNTS[1], "buy", ONE);
    expect(() => journal.reserveLiquidationFills([liquidationFill(stranger, ONE)])).to.throw(
      JournalStateError,
      /does not hold/,
    );
  });

  it("writes a reservation and the order changes it comes with in one transaction", function () {
    const maker = bookOrder(ACCOUNTS[0], "buy", ONE);
    journal.upsertOrders([maker]);
    const stranger = bookOrder(ACCOUNTS[1], "buy", ONE);
    expect(() =>
      journal.atomically(() => {
        journal.recordPlacement([{ ...maker, status: "filled" }], []);
        journal.reserveLiquidationFills([liquidationFill(maker, ONE), liquidationFill(stranger, ONE)]);
      }),
    ).to.throw(JournalStateError);
    expect(journal.order(maker.hash)?.status).to.equal("open");
    expect(journal.liquidationFills()).to.deep.equal([]);
  });

  it("migrates a journal of the previous schema version, keeping its orders", function () {
    const maker = bookOrder(ACCOUNTS[0], "buy", ONE);
    journal.upsertOrders([maker]);
    journal.close();
    const db = new Database(path);
    db.exec("DROP TABLE liquidation_fills");
    db.pragma("user_version = 1");
    db.close();

    journal = Journal.open(path);
    expect(journal.order(maker.hash)?.status).to.equal("open");
    journal.reserveLiquidationFills([liquidationFill(maker, ONE / 2n)]);
    expect(journal.filledWad(maker.hash)).to.equal(ONE / 2n);
  });
});
