// The Store conformance suite: the etcd semantics of store.ts, checked the same way against every
// backend. A backend's test file calls `describeStoreConformance` with a factory for fresh stores.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CompactedError,
  ConflictError,
  KeyExistsError,
  KeyNotFoundError,
  type Store,
  StoreClosedError,
  type StoreError,
  type WatchEvent,
} from "./store.ts";

export interface StoreFixture {
  store: Store;
  /** Closes the store (if still open) and removes what the fixture created. */
  cleanup(): Promise<void>;
}

/** Collects watch events; `until` resolves once a predicate over all events so far holds. */
class EventSink {
  readonly events: WatchEvent[] = [];
  error: StoreError | undefined;
  private waiters: (() => void)[] = [];

  readonly listener = {
    onEvents: (events: WatchEvent[]) => {
      this.events.push(...events);
      this.wake();
    },
    onError: (error: StoreError) => {
      this.error = error;
      this.wake();
    },
  };

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  async until(done: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (${this.events.length} events so far)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

function revisionOf(e: WatchEvent): number {
  return e.type === "put" ? e.kv.modRevision : e.revision;
}

function keyOf(e: WatchEvent): string {
  return e.type === "put" ? e.kv.key : e.key;
}

async function withStore(
  factory: () => Promise<StoreFixture>,
  fn: (store: Store) => Promise<void>,
): Promise<void> {
  const fixture = await factory();
  try {
    await fn(fixture.store);
  } finally {
    await fixture.cleanup();
  }
}

export function describeStoreConformance(backend: string, factory: () => Promise<StoreFixture>): void {
  const run = (fn: (store: Store) => Promise<void>) => () => withStore(factory, fn);

  describe(`Store conformance: ${backend}`, () => {
    test(
      "create and get; create of an existing key fails; revisions increase by one",
      run(async (store) => {
        const before = await store.currentRevision();
        const a = await store.create("c/a", '{"n":1}');
        assert.equal(a.key, "c/a");
        assert.equal(a.value, '{"n":1}');
        assert.equal(a.modRevision, before + 1);
        assert.equal(a.createRevision, a.modRevision);
        assert.equal(a.version, 1);
        assert.deepEqual(await store.get("c/a"), a);
        assert.equal(await store.get("c/missing"), undefined);
        await assert.rejects(store.create("c/a", "{}"), KeyExistsError);
        const b = await store.create("c/b", "{}");
        assert.equal(b.modRevision, a.modRevision + 1, "a failed create must not consume a revision");
        assert.equal(await store.currentRevision(), b.modRevision);
      }),
    );

    test(
      "update with and without a matching mod revision",
      run(async (store) => {
        const a = await store.create("u/a", "1");
        const a2 = await store.update("u/a", "2", a.modRevision);
        assert.equal(a2.value, "2");
        assert.equal(a2.version, 2);
        assert.equal(a2.createRevision, a.createRevision);
        assert.ok(a2.modRevision > a.modRevision);
        const stale = await store.update("u/a", "3", a.modRevision).then(
          () => assert.fail("stale update succeeded"),
          (e: unknown) => e,
        );
        assert.ok(stale instanceof ConflictError, `expected ConflictError, got ${String(stale)}`);
        assert.equal(stale.current.value, "2");
        assert.equal(stale.current.modRevision, a2.modRevision);
        await assert.rejects(store.update("u/missing", "x", 1), KeyNotFoundError);
        assert.equal((await store.get("u/a"))?.value, "2");
      }),
    );

    test(
      "delete with and without precondition; a recreated key starts over",
      run(async (store) => {
        const a = await store.create("d/a", "1");
        const b = await store.create("d/b", "1");
        await assert.rejects(store.delete("d/a", a.modRevision - 1), ConflictError);
        const deleted = await store.delete("d/a", a.modRevision);
        assert.equal(deleted.prevKv.value, "1");
        assert.ok(deleted.revision > b.modRevision);
        assert.equal(await store.get("d/a"), undefined);
        await assert.rejects(store.delete("d/a"), KeyNotFoundError);
        const unconditional = await store.delete("d/b");
        assert.equal(unconditional.prevKv.key, "d/b");
        const again = await store.create("d/a", "new");
        assert.equal(again.version, 1);
        assert.equal(again.createRevision, again.modRevision);
        assert.ok(again.createRevision > a.createRevision);
      }),
    );

    test(
      "no lost update with 50 concurrent writers on one key",
      run(async (store) => {
        await store.create("cc/counter", "0");
        let acknowledged = 0;
        const writer = async () => {
          for (let i = 0; i < 10; i++) {
            for (;;) {
              const cur = await store.get("cc/counter");
              assert.ok(cur);
              try {
                await store.update("cc/counter", String(Number(cur.value) + 1), cur.modRevision);
                acknowledged++;
                break;
              } catch (e) {
                if (!(e instanceof ConflictError)) throw e;
              }
            }
          }
        };
        await Promise.all(Array.from({ length: 50 }, writer));
        const final = await store.get("cc/counter");
        assert.equal(acknowledged, 500);
        assert.equal(final?.value, "500");
        assert.equal(final?.version, 501);
      }),
    );

    test(
      "list is consistent at one revision while writes continue",
      run(async (store) => {
        for (let i = 0; i < 20; i++) await store.create(`l/k${String(i).padStart(2, "0")}`, `v${i}`);
        await store.create("lx/outside", "x");
        const first = await store.list("l/");
        assert.equal(first.kvs.length, 20);
        assert.deepEqual(
          first.kvs.map((kv) => kv.key),
          [...first.kvs.map((kv) => kv.key)].sort(),
        );
        const writes = Promise.all([
          store.update("l/k00", "changed", first.kvs[0]?.modRevision ?? 0),
          store.delete("l/k01"),
          store.create("l/k99", "added"),
        ]);
        await writes;
        const atRevision = await store.list("l/", { revision: first.revision });
        assert.deepEqual(atRevision.kvs, first.kvs);
        assert.equal(atRevision.revision, first.revision);
        const now = await store.list("l/");
        assert.equal(now.kvs.length, 20);
        assert.equal(now.kvs[0]?.value, "changed");
        assert.ok(!now.kvs.some((kv) => kv.key === "l/k01"));
        assert.equal(await store.count("l/"), 20);
      }),
    );

    test(
      "paging across 10,000 keys at one revision",
      run(async (store) => {
        const total = 10_000;
        const keys: string[] = [];
        for (let i = 0; i < total; i++) keys.push(`p/${String(i).padStart(5, "0")}`);
        for (let i = 0; i < total; i += 500) {
          await Promise.all(keys.slice(i, i + 500).map((k) => store.create(k, `{"k":"${k}"}`)));
        }
        const seen: string[] = [];
        let token: string | undefined;
        let revision = 0;
        let pages = 0;
        do {
          const page = await store.list("p/", { limit: 700, continue: token });
          pages++;
          if (revision === 0) revision = page.revision;
          assert.equal(page.revision, revision, "every page is at the first page's revision");
          seen.push(...page.kvs.map((kv) => kv.key));
          if (page.continue) assert.equal(page.remaining, total - seen.length);
          token = page.continue;
          // Writes between pages must not show up in later pages.
          if (pages === 2) {
            await store.create("p/00000-new", "x");
            await store.delete("p/09999");
          }
        } while (token);
        assert.equal(pages, Math.ceil(total / 700));
        assert.deepEqual(seen, keys);
      }),
    );

    test(
      "watch delivers every change after the revision, in order, once, with previous values",
      run(async (store) => {
        const start = await store.currentRevision();
        const sink = new EventSink();
        const watcher = store.watch("w/", start, sink.listener);
        const acked = new Map<number, { key: string; value?: string }>();
        const writer = async (w: number) => {
          for (let i = 0; i < 25; i++) {
            const key = `w/${w}/${i % 5}`;
            const cur = await store.get(key);
            if (!cur) {
              const kv = await store.create(key, `${w}-${i}`);
              acked.set(kv.modRevision, { key, value: kv.value });
            } else if (i % 7 === 0) {
              const d = await store.delete(key, cur.modRevision);
              acked.set(d.revision, { key });
            } else {
              const kv = await store.update(key, `${w}-${i}`, cur.modRevision);
              acked.set(kv.modRevision, { key, value: kv.value });
            }
          }
        };
        await Promise.all([
          ...Array.from({ length: 20 }, (_, w) => writer(w)),
          store.create("wx/outside", "not in prefix"),
        ]);
        await sink.until(() => sink.events.length >= acked.size, `${acked.size} events`);
        watcher.close();
        assert.equal(sink.error, undefined);
        assert.equal(sink.events.length, acked.size, "each change exactly once");
        let last = start;
        const latest = new Map<string, WatchEvent>();
        for (const e of sink.events) {
          const rev = revisionOf(e);
          assert.ok(rev > last, `revisions strictly increase (${rev} after ${last})`);
          last = rev;
          const want = acked.get(rev);
          assert.ok(want, `event at ${rev} matches an acknowledged write`);
          assert.equal(keyOf(e), want.key);
          if (e.type === "put") assert.equal(e.kv.value, want.value);
          const before = latest.get(keyOf(e));
          if (before?.type === "put") {
            assert.ok(e.prevKv, "updates and deletes carry the previous value");
            assert.deepEqual(e.prevKv, before.kv);
          } else {
            assert.equal(e.type, "put", "a key absent before can only be created");
            assert.equal(e.prevKv, undefined);
          }
          latest.set(keyOf(e), e);
        }
      }),
    );

    test(
      "watch resumes from a past revision without gaps or duplicates",
      run(async (store) => {
        const revisions: number[] = [];
        for (let i = 0; i < 30; i++) revisions.push((await store.create(`r/${i}`, String(i))).modRevision);
        const from = revisions[9] ?? 0;
        const sink = new EventSink();
        const watcher = store.watch("r/", from, sink.listener);
        // Live writes racing with the replay of history.
        for (let i = 30; i < 40; i++) revisions.push((await store.create(`r/${i}`, String(i))).modRevision);
        await sink.until(() => sink.events.length >= 30, "30 events");
        watcher.close();
        assert.deepEqual(sink.events.map(revisionOf), revisions.slice(10));
        assert.deepEqual(
          sink.events.map(keyOf),
          Array.from({ length: 30 }, (_, i) => `r/${i + 10}`),
        );
      }),
    );

    test(
      "a watch or list from a compacted revision fails with the compact revision",
      run(async (store) => {
        const a = await store.create("cp/a", "0");
        let kv = a;
        for (let i = 1; i <= 10; i++) kv = await store.update("cp/a", String(i), kv.modRevision);
        const compactAt = kv.modRevision - 2;
        await store.compact(compactAt);
        const sink = new EventSink();
        const watcher = store.watch("cp/", a.modRevision, sink.listener);
        await sink.until(() => sink.error !== undefined, "a compacted error");
        watcher.close();
        assert.ok(sink.error instanceof CompactedError, `got ${String(sink.error)}`);
        assert.equal(sink.error.compactRevision, compactAt);
        assert.equal(sink.events.length, 0);
        await assert.rejects(store.list("cp/", { revision: a.modRevision }), CompactedError);
        // History from the compact revision on is still there, and so is the latest value.
        const ok = new EventSink();
        const w2 = store.watch("cp/", compactAt, ok.listener);
        await ok.until(() => ok.events.length >= 2, "the two retained events");
        w2.close();
        assert.equal(ok.error, undefined);
        assert.deepEqual(ok.events.map(revisionOf), [kv.modRevision - 1, kv.modRevision]);
        assert.equal((await store.get("cp/a"))?.value, "10");
      }),
    );

    test(
      "keys with a TTL expire with a delete event",
      run(async (store) => {
        const start = await store.currentRevision();
        const sink = new EventSink();
        const watcher = store.watch("t/", start, sink.listener);
        await store.create("t/ephemeral", "bye", { ttlSeconds: 1 });
        await store.create("t/durable", "stay");
        await sink.until(
          () => sink.events.some((e) => e.type === "delete" && e.key === "t/ephemeral"),
          "the expiry delete event",
        );
        watcher.close();
        const del = sink.events.find((e) => e.type === "delete");
        assert.equal(del?.prevKv.value, "bye");
        assert.equal(await store.get("t/ephemeral"), undefined);
        assert.equal((await store.get("t/durable"))?.value, "stay");
      }),
    );

    test(
      "close ends watches and rejects further operations",
      run(async (store) => {
        const sink = new EventSink();
        store.watch("z/", await store.currentRevision(), sink.listener);
        await store.close();
        await sink.until(() => sink.error !== undefined, "the closed error");
        assert.ok(sink.error instanceof StoreClosedError);
        await assert.rejects(store.get("z/a"), StoreClosedError);
      }),
    );
  });
}
