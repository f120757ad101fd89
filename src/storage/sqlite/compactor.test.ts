import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { test } from "node:test";
import { CompactedError, type KeyValue } from "../store.ts";
import { compactionTarget } from "./compactor.ts";
import { Collector, keepingAlive } from "./testdata/collect.ts";
import { openTemp } from "./testdata/temp.ts";

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

test("automatic compaction keeps the files within twice the live data after churn", async () => {
  const t = openTemp({
    synchronous: "normal",
    compaction: { intervalMs: 50, retainRevisions: 100, retainMs: 0 },
  });
  try {
    const s = t.store;
    const keys = 1000;
    const updates = 100_000;
    const pad = "x".repeat(300);
    const configMap = (i: number, n: number) =>
      JSON.stringify({ kind: "ConfigMap", name: `cm-${i}`, n, data: pad });
    const revs: number[] = [];
    for (let i = 0; i < keys; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          s.create(`/registry/configmaps/default/cm-${i + j}`, configMap(i + j, 0)),
        ),
      );
      for (const kv of batch) revs.push(kv.modRevision);
    }
    // 100 writers, each owning 10 keys, so every update is acknowledged without conflicts.
    await Promise.all(
      Array.from({ length: 100 }, async (_, w) => {
        for (let n = 1; n <= updates / 100; n++) {
          const i = w * 10 + (n % 10);
          const kv = await s.update(`/registry/configmaps/default/cm-${i}`, configMap(i, n), revs[i]!);
          revs[i] = kv.modRevision;
        }
      }),
    );
    const final = await s.currentRevision();
    assert.equal(final, keys + updates);
    const { kvs } = await s.list("/registry/");
    assert.equal(kvs.length, keys);
    const live = kvs.reduce((sum, kv) => sum + kv.key.length + kv.value.length, 0);
    const onDisk = () => fileSize(t.path) + fileSize(`${t.path}-wal`);
    // Automatic compaction reaches final - retainRevisions, then shrinks the files once writes
    // pause. Wait for both (bounded, so a broken compactor fails instead of hanging).
    await keepingAlive(async () => {
      for (let i = 0; i < 200; i++) {
        const err = await s.list("/registry/", { revision: final - 102 }).catch((e: unknown) => e);
        if (err instanceof CompactedError && onDisk() <= 2 * live) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    await assert.rejects(s.list("/registry/", { revision: final - 102 }), CompactedError);
    assert.ok(onDisk() <= 2 * live, `database ${onDisk()} bytes for ${live} bytes of live data`);
    // Compaction kept what must stay: current values and the retained history.
    for (const kv of kvs) assert.equal(kv.modRevision, revs[Number(kv.key.split("-").pop())]);
    const c = new Collector();
    s.watch("/registry/", final - 100, c);
    await c.until(() => c.events.length === 100);
  } finally {
    await t.cleanup();
  }
});

test("after compact(C) every list at R >= C - 1 and every watch from C - 1 match a model", async () => {
  const t = openTemp();
  try {
    const s = t.store;
    // Model: state after each revision.
    const states: Map<string, KeyValue>[] = [new Map()];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 600; i++) {
      const key = `/m/${rand(30)}`;
      const state = new Map(states[states.length - 1]);
      const cur = state.get(key);
      if (!cur) state.set(key, await s.create(key, `${i}`));
      else if (rand(4) === 0) {
        await s.delete(key, cur.modRevision);
        state.delete(key);
      } else state.set(key, await s.update(key, `${i}`, cur.modRevision));
      states.push(state);
    }
    const compactAt = 400;
    await s.compact(compactAt);
    for (let r = compactAt - 1; r <= 600; r++) {
      const { kvs } = await s.list("/m/", { revision: r });
      const want = [...states[r]!.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
      assert.deepEqual(kvs, want, `list at revision ${r}`);
      const paged: KeyValue[] = [];
      let token: string | undefined;
      do {
        const page = await s.list("/m/", { revision: r, limit: 7, ...(token ? { continue: token } : {}) });
        paged.push(...page.kvs);
        if (page.continue) assert.equal(page.remaining, want.length - paged.length);
        token = page.continue;
      } while (token);
      assert.deepEqual(paged, want, `paged list at revision ${r}`);
    }
    await assert.rejects(s.list("/m/", { revision: compactAt - 2 }), CompactedError);
    const c = new Collector();
    s.watch("/m/", compactAt - 1, c);
    await c.until(() => c.events.length === 600 - compactAt + 1);
    c.events.forEach((ev, i) => {
      const r = compactAt + i;
      const key = ev.type === "put" ? ev.kv.key : ev.key;
      const prev = states[r - 1]!.get(key);
      if (ev.type === "put") {
        assert.deepEqual(ev.kv, states[r]!.get(key));
        assert.deepEqual(ev.prevKv, prev);
      } else {
        assert.equal(ev.revision, r);
        assert.deepEqual(ev.prevKv, prev);
      }
    });
  } finally {
    await t.cleanup();
  }
});

test("the compaction target keeps the time window, at least retainRevisions, at most the cap", () => {
  const windows = { retainRevisions: 1000, maxRetainRevisions: 100_000 };
  // Slow writes: the count floor decides.
  assert.equal(compactionTarget(5000, 4900, windows), 4000);
  // A burst: everything since the window's start stays.
  assert.equal(compactionTarget(50_000, 2000, windows), 2000);
  // A long burst: the cap bounds the history (and the file).
  assert.equal(compactionTarget(500_000, 2000, windows), 400_000);
  // A young store keeps everything.
  assert.equal(compactionTarget(900, 0, windows), -100);
});

test("automatic compaction keeps history younger than retainMs under a burst of writes", async () => {
  const t = openTemp({ compaction: { intervalMs: 20, retainRevisions: 10, retainMs: 60_000 } });
  try {
    let kv = await t.store.create("/burst/a", "0");
    const first = kv.modRevision;
    for (let i = 1; i <= 300; i++) kv = await t.store.update("/burst/a", String(i), kv.modRevision);
    await new Promise((r) => setTimeout(r, 200));
    // 300 revisions in well under a minute: a paged list from the first one still works.
    const old = await t.store.list("/burst/", { revision: first });
    assert.equal(old.kvs[0]?.value, "0");
  } finally {
    await t.cleanup();
  }
});
