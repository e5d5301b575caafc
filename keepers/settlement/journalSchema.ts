/**
 * The journal's SQLite schema and its migrations, versioned with `PRAGMA user_version` (DESIGN §10).
 *
 * One file is shared by two processes: the matcher owns the `orders` rows and inserts `fills`; the settlement
 * process owns each fill's status and the `batches`. Amounts are wad bigints stored as decimal TEXT (they overflow
 * SQLite's 64-bit integers), so an order's filled amount is summed in TypeScript, never with SQL `SUM`.
 */
import type { Database } from "better-sqlite3";

/** One migration: moves the schema from version `index` to `index + 1`, inside the caller's transaction. */
type Migration = (db: Database) => void;

/** Migrations in order; `MIGRATIONS[i]` brings a journal from version i to i + 1. Append, never edit. */
const MIGRATIONS: readonly Migration[] = [
  (db) =>
    db.exec(`
      CREATE TABLE orders (
        hash           TEXT PRIMARY KEY,               -- EIP-712 digest, lower-case 0x hex
        account        TEXT NOT NULL,                  -- checksummed
        market_id      INTEGER NOT NULL,
        order_json     TEXT NOT NULL,                  -- the signed Order, bigints as decimal strings
        signature      TEXT NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('open','untriggered','filled','cancelled','expired','rejected')),
        reason         TEXT,
        seq            INTEGER NOT NULL,
        received_at_ms INTEGER NOT NULL,
        nonce          TEXT NOT NULL                   -- order_json's nonce, for the single-use check
      ) STRICT;
      CREATE INDEX orders_by_status ON orders (status);
      CREATE INDEX orders_by_account_nonce ON orders (account, nonce);

      CREATE TABLE batches (
        batch_id      INTEGER PRIMARY KEY,             -- the settleBatch id (nextBatchId when prepared)
        status        TEXT NOT NULL CHECK (status IN ('prepared','sent','landed','released')),
        tx_hash       TEXT NOT NULL,                   -- known before the send: the tx is signed first
        tx_nonce      INTEGER NOT NULL,
        sender        TEXT NOT NULL,
        raw_tx        TEXT NOT NULL,                   -- the signed transaction, re-broadcast after a crash
        from_block    INTEGER NOT NULL,                -- head block before the send: where a log search starts
        gas_estimate  TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        landed_block  INTEGER
      ) STRICT;
      CREATE INDEX batches_open ON batches (batch_id) WHERE status IN ('prepared','sent');

      CREATE TABLE fills (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        market_id     INTEGER NOT NULL,
        maker_hash    TEXT NOT NULL REFERENCES orders (hash),
        taker_hash    TEXT NOT NULL REFERENCES orders (hash),
        taker_side    TEXT NOT NULL CHECK (taker_side IN ('buy','sell')),
        size_wad      TEXT NOT NULL,
        price_wad     TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('pending','batched','settled','dropped')),
        batch_id      INTEGER REFERENCES batches (batch_id),
        drop_reason   TEXT,
        culprit       TEXT CHECK (culprit IN ('maker','taker','both','none')),
        rolled_back   INTEGER NOT NULL DEFAULT 0 CHECK (rolled_back IN (0, 1))
      ) STRICT;
      CREATE INDEX fills_by_status ON fills (status, id);
      CREATE INDEX fills_by_maker ON fills (maker_hash);
      CREATE INDEX fills_by_taker ON fills (taker_hash);
      CREATE INDEX fills_by_batch ON fills (batch_id);
      CREATE INDEX fills_unacknowledged_drops ON fills (id) WHERE status = 'dropped' AND rolled_back = 0;
    `),
  // Book liquidations (DESIGN §8 stage 1): maker liquidity the matcher reserved for a liquidator's ticket. They settle
  // through liquidateOnBook, never in a batch, so they live apart from `fills`; the matcher owns them.
  (db) =>
    db.exec(`
      CREATE TABLE liquidation_fills (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket_id      TEXT NOT NULL,                  -- 32 random bytes, 0x hex: the liquidator's capability
        market_id      INTEGER NOT NULL,
        maker_hash     TEXT NOT NULL REFERENCES orders (hash),
        account        TEXT NOT NULL,                  -- the liquidated account, checksummed
        side           TEXT NOT NULL CHECK (side IN ('buy','sell')), -- the liquidated account's closing side
        size_wad       TEXT NOT NULL,
        price_wad      TEXT NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('reserved','landed','released')),
        created_at_ms  INTEGER NOT NULL,
        expires_at_ms  INTEGER NOT NULL,               -- lease end (wall clock)
        reserved_block INTEGER NOT NULL,               -- chain head when reserved: the tx can only land after it
        tx_hash        TEXT,                           -- the liquidateOnBook transaction (landed)
        landed_block   INTEGER
      ) STRICT;
      CREATE INDEX liquidation_fills_by_ticket ON liquidation_fills (ticket_id);
      CREATE INDEX liquidation_fills_by_maker ON liquidation_fills (maker_hash);
      CREATE INDEX liquidation_fills_by_tx ON liquidation_fills (tx_hash);
      CREATE INDEX liquidation_fills_reserved ON liquidation_fills (id) WHERE status = 'reserved';
    `),
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Applies every migration above the file's `user_version`, in one immediate transaction (so two processes opening
 * a fresh file at once migrate it once), and returns the version the file had. A file newer than
 * {@link SCHEMA_VERSION} is left untouched: the caller refuses to use it.
 */
export function migrate(db: Database): number {
  return db
    .transaction((): number => {
      const from = db.pragma("user_version", { simple: true }) as number;
      for (let version = from; version < MIGRATIONS.length; version++) MIGRATIONS[version](db);
      if (from < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
      return from;
    })
    .immediate();
}
