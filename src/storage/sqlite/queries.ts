// Prepared statements over the schema in schema.ts, and the mapping from rows to KeyValue.
// Prepared once per store: preparing per call would dominate the cost of small writes.
import type { KeyValue } from "../store.ts";
import type { SqliteDatabase } from "./schema.ts";

/** A row of `log` (value null: a deletion) as the statements below select it. */
export interface LogRow {
  revision: number;
  key: string;
  value: string | null;
  create_revision: number;
  version: number;
  lease: number;
  prev_revision: number;
}

/** The latest row of a live key plus its expiry. */
export interface CurrentRow extends LogRow {
  expires_at: number | null;
}

/** A log row joined with the row it superseded (p_*: null when none). */
export interface HistoryRow extends LogRow {
  p_revision: number | null;
  p_value: string | null;
  p_create_revision: number | null;
  p_version: number | null;
  p_lease: number | null;
}

const LOG_COLUMNS = "l.revision, l.key, l.value, l.create_revision, l.version, l.lease, l.prev_revision";

export function toKeyValue(row: LogRow): KeyValue {
  return {
    key: row.key,
    value: row.value ?? "",
    createRevision: row.create_revision,
    modRevision: row.revision,
    version: row.version,
    lease: row.lease,
  };
}

/** The superseded value carried by a HistoryRow, if any. */
export function prevKeyValue(row: HistoryRow): KeyValue | undefined {
  if (row.p_revision === null) return undefined;
  return {
    key: row.key,
    value: row.p_value ?? "",
    createRevision: row.p_create_revision ?? 0,
    modRevision: row.p_revision,
    version: row.p_version ?? 0,
    lease: row.p_lease ?? 0,
  };
}

export type Queries = ReturnType<typeof prepareQueries>;

export function prepareQueries(db: SqliteDatabase) {
  return {
    getCurrent: db.prepare<[string], CurrentRow>(
      `SELECT ${LOG_COLUMNS}, c.expires_at FROM current c JOIN log l ON l.revision = c.revision WHERE c.key = ?`,
    ),
    hasCurrent: db.prepare<[string], number>("SELECT 1 FROM current WHERE key = ?").pluck(),
    getRevision: db.prepare<[number], LogRow>(`SELECT ${LOG_COLUMNS} FROM log l WHERE l.revision = ?`),
    insertLog: db.prepare<[number, string, string | null, number, number, number, number]>(
      "INSERT INTO log (revision, key, value, create_revision, version, lease, prev_revision) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    upsertCurrent: db.prepare<[string, number, number | null]>(
      `INSERT INTO current (key, revision, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET revision = excluded.revision, expires_at = excluded.expires_at`,
    ),
    deleteCurrent: db.prepare<[string]>("DELETE FROM current WHERE key = ?"),
    setMeta: db.prepare<[string, number]>(
      "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    ),
    /** Live keys in [start, end) in key order, at most `limit`. */
    listCurrent: db.prepare<[string, string, number], LogRow>(
      `SELECT ${LOG_COLUMNS} FROM current c JOIN log l ON l.revision = c.revision
       WHERE c.key >= ? AND c.key < ? ORDER BY c.key LIMIT ?`,
    ),
    countCurrent: db
      .prepare<[string, string], number>("SELECT COUNT(*) FROM current WHERE key >= ? AND key < ?")
      .pluck(),
    countCurrentAfter: db
      .prepare<[string, string], number>("SELECT COUNT(*) FROM current WHERE key > ? AND key < ?")
      .pluck(),
    /**
     * For each key in [start, end) written after revision R: the first such write's
     * prev_revision, i.e. the key's row as of R (0: the key did not exist at R). Relies on
     * SQLite's documented bare-column semantics with a single MIN().
     */
    changedSince: db.prepare<[number, string, string], { key: string; first: number; prev_revision: number }>(
      `SELECT key, MIN(revision) AS first, prev_revision FROM log
       WHERE revision > ? AND key >= ? AND key < ? GROUP BY key ORDER BY key`,
    ),
    /** History in (after, upTo] for keys in [start, end), with the superseded row. */
    history: db.prepare<[number, number, string, string, number], HistoryRow>(
      `SELECT ${LOG_COLUMNS}, p.revision AS p_revision, p.value AS p_value,
         p.create_revision AS p_create_revision, p.version AS p_version, p.lease AS p_lease
       FROM log l LEFT JOIN log p ON p.revision = l.prev_revision AND l.prev_revision > 0
       WHERE l.revision > ? AND l.revision <= ? AND l.key >= ? AND l.key < ?
       ORDER BY l.revision LIMIT ?`,
    ),
    expiredKeys: db
      .prepare<[number, number], string>(
        "SELECT key FROM current WHERE expires_at <= ? ORDER BY expires_at LIMIT ?",
      )
      .pluck(),
    nextExpiry: db
      .prepare<[], number | null>("SELECT MIN(expires_at) FROM current WHERE expires_at IS NOT NULL")
      .pluck(),
    /** Compaction: rows superseded by a write in [lo, hi). */
    deleteSuperseded: db.prepare<[number, number]>(
      `DELETE FROM log WHERE revision IN
         (SELECT prev_revision FROM log WHERE revision >= ? AND revision < ? AND prev_revision > 0)`,
    ),
    /** Compaction: deletion markers in [lo, hi); nothing refers to them once superseded rows are gone. */
    deleteTombstones: db.prepare<[number, number]>(
      "DELETE FROM log WHERE revision >= ? AND revision < ? AND value IS NULL",
    ),
  };
}
