import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "./sqlite-store.ts";
import { tempDir } from "./testdata/temp.ts";

const writerScript = fileURLToPath(new URL("./testdata/ack-writer.ts", import.meta.url));

test("every acknowledged write survives kill -9 of the writing process", async () => {
  const d = tempDir();
  const path = join(d.dir, "data", "state.db");
  const wanted = 2000;
  const acked = new Map<string, number>();
  try {
    const child = spawn(process.execPath, ["--import", "tsx", writerScript, path], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, sig) => resolve(sig)),
    );
    const lines = createInterface({ input: child.stdout });
    for await (const line of lines) {
      const [, key, rev] = line.split(" ");
      acked.set(key!, Number(rev));
      if (acked.size === wanted) {
        // Killed while later writes are still in flight.
        child.kill("SIGKILL");
        break;
      }
    }
    assert.equal(await exited, "SIGKILL");
    assert.equal(acked.size, wanted);
    const store = SqliteStore.open({ path, compaction: false });
    try {
      for (const [key, rev] of acked) {
        const kv = await store.get(key);
        assert.equal(kv?.modRevision, rev, `acknowledged write ${key}@${rev} lost`);
      }
      // Revisions stay dense: whatever committed after the last ack is there too, nothing else.
      const { kvs } = await store.list("/d/");
      assert.equal(kvs.length, await store.currentRevision());
    } finally {
      await store.close();
    }
  } finally {
    d.remove();
  }
});
