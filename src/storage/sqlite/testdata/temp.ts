// Test helpers: temporary data directories and stores that are always cleaned up.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore, type SqliteStoreOptions } from "../sqlite-store.ts";

export interface TempStore {
  dir: string;
  path: string;
  store: SqliteStore;
  /** Closes the store (if open) and removes the directory. */
  cleanup(): Promise<void>;
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "skiff-sqlite-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openTemp(options: Partial<SqliteStoreOptions> = {}): TempStore {
  const { dir, remove } = tempDir();
  const path = join(dir, "state.db");
  const store = SqliteStore.open({ compaction: false, ...options, path });
  return {
    dir,
    path,
    store,
    cleanup: async () => {
      await store.close();
      remove();
    },
  };
}
