// Runs the shared Store conformance suite against SQLite (a fresh database file per test).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStoreConformance } from "../conformance.ts";
import { SqliteStore } from "./sqlite-store.ts";

describeStoreConformance("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skiff-conformance-"));
  const store = SqliteStore.open({ path: join(dir, "state.db"), compaction: false });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
