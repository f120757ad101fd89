// Store benchmark: raw rates of each backend, printed as JSON (one object per backend).
// Usage: node --import tsx bench/store.ts [sqlite|etcd ...]   (env BENCH_CHURN: churn updates, default 1e6)
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { EtcdStore } from "../src/storage/etcd/etcd-store.ts";
import { SqliteStore } from "../src/storage/sqlite/sqlite-store.ts";
import type { Store, WatchEvent } from "../src/storage/store.ts";
import { startEtcd } from "../test/support/etcd.ts";

interface Rates {
  [name: string]: number | string | Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs `count` operations with at most `inFlight` outstanding; returns operations per second. */
async function rate(count: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) await op(next++);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return round(count / ((performance.now() - started) / 1000), 0);
}

async function basicRates(store: Store, n: number): Promise<Rates> {
  const out: Rates = {};
  const value = JSON.stringify({ kind: "ConfigMap", data: { payload: "x".repeat(200) } });
  out.sequential_create_per_s = await rate(n / 10, 1, (i) => store.create(`b/seq/${i}`, value));
  out.sequential_update_per_s = await rate(n / 10, 1, async (i) => {
    const kv = await store.get(`b/seq/${i}`);
    if (kv) await store.update(kv.key, value, kv.modRevision);
  });
  out.sequential_get_per_s = await rate(n / 10, 1, (i) => store.get(`b/seq/${i}`));
  const revisions = new Map<number, number>();
  out.concurrent100_create_per_s = await rate(n, 100, async (i) => {
    revisions.set(i, (await store.create(`b/con/${String(i).padStart(6, "0")}`, value)).modRevision);
  });
  out.concurrent100_update_per_s = await rate(n, 100, async (i) => {
    const kv = await store.update(`b/con/${String(i).padStart(6, "0")}`, value, revisions.get(i) ?? 0);
    revisions.set(i, kv.modRevision);
  });
  out.concurrent100_get_per_s = await rate(n, 100, (i) => store.get(`b/con/${String(i).padStart(6, "0")}`));
  return out;
}

async function listTimes(store: Store): Promise<Rates> {
  const value = JSON.stringify({ kind: "Pod", spec: { containers: [{ name: "c", image: "busybox" }] } });
  await rate(10_000, 100, (i) => store.create(`b/list/${String(i).padStart(5, "0")}`, value));
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const r = await store.list("b/list/");
    if (r.kvs.length !== 10_000) throw new Error(`listed ${r.kvs.length} keys`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { list_10000_ms_p50: round(percentile(times, 50)), list_10000_ms_max: round(times.at(-1) ?? 0) };
}

async function watchLatency(store: Store, watchers: number, writes: number): Promise<Rates> {
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  const handles = [];
  const from = await store.currentRevision();
  for (let w = 0; w < watchers; w++) {
    handles.push(
      store.watch("b/watch/", from, {
        onEvents: (events: WatchEvent[]) => {
          const now = performance.now();
          for (const e of events) {
            const t0 = sent.get(e.type === "put" ? e.kv.key : e.key);
            if (t0 !== undefined) latencies.push(now - t0);
            received++;
          }
        },
        onError: (e) => {
          throw e;
        },
      }),
    );
  }
  for (let i = 0; i < writes; i++) {
    const key = `b/watch/${i}`;
    sent.set(key, performance.now());
    await store.create(key, "{}");
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  const deadline = Date.now() + 30_000;
  while (received < watchers * writes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const h of handles) h.close();
  latencies.sort((a, b) => a - b);
  return {
    watchers,
    watch_events_expected: watchers * writes,
    watch_events_received: received,
    watch_latency_ms_p50: round(percentile(latencies, 50), 2),
    watch_latency_ms_p99: round(percentile(latencies, 99), 2),
  };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Churn 10,000 live keys with `updates` updates, then compare the file with the live data alone. */
async function sqliteChurn(dir: string, updates: number): Promise<Rates> {
  const path = join(dir, "churn.db");
  const store = SqliteStore.open({ path });
  const keys = 10_000;
  const value = (i: number) =>
    JSON.stringify({ kind: "Lease", spec: { renewTime: new Date().toISOString(), n: i } });
  const revs: number[] = [];
  await rate(keys, 100, async (i) => {
    revs[i] = (await store.create(`churn/${i}`, value(i))).modRevision;
  });
  const churnRate = await rate(updates, 100, async (i) => {
    const k = i % keys;
    // Writers touching one key are serialized by the modulo; 100 in flight over 10,000 keys never collide.
    revs[k] = (await store.update(`churn/${k}`, value(i), revs[k] ?? 0)).modRevision;
  });
  await new Promise((r) => setTimeout(r, 2500)); // let automatic compaction run once more
  const churned = fileSize(path) + fileSize(`${path}-wal`);
  const live = await store.list("churn/");
  await store.close();
  const freshPath = join(dir, "live.db");
  const fresh = SqliteStore.open({ path: freshPath, compaction: false });
  for (let i = 0; i < live.kvs.length; i += 1000) {
    await Promise.all(live.kvs.slice(i, i + 1000).map((kv) => fresh.create(kv.key, kv.value)));
  }
  await fresh.close();
  const liveSize = fileSize(freshPath) + fileSize(`${freshPath}-wal`);
  return {
    churn_updates: updates,
    churn_update_per_s: churnRate,
    churn_db_bytes: churned,
    live_only_db_bytes: liveSize,
    churn_size_ratio: round(churned / liveSize, 2),
  };
}

async function benchSqlite(): Promise<Rates> {
  const dir = mkdtempSync(join(tmpdir(), "skiff-bench-sqlite-"));
  try {
    const store = SqliteStore.open({ path: join(dir, "state.db") });
    const result: Rates = { backend: "sqlite" };
    Object.assign(result, await basicRates(store, 20_000));
    Object.assign(result, await listTimes(store));
    Object.assign(result, await watchLatency(store, 100, 1000));
    await store.close();
    Object.assign(result, await sqliteChurn(dir, Number(process.env.BENCH_CHURN ?? 1_000_000)));
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchEtcd(): Promise<Rates> {
  const etcd = await startEtcd();
  try {
    const store = await EtcdStore.connect({ endpoints: [etcd.endpoint], prefix: "/bench/" });
    const result: Rates = { backend: "etcd" };
    Object.assign(result, await basicRates(store, 5_000));
    Object.assign(result, await listTimes(store));
    Object.assign(result, await watchLatency(store, 100, 500));
    await store.close();
    return result;
  } finally {
    await etcd.stop();
  }
}

const wanted = process.argv.slice(2);
const backends: [string, () => Promise<Rates>][] = [
  ["sqlite", benchSqlite],
  ["etcd", benchEtcd],
];
const results: Rates[] = [];
for (const [name, fn] of backends) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  results.push(await fn());
}
console.log(JSON.stringify({ bench: "store", date: new Date().toISOString(), results }, null, 2));
