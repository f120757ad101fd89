import assert from "node:assert/strict";
import { test } from "node:test";
import { ConflictError } from "../store.ts";
import { openTemp } from "./testdata/temp.ts";

test("50 concurrent read-modify-update writers with retry: no lost update", async () => {
  const t = openTemp();
  try {
    const s = t.store;
    await s.create("/counter", JSON.stringify({ n: 0, by: [] }));
    const perWriter = 10;
    let acked = 0;
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          let cur = (await s.get("/counter"))!;
          for (;;) {
            const obj = JSON.parse(cur.value) as { n: number; by: string[] };
            const next = JSON.stringify({ n: obj.n + 1, by: [...obj.by, `${w}.${i}`] });
            try {
              await s.update("/counter", next, cur.modRevision);
              acked++;
              break;
            } catch (err) {
              if (!(err instanceof ConflictError)) throw err;
              conflicts++;
              cur = err.current;
            }
          }
        }
      }),
    );
    const final = (await s.get("/counter"))!;
    const obj = JSON.parse(final.value) as { n: number; by: string[] };
    assert.equal(acked, 50 * perWriter);
    assert.equal(obj.n, acked);
    assert.equal(new Set(obj.by).size, acked);
    assert.equal(final.version, acked + 1);
    // Group commit put competing writers in one batch, so some had to retry.
    assert.ok(conflicts > 0);
  } finally {
    await t.cleanup();
  }
});

test("writes queued in one tick commit as one batch with consecutive revisions", async () => {
  const t = openTemp();
  try {
    const results = await Promise.allSettled([
      t.store.create("/g/a", "1"),
      t.store.create("/g/a", "2"),
      t.store.create("/g/b", "3"),
      t.store.delete("/g/a"),
    ]);
    assert.deepEqual(
      results.map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as Error).name)),
      ["ok", "KeyExistsError", "ok", "ok"],
    );
    const revs = results.flatMap((r) =>
      r.status !== "fulfilled" ? [] : "modRevision" in r.value ? [r.value.modRevision] : [r.value.revision],
    );
    assert.deepEqual(revs, [1, 2, 3]);
  } finally {
    await t.cleanup();
  }
});
