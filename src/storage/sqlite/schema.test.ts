import assert from "node:assert/strict";
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { StoreUnavailableError } from "../store.ts";
import { openDatabase } from "./schema.ts";
import { SqliteStore } from "./sqlite-store.ts";
import { openTemp, tempDir } from "./testdata/temp.ts";

test("a new database is in WAL mode with incremental auto-vacuum, parent directory created", () => {
  const d = tempDir();
  try {
    const { db, revision, compactRevision } = openDatabase(join(d.dir, "a", "b", "state.db"), "full");
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("auto_vacuum", { simple: true }), 2);
    assert.equal(db.pragma("synchronous", { simple: true }), 2);
    assert.deepEqual([revision, compactRevision], [0, 0]);
    db.close();
  } finally {
    d.remove();
  }
});

test("a garbage file is StoreUnavailableError naming the path", () => {
  const d = tempDir();
  const path = join(d.dir, "state.db");
  writeFileSync(path, Buffer.alloc(8192, 0x5a));
  try {
    assert.throws(
      () => SqliteStore.open({ path }),
      (e: unknown) =>
        e instanceof StoreUnavailableError && e.message.includes(path) && !e.message.includes("\n"),
    );
  } finally {
    d.remove();
  }
});

test("a path whose parent is a regular file is StoreUnavailableError", () => {
  const d = tempDir();
  const file = join(d.dir, "file");
  writeFileSync(file, "x");
  const path = join(file, "state.db");
  try {
    assert.throws(
      () => SqliteStore.open({ path }),
      (e: unknown) => e instanceof StoreUnavailableError && e.message.includes(path),
    );
  } finally {
    d.remove();
  }
});

test("a SQLite database that is not a Skiff state file is StoreUnavailableError", () => {
  const d = tempDir();
  const path = join(d.dir, "other.db");
  const other = new Database(path);
  other.exec("CREATE TABLE t (x)");
  other.close();
  try {
    assert.throws(() => SqliteStore.open({ path }), StoreUnavailableError);
  } finally {
    d.remove();
  }
});

test("a second store on the same file is StoreUnavailableError", async () => {
  const t = openTemp();
  try {
    assert.throws(() => SqliteStore.open({ path: t.path }), StoreUnavailableError);
  } finally {
    await t.cleanup();
  }
});

test("a state file corrupted past its header is StoreUnavailableError at open", async () => {
  const t = openTemp();
  for (let i = 0; i < 200; i++) await t.store.create(`/c/${i}`, JSON.stringify({ pad: "p".repeat(500) }));
  await t.store.close();
  const fd = openSync(t.path, "r+");
  writeSync(fd, Buffer.alloc(3 * 4096, 0xa5), 0, 3 * 4096, 2 * 4096);
  closeSync(fd);
  try {
    assert.throws(
      () => SqliteStore.open({ path: t.path }),
      (e: unknown) => e instanceof StoreUnavailableError && e.message.includes(t.path),
    );
  } finally {
    await t.cleanup();
  }
});
