// Opens the SQLite state file: pragmas, schema creation and the checks that turn an unusable
// file (corrupt, not SQLite, not ours, unwritable, locked) into StoreUnavailableError at open.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { StoreUnavailableError } from "../store.ts";

export type SqliteDatabase = Database.Database;
export type SynchronousMode = "full" | "normal";

const SCHEMA_VERSION = 1;

// `log` holds every write (one row per revision; value NULL marks a deletion) and is the
// history that watches replay and compaction prunes. `prev_revision` points at the row a write
// superseded: it gives prevKv without an index on key, and it is exactly the set of rows that
// compaction may delete. `current` maps each live key to its latest row, so latest reads and
// preconditions cost one primary-key seek and values are stored once.
const SCHEMA = `
CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE log (
  revision INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  value TEXT,
  create_revision INTEGER NOT NULL,
  version INTEGER NOT NULL,
  lease INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL
);
CREATE TABLE current (
  key TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  expires_at INTEGER
) WITHOUT ROWID;
CREATE INDEX current_expiry ON current (expires_at) WHERE expires_at IS NOT NULL;
`;

export interface OpenedDatabase {
  db: SqliteDatabase;
  revision: number;
  compactRevision: number;
}

/** Opens (creating if needed) the database at `path`; throws StoreUnavailableError if unusable. */
export function openDatabase(path: string, synchronous: SynchronousMode): OpenedDatabase {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const reason =
      code === "EEXIST" || code === "ENOTDIR"
        ? `cannot create directory ${dirname(path)}: a component of it is not a directory`
        : `cannot create directory ${dirname(path)}: ${err instanceof Error ? err.message : String(err)}`;
    throw new StoreUnavailableError(`cannot open state database ${path}: ${reason}`);
  }
  let db: SqliteDatabase | undefined;
  try {
    // A short busy timeout: the only contender is another process holding the exclusive lock,
    // and waiting for it (default 5 s) would only delay the error.
    db = new Database(path, { timeout: 100 });
    // Exclusive locking: one process owns the file (the revision counter lives in memory), a
    // second server on the same file fails here instead of corrupting history; it also lets WAL
    // work without the shared-memory file.
    db.pragma("locking_mode = EXCLUSIVE");
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    if (tables.length === 0) {
      // auto_vacuum must be chosen before the first table exists; INCREMENTAL lets the compactor
      // hand freed pages back to the filesystem so the file shrinks after churn.
      db.pragma("auto_vacuum = INCREMENTAL");
    }
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") throw new Error(`cannot enable WAL (journal mode is ${String(mode)})`);
    db.pragma(`synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`);
    // Bounds the WAL file between checkpoints when automatic compaction is off.
    db.pragma("journal_size_limit = 16777216");
    db.pragma("cache_size = -32768");
    if (tables.length === 0) {
      db.transaction(() => {
        db!.exec(SCHEMA);
        db!.prepare("INSERT INTO meta (name, value) VALUES ('schema_version', ?)").run(SCHEMA_VERSION);
      }).immediate();
    } else if (!tables.includes("meta") || !tables.includes("log") || !tables.includes("current")) {
      throw new Error("not a Skiff state database (missing tables)");
    }
    // quick_check reads every page once (milliseconds for a typical state file): corruption is
    // reported here, at open, rather than as failing requests later.
    const check = db.pragma("quick_check(1)", { simple: true });
    if (check !== "ok") throw new Error(`database file is corrupt (${String(check)})`);
    const meta = readMeta(db);
    if (meta.get("schema_version") !== SCHEMA_VERSION) {
      throw new Error(`unsupported schema version ${String(meta.get("schema_version"))}`);
    }
    const maxRevision = db.prepare("SELECT COALESCE(MAX(revision), 0) FROM log").pluck().get() as number;
    return {
      db,
      revision: Math.max(meta.get("revision") ?? 0, maxRevision),
      compactRevision: meta.get("compact_revision") ?? 0,
    };
  } catch (err) {
    db?.close();
    throw unavailable(path, err);
  }
}

function readMeta(db: SqliteDatabase): Map<string, number> {
  const rows = db.prepare("SELECT name, value FROM meta").all() as { name: string; value: number }[];
  return new Map(rows.map((r) => [r.name, r.value]));
}

function unavailable(path: string, err: unknown): StoreUnavailableError {
  if (err instanceof StoreUnavailableError) return err;
  const code = (err as { code?: unknown }).code;
  let reason = err instanceof Error ? err.message : String(err);
  if (code === "SQLITE_NOTADB") reason = "not a SQLite database";
  else if (code === "SQLITE_CORRUPT") reason = "database file is corrupt";
  else if (code === "SQLITE_BUSY") reason = "database is locked by another process";
  return new StoreUnavailableError(`cannot open state database ${path}: ${reason}`);
}
