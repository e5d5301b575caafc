/**
 * The settlement journal (DESIGN §5, §10): an embedded SQLite file shared by the matcher and the settlement process,
 * so that a crash of either loses no acknowledged fill and doubles none.
 *
 * - The matcher writes orders and fills ({@link Journal.recordPlacement}) and acknowledges a fill to its client only
 *   after that call returns (write-ahead); it rolls dropped fills back in its book and then acknowledges the drops.
 * - The settlement process moves fills pending → batched → settled (or dropped), and journals each batch, with its
 *   signed transaction, before broadcasting it.
 * - An order's filled amount is never stored: it is Σ size of its non-dropped fills, one source of truth for both,
 *   plus its liquidation fills (`liquidation_fills`, written by the matcher's liquidation desk) that are reserved or
 *   landed. Its settled amount counts settled fills and landed liquidation fills. Batches never see liquidation fills.
 *
 * The file is opened in WAL mode with `synchronous = FULL` (a commit survives a power loss) and a busy timeout (the
 * other process may hold the write lock). Every write is one immediate transaction.
 */
import Database, { type Database as Db } from "better-sqlite3";
import { getAddress } from "ethers";
import type { BookOrder, EngineFill } from "../matcher/types";
import { JournalStateError, JournalVersionError } from "./errors";
import { SCHEMA_VERSION, migrate } from "./journalSchema";
import {
  batchOf,
  bookOrderOf,
  encodeOrder,
  fillOf,
  liquidationFillOf,
  signedOf,
  type AccountJournalFill,
  type BatchRow,
  type Culprit,
  type FillFilter,
  type FillRow,
  type JournalBatch,
  type JournalFill,
  type JournalLiquidationFill,
  type LiquidationFillRow,
  type LiquidationFillStatus,
  type NewLiquidationFill,
  type OrderRow,
  type OrderSettledAmount,
  type PreparedBatch,
  type SettleableFill,
} from "./journalTypes";

export * from "./journalTypes";

/** Options of {@link Journal.open}. */
export interface JournalOptions {
  /** How long a write waits for the other process's write lock before failing with SQLITE_BUSY (ms). */
  busyTimeoutMs?: number;
}

const LIVE = "('open','untriggered')";
const OPEN_BATCH = "('prepared','sent')";
/** Liquidation fills that count in their maker order's filled amount. */
const HELD_LIQUIDATION = "('reserved','landed')";
/** Fills in which account `@a` is maker or taker (each side served by its index). */
const OF_ACCOUNT =
  "maker_hash IN (SELECT hash FROM orders WHERE account = @a) OR taker_hash IN (SELECT hash FROM orders WHERE account = @a)";

/** The settlement journal; see the module comment. Not safe to share one instance between threads. */
export class Journal {
  private constructor(
    /** The SQLite file. */
    readonly path: string,
    private readonly db: Db,
  ) {}

  /**
   * Opens (creating if needed) the journal at `path` and migrates it to {@link SCHEMA_VERSION}.
   * @throws JournalVersionError when the file was written by a newer Keel.
   * @throws JournalStateError when the file cannot use WAL (e.g. on a network filesystem).
   */
  static open(path: string, options: JournalOptions = {}): Journal {
    const db = new Database(path);
    try {
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5_000}`);
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode !== "wal") {
        throw new JournalStateError(`Journal ${path} cannot use WAL mode (got "${String(mode)}"): use a local disk`);
      }
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      const fileVersion = db.pragma("user_version", { simple: true }) as number;
      if (fileVersion > SCHEMA_VERSION) throw new JournalVersionError(path, fileVersion, SCHEMA_VERSION);
      migrate(db);
      return new Journal(path, db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Closes the file (WAL contents stay durable; the next open replays them). */
  close(): void {
    this.db.close();
  }

  /* MATCHER SIDE */

  /**
   * Journals one placement in one transaction: upserts `orders` (the new order and every order whose status
   * changed) and inserts `fills` as pending. Acknowledge the fills to clients only after this returns.
   * @returns The fills with their journal ids.
   * @throws JournalStateError when a fill names an order that is neither in `orders` nor already journaled.
   */
  recordPlacement(orders: readonly BookOrder[], fills: readonly EngineFill[]): EngineFill[] {
    return this.db
      .transaction((): EngineFill[] => {
        this.writeOrders(orders);
        return fills.map((fill) => ({ ...fill, id: this.insertFill(fill) }));
      })
      .immediate();
  }

  /** Inserts or updates orders (status and reason change; the signed order and its hash never do). */
  upsertOrders(orders: readonly BookOrder[]): void {
    this.db.transaction(() => this.writeOrders(orders)).immediate();
  }

  /** Open and untriggered orders in arrival order, with their filled amounts: what a restarted matcher rebuilds. */
  liveOrders(): BookOrder[] {
    return this.db.transaction((): BookOrder[] => {
      const rows = this.db.prepare(`SELECT * FROM orders WHERE status IN ${LIVE} ORDER BY seq`).all() as OrderRow[];
      const filled = this.sumBySide(
        `SELECT f.{side}_hash AS hash, f.size_wad AS size FROM fills f JOIN orders o ON o.hash = f.{side}_hash
          WHERE f.status != 'dropped' AND o.status IN ${LIVE}`,
      );
      this.addSums(
        filled,
        `SELECT l.maker_hash AS hash, l.size_wad AS size FROM liquidation_fills l JOIN orders o ON o.hash = l.maker_hash
          WHERE l.status IN ${HELD_LIQUIDATION} AND o.status IN ${LIVE}`,
      );
      return rows.map((row) => bookOrderOf(row, filled.get(row.hash) ?? 0n));
    })();
  }

  /** An order by hash with its filled amount, or undefined. */
  order(hash: string): BookOrder | undefined {
    return this.db.transaction((): BookOrder | undefined => {
      const row = this.db.prepare("SELECT * FROM orders WHERE hash = ?").get(hash.toLowerCase()) as
        OrderRow | undefined;
      return row && bookOrderOf(row, this.filledWad(hash));
    })();
  }

  /**
   * Σ size of the order's non-dropped fills and reserved or landed liquidation fills (wad): matched so far, settled
   * or not.
   */
  filledWad(orderHash: string): bigint {
    return this.orderSum(orderHash, "status != 'dropped'") + this.liquidationSum(orderHash, HELD_LIQUIDATION);
  }

  /** Pending and batched fills in which `account` is maker or taker, in id order (for the pre-trade margin check). */
  unsettledFillsOf(account: string): JournalFill[] {
    const rows = this.db
      .prepare(`SELECT * FROM fills WHERE status IN ('pending','batched') AND (${OF_ACCOUNT}) ORDER BY id`)
      .all({ a: getAddress(account) }) as FillRow[];
    return rows.map(fillOf);
  }

  /**
   * Fills of `account` that a chain state as of `nextBatchId` does not include: not dropped, and in no batch or in a
   * batch at or above `nextBatchId` (a batch below it landed and is in that state). In id order, each with whether the
   * account was the maker. The matcher's pre-trade margin check runs this for every order, so it reads only those
   * fills, never the account's whole history.
   */
  fillsBeyondState(account: string, nextBatchId: bigint): AccountJournalFill[] {
    const rows = this.db
      .prepare(
        `SELECT *, maker_hash IN (SELECT hash FROM orders WHERE account = @a) AS account_is_maker FROM fills
          WHERE status != 'dropped' AND (batch_id IS NULL OR batch_id >= @next) AND (${OF_ACCOUNT}) ORDER BY id`,
      )
      .all({ a: getAddress(account), next: nextBatchId }) as (FillRow & { account_is_maker: number })[];
    return rows.map((row) => ({ ...fillOf(row), accountIsMaker: row.account_is_maker === 1 }));
  }

  /** The latest `limit` fills of a market (any status), newest first. */
  recentFills(marketId: number, limit: number): JournalFill[] {
    const rows = this.db
      .prepare("SELECT * FROM fills WHERE market_id = ? ORDER BY id DESC LIMIT ?")
      .all(marketId, Math.max(0, Math.floor(limit))) as FillRow[];
    return rows.map(fillOf);
  }

  /** Σ size of the order's settled fills and landed liquidation fills (wad): what the chain has filled. */
  settledWad(orderHash: string): bigint {
    return this.orderSum(orderHash, "status = 'settled'") + this.liquidationSum(orderHash, "('landed')");
  }

  /** Whether the journal holds an order (any status) of `account` with `nonce`: nonces are single-use. */
  hasNonce(account: string, nonce: bigint): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM orders WHERE account = ? AND nonce = ? LIMIT 1")
        .get(getAddress(account), nonce.toString()) !== undefined
    );
  }

  /** Dropped fills the matcher has not rolled back yet, in id order. */
  unacknowledgedDrops(): JournalFill[] {
    const rows = this.db
      .prepare("SELECT * FROM fills WHERE status = 'dropped' AND rolled_back = 0 ORDER BY id")
      .all() as FillRow[];
    return rows.map(fillOf);
  }

  /**
   * Records that the matcher rolled these drops back in its book.
   * @throws JournalStateError when an id is not a dropped fill (nothing is acknowledged then).
   */
  acknowledgeDrops(ids: readonly number[]): void {
    const ack = this.db.prepare("UPDATE fills SET rolled_back = 1 WHERE id = ? AND status = 'dropped'");
    this.db
      .transaction(() => {
        for (const id of ids) {
          if (ack.run(id).changes !== 1) throw new JournalStateError(`Fill ${id} is not a dropped fill: cannot ack`);
        }
      })
      .immediate();
  }

  /** Fills matching `filter`, in id order. */
  fills(filter: FillFilter = {}): JournalFill[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    const add = (condition: string, name: string, value: unknown): void => {
      if (value === undefined) return;
      where.push(condition);
      params[name] = value;
    };
    const statuses = typeof filter.status === "string" ? [filter.status] : filter.status;
    add("status IN (SELECT value FROM json_each(@statuses))", "statuses", statuses && JSON.stringify(statuses));
    add("batch_id = @batchId", "batchId", filter.batchId);
    add("(maker_hash = @orderHash OR taker_hash = @orderHash)", "orderHash", filter.orderHash?.toLowerCase());
    add("market_id = @marketId", "marketId", filter.marketId);
    add("id > @afterId", "afterId", filter.afterId);
    add("id <= @maxId", "maxId", filter.maxId);
    const conditions = where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "";
    const limit = filter.limit !== undefined ? " LIMIT @limit" : "";
    if (filter.limit !== undefined) params.limit = filter.limit;
    return (this.db.prepare(`SELECT * FROM fills${conditions} ORDER BY id${limit}`).all(params) as FillRow[]).map(
      fillOf,
    );
  }

  /* SETTLEMENT SIDE */

  /** Up to `limit` pending fills with id ≤ `maxId`, in id order, with both signed orders. */
  pendingFills(limit: number, maxId: number = Number.MAX_SAFE_INTEGER): SettleableFill[] {
    const rows = this.db
      .prepare(
        `SELECT f.*, m.order_json AS maker_json, m.signature AS maker_sig, t.order_json AS taker_json,
                t.signature AS taker_sig
           FROM fills f JOIN orders m ON m.hash = f.maker_hash JOIN orders t ON t.hash = f.taker_hash
          WHERE f.status = 'pending' AND f.id <= @maxId ORDER BY f.id LIMIT @limit`,
      )
      .all({ limit, maxId }) as (FillRow & {
      maker_json: string;
      maker_sig: string;
      taker_json: string;
      taker_sig: string;
    })[];
    return rows.map((row) => ({
      ...fillOf(row),
      maker: signedOf({ order_json: row.maker_json, signature: row.maker_sig }),
      taker: signedOf({ order_json: row.taker_json, signature: row.taker_sig }),
    }));
  }

  /** Number of pending fills and the highest pending id (0 when none). */
  pendingSummary(): { count: number; maxId: number } {
    const row = this.db
      .prepare("SELECT COUNT(*) AS count, COALESCE(MAX(id), 0) AS maxId FROM fills WHERE status = 'pending'")
      .get() as { count: number; maxId: number };
    return row;
  }

  /**
   * Write-ahead of a batch, before its transaction is broadcast: the batch row (status `prepared`, with the signed
   * transaction) and its fills → batched, in one transaction.
   * @throws JournalStateError when another batch is still open, the id is taken by a batch that was not released,
   *   there is no fill, or a fill is not pending (nothing is written then).
   */
  prepareBatch(batch: PreparedBatch): void {
    if (batch.fillIds.length === 0) throw new JournalStateError(`Batch ${batch.batchId} has no fill`);
    const toBatched = this.db.prepare(
      "UPDATE fills SET status = 'batched', batch_id = @batchId WHERE id = @id AND status = 'pending'",
    );
    this.db
      .transaction(() => {
        const open = this.openBatches();
        if (open.length > 0) {
          throw new JournalStateError(
            `Batch ${open[0].batchId} is still ${open[0].status}: reconcile it before preparing batch ${batch.batchId}`,
          );
        }
        const written = this.db
          .prepare(
            `INSERT INTO batches (batch_id, status, tx_hash, tx_nonce, sender, raw_tx, from_block, gas_estimate,
                                  created_at_ms, landed_block)
             VALUES (@batchId, 'prepared', @hash, @nonce, @sender, @raw, @fromBlock, @gas, @now, NULL)
             ON CONFLICT (batch_id) DO UPDATE SET status = 'prepared', tx_hash = @hash, tx_nonce = @nonce,
               sender = @sender, raw_tx = @raw, from_block = @fromBlock, gas_estimate = @gas, created_at_ms = @now,
               landed_block = NULL
             WHERE batches.status = 'released'`,
          )
          .run({
            batchId: batch.batchId,
            ...batch.tx,
            fromBlock: batch.fromBlock,
            gas: batch.gasEstimate.toString(),
            now: Date.now(),
          });
        if (written.changes !== 1) throw new JournalStateError(`Batch ${batch.batchId} already exists and landed`);
        for (const id of batch.fillIds) {
          if (toBatched.run({ batchId: batch.batchId, id }).changes !== 1) {
            throw new JournalStateError(`Fill ${id} is not pending: it cannot join batch ${batch.batchId}`);
          }
        }
      })
      .immediate();
  }

  /**
   * Records that the batch's transaction was broadcast.
   * @throws JournalStateError unless the batch is open and was signed as `txHash`.
   */
  markSent(batchId: bigint, txHash: string): void {
    const info = this.db
      .prepare(`UPDATE batches SET status = 'sent' WHERE batch_id = ? AND tx_hash = ? AND status IN ${OPEN_BATCH}`)
      .run(batchId, txHash);
    if (info.changes !== 1) throw new JournalStateError(`Batch ${batchId} with tx ${txHash} is not open`);
  }

  /**
   * Records that the batch landed in `blockNumber`: the batch → landed and its fills → settled, in one transaction.
   * @throws JournalStateError unless the batch is open.
   */
  markLanded(batchId: bigint, blockNumber: number): void {
    this.db
      .transaction(() => {
        const info = this.db
          .prepare(
            `UPDATE batches SET status = 'landed', landed_block = ? WHERE batch_id = ? AND status IN ${OPEN_BATCH}`,
          )
          .run(blockNumber, batchId);
        if (info.changes !== 1) throw new JournalStateError(`Batch ${batchId} is not open: it cannot land`);
        this.db.prepare("UPDATE fills SET status = 'settled' WHERE batch_id = ? AND status = 'batched'").run(batchId);
      })
      .immediate();
  }

  /**
   * Records that the batch can no longer land (its transaction reverted or its nonce went to another
   * transaction): the batch → released and its fills → pending again, in one transaction.
   * @throws JournalStateError unless the batch is open.
   */
  releaseBatch(batchId: bigint): void {
    this.db
      .transaction(() => {
        const info = this.db
          .prepare(`UPDATE batches SET status = 'released' WHERE batch_id = ? AND status IN ${OPEN_BATCH}`)
          .run(batchId);
        if (info.changes !== 1) throw new JournalStateError(`Batch ${batchId} is not open: it cannot be released`);
        this.db
          .prepare("UPDATE fills SET status = 'pending', batch_id = NULL WHERE batch_id = ? AND status = 'batched'")
          .run(batchId);
      })
      .immediate();
  }

  /**
   * Drops a pending fill the chain refused: its orders' filled amounts shrink at once, and the matcher rolls it
   * back in its book (see {@link unacknowledgedDrops}).
   * @throws JournalStateError unless the fill is pending.
   */
  dropFill(id: number, reason: string, culprit: Culprit): void {
    const info = this.db
      .prepare("UPDATE fills SET status = 'dropped', drop_reason = ?, culprit = ? WHERE id = ? AND status = 'pending'")
      .run(reason, culprit, id);
    if (info.changes !== 1) throw new JournalStateError(`Fill ${id} is not pending: it cannot be dropped`);
  }

  /** Prepared and sent batches, lowest id first. */
  openBatches(): JournalBatch[] {
    const rows = this.db
      .prepare(`SELECT * FROM batches WHERE status IN ${OPEN_BATCH} ORDER BY batch_id`)
      .all() as BatchRow[];
    return rows.map(batchOf);
  }

  /** A batch by id, or undefined. */
  batch(batchId: bigint): JournalBatch | undefined {
    const row = this.db.prepare("SELECT * FROM batches WHERE batch_id = ?").get(batchId) as BatchRow | undefined;
    return row && batchOf(row);
  }

  /** Every batch, lowest id first. */
  batches(): JournalBatch[] {
    return (this.db.prepare("SELECT * FROM batches ORDER BY batch_id").all() as BatchRow[]).map(batchOf);
  }

  /**
   * Orders with at least one settled fill or landed liquidation fill and the Σ size of those fills, optionally only
   * `orderHashes`; what `verifyOrders` compares with the chain's `orderStatus`.
   */
  settledAmounts(orderHashes?: readonly string[]): OrderSettledAmount[] {
    const only = orderHashes ? " AND o.hash IN (SELECT value FROM json_each(@hashes))" : "";
    return this.db.transaction((): OrderSettledAmount[] => {
      const params = orderHashes ? { hashes: JSON.stringify(orderHashes) } : {};
      const sums = this.sumBySide(
        `SELECT o.hash AS hash, f.size_wad AS size FROM fills f JOIN orders o ON o.hash = f.{side}_hash
          WHERE f.status = 'settled'${only}`,
        params,
      );
      this.addSums(
        sums,
        `SELECT o.hash AS hash, l.size_wad AS size FROM liquidation_fills l JOIN orders o ON o.hash = l.maker_hash
          WHERE l.status = 'landed'${only}`,
        params,
      );
      const byHash = this.db.prepare("SELECT order_json, signature FROM orders WHERE hash = ?");
      return [...sums].map(([hash, settledWad]) => {
        const row = byHash.get(hash) as Pick<OrderRow, "order_json" | "signature">;
        return { hash, signed: signedOf(row), settledWad };
      });
    })();
  }

  /* LIQUIDATION DESK (MATCHER SIDE) */

  /**
   * Runs `write` in one immediate transaction (journal calls inside it join it): what the matcher uses to journal a
   * liquidation ticket together with the order changes that made it.
   */
  atomically<T>(write: () => T): T {
    return this.db.transaction(write).immediate();
  }

  /**
   * Journals the fills of a new liquidation ticket as `reserved`.
   * @returns The fills with their ids, in the given order.
   * @throws JournalStateError when a fill names an order the journal does not hold (nothing is written then).
   */
  reserveLiquidationFills(fills: readonly NewLiquidationFill[]): JournalLiquidationFill[] {
    const insert = this.db.prepare(
      `INSERT INTO liquidation_fills (ticket_id, market_id, maker_hash, account, side, size_wad, price_wad, status,
                                      created_at_ms, expires_at_ms, reserved_block)
       VALUES (@ticketId, @marketId, @makerHash, @account, @side, @size, @price, 'reserved', @createdAtMs,
               @expiresAtMs, @reservedBlock)`,
    );
    return this.db.transaction((): JournalLiquidationFill[] =>
      fills.map((fill) => {
        try {
          const info = insert.run({
            ticketId: fill.ticketId,
            marketId: fill.marketId,
            makerHash: fill.makerHash.toLowerCase(),
            account: getAddress(fill.account),
            side: fill.side,
            size: fill.sizeWad.toString(),
            price: fill.priceWad.toString(),
            createdAtMs: fill.createdAtMs,
            expiresAtMs: fill.expiresAtMs,
            reservedBlock: fill.reservedBlock,
          });
          return { ...fill, id: Number(info.lastInsertRowid), status: "reserved" as const };
        } catch (error) {
          if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
            throw new JournalStateError(
              `Liquidation fill of ticket ${fill.ticketId} names maker order ${fill.makerHash}, which the journal ` +
                "does not hold: journal the order first",
              { cause: error },
            );
          }
          throw error;
        }
      }),
    )();
  }

  /**
   * Records that liquidation fills landed in `txHash` (block `blockNumber`): reserved ones, or with `from`
   * "released" ones whose transaction landed after all (the chain is the truth).
   * @throws JournalStateError when an id is not a liquidation fill in status `from` (nothing is written then).
   */
  landLiquidationFills(
    ids: readonly number[],
    txHash: string,
    blockNumber: number,
    from: "reserved" | "released" = "reserved",
  ): void {
    const land = this.db.prepare(
      "UPDATE liquidation_fills SET status = 'landed', tx_hash = ?, landed_block = ? WHERE id = ? AND status = ?",
    );
    this.updateEach(ids, `is not ${from}: it cannot land`, (id) =>
      land.run(txHash.toLowerCase(), blockNumber, id, from),
    );
  }

  /**
   * Records that reserved liquidation fills will not land (their liquidity went back to the book).
   * @throws JournalStateError when an id is not a reserved liquidation fill (nothing is written then).
   */
  releaseLiquidationFills(ids: readonly number[]): void {
    const release = this.db.prepare(
      "UPDATE liquidation_fills SET status = 'released' WHERE id = ? AND status = 'reserved'",
    );
    this.updateEach(ids, "is not reserved: it cannot be released", (id) => release.run(id));
  }

  /** Liquidation fills with `status` (every status when omitted), optionally of one ticket, in id order. */
  liquidationFills(filter: { status?: LiquidationFillStatus; ticketId?: string } = {}): JournalLiquidationFill[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM liquidation_fills WHERE (@status IS NULL OR status = @status)
           AND (@ticketId IS NULL OR ticket_id = @ticketId) ORDER BY id`,
      )
      .all({ status: filter.status ?? null, ticketId: filter.ticketId ?? null }) as LiquidationFillRow[];
    return rows.map(liquidationFillOf);
  }

  /** Whether a landed liquidation fill is journaled for the transaction `txHash` (of a ticket other than `exceptTicketId`). */
  hasLandedLiquidationTx(txHash: string, exceptTicketId?: string): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM liquidation_fills WHERE tx_hash = @tx AND status = 'landed'
             AND (@except IS NULL OR ticket_id != @except) LIMIT 1`,
        )
        .get({ tx: txHash.toLowerCase(), except: exceptTicketId ?? null }) !== undefined
    );
  }

  /* INTERNALS */

  /** Applies `update` to each liquidation fill id in one transaction; each must change one row, else `problem`. */
  private updateEach(ids: readonly number[], problem: string, update: (id: number) => { changes: number }): void {
    this.db
      .transaction(() => {
        for (const id of ids) {
          if (update(id).changes !== 1) throw new JournalStateError(`Liquidation fill ${id} ${problem}`);
        }
      })
      .immediate();
  }

  /** Σ size of the maker order's liquidation fills whose status is in `statuses` (a fixed SQL list). */
  private liquidationSum(orderHash: string, statuses: string): bigint {
    const rows = this.db
      .prepare(`SELECT size_wad FROM liquidation_fills WHERE maker_hash = ? AND status IN ${statuses}`)
      .all(orderHash.toLowerCase()) as { size_wad: string }[];
    return rows.reduce((sum, row) => sum + BigInt(row.size_wad), 0n);
  }

  /** Runs `sql` (rows of `hash` and `size`) and adds each size to `sums` under its hash. */
  private addSums(sums: Map<string, bigint>, sql: string, params: Record<string, unknown> = {}): void {
    for (const row of this.db.prepare(sql).all(params) as { hash: string; size: string }[]) {
      sums.set(row.hash, (sums.get(row.hash) ?? 0n) + BigInt(row.size));
    }
  }

  private writeOrders(orders: readonly BookOrder[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO orders (hash, account, market_id, order_json, signature, status, reason, seq, received_at_ms, nonce)
       VALUES (@hash, @account, @marketId, @orderJson, @signature, @status, @reason, @seq, @receivedAtMs, @nonce)
       ON CONFLICT (hash) DO UPDATE SET status = excluded.status, reason = excluded.reason`,
    );
    for (const o of orders) {
      upsert.run({
        hash: o.hash.toLowerCase(),
        account: getAddress(o.account),
        marketId: o.marketId,
        orderJson: encodeOrder(o.signed.order),
        signature: o.signed.signature,
        status: o.status,
        reason: o.reason ?? null,
        seq: o.seq,
        receivedAtMs: o.receivedAtMs,
        nonce: o.signed.order.nonce.toString(),
      });
    }
  }

  private insertFill(fill: EngineFill): number {
    try {
      const info = this.db
        .prepare(
          `INSERT INTO fills (market_id, maker_hash, taker_hash, taker_side, size_wad, price_wad, created_at_ms, status)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
        )
        .run(
          fill.marketId,
          fill.makerHash.toLowerCase(),
          fill.takerHash.toLowerCase(),
          fill.takerSide,
          fill.sizeWad.toString(),
          fill.priceWad.toString(),
          fill.timestampMs,
        );
      return Number(info.lastInsertRowid);
    } catch (error) {
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
        throw new JournalStateError(
          `Fill ${fill.makerHash}/${fill.takerHash} names an order the journal does not hold: pass both orders ` +
            `to recordPlacement with the fill`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Σ size of the fills of one order that meet `condition` (a fixed SQL fragment over `fills`). */
  private orderSum(orderHash: string, condition: string): bigint {
    const rows = this.db
      .prepare(
        `SELECT size_wad FROM fills WHERE maker_hash = @h AND ${condition}
         UNION ALL SELECT size_wad FROM fills WHERE taker_hash = @h AND ${condition}`,
      )
      .all({ h: orderHash.toLowerCase() }) as { size_wad: string }[];
    return rows.reduce((sum, row) => sum + BigInt(row.size_wad), 0n);
  }

  /** Runs `sqlTemplate` for `{side}` = maker and taker and sums `size` per `hash`. */
  private sumBySide(sqlTemplate: string, params: Record<string, unknown> = {}): Map<string, bigint> {
    const sql = ["maker", "taker"].map((side) => sqlTemplate.replaceAll("{side}", side)).join(" UNION ALL ");
    const sums = new Map<string, bigint>();
    this.addSums(sums, sql, params);
    return sums;
  }
}
