import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../../../test/support/tempdir.ts";
import { RecordStore } from "./state.ts";

test("concurrent writes of one record land in call order, and a removal after them wins", async () => {
  const dir = tempDir();
  try {
    const store = new RecordStore<{ id: string; state: number }>(dir.path);
    await store.init();
    // Once these shared one temp file: the second rename failed with ENOENT.
    await Promise.all(Array.from({ length: 20 }, (_, state) => store.write({ id: "c1", state })));
    assert.deepEqual(JSON.parse(readFileSync(join(dir.path, "c1.json"), "utf8")), { id: "c1", state: 19 });
    assert.deepEqual(readdirSync(dir.path), ["c1.json"], "no temp file is left");
    const writes = [store.write({ id: "c2", state: 1 }), store.remove("c2")];
    await Promise.all(writes);
    assert.deepEqual(readdirSync(dir.path), ["c1.json"]);
    assert.deepEqual(await store.loadAll(), [{ id: "c1", state: 19 }]);
  } finally {
    dir.remove();
  }
});
