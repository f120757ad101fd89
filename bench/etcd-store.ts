// EtcdStore throughput and watch latency against a throwaway etcd; prints one JSON object.
// Usage: node --import tsx bench/etcd-store.ts [--disk]   (--disk: data dir on tmpdir, not tmpfs)
import { tmpdir } from "node:os";
import { performance } from "node:perf_hooks";
import { EtcdStore } from "../src/storage/etcd/etcd-store.ts";
import type { WatchEvent } from "../src/storage/store.ts";
import { startRestartableEtcd } from "../test/support/etcd.ts";

const disk = process.argv.includes("--disk");
const writes = 5_000;
const inFlight = 100;
const value = JSON.stringify({
  kind: "Pod",
  metadata: { name: "x", labels: { app: "bench" } },
  spec: { a: "b".repeat(400) },
});

async function runPool(n: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await op(next++);
    }),
  );
  return performance.now() - start;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

const etcd = await startRestartableEtcd(disk ? { dataDirBase: tmpdir() } : {});
const store = await EtcdStore.connect({ endpoints: [etcd.endpoint], compaction: false });
try {
  // Warm up the JIT and the HTTP/2 connection first: the first thousands of calls cost twice as much.
  await runPool(3_000, inFlight, (i) => store.create(`bench/warmup/w${i}`, value));
  await runPool(3_000, inFlight, (i) => store.get(`bench/warmup/w${i}`));
  const cpuStart = process.cpuUsage();
  const createMs = await runPool(writes, inFlight, (i) => store.create(`bench/pods/p${i}`, value));
  const updateMs = await runPool(writes, inFlight, async (i) => {
    const kv = await store.get(`bench/pods/p${i}`);
    await store.update(`bench/pods/p${i}`, value, kv!.modRevision);
  });
  const getMs = await runPool(writes, inFlight, (i) => store.get(`bench/pods/p${i}`));
  const cpu = process.cpuUsage(cpuStart);
  const clientCpuUsPerRequest = Math.round((cpu.user + cpu.system) / (writes * 4));
  const listStart = performance.now();
  const listed = await store.list("bench/pods/");
  const listMs = performance.now() - listStart;

  // Watch latency: one write at a time, time from write start to event delivery.
  const latencies: number[] = [];
  let pending: { key: string; start: number; done: () => void } | undefined;
  const watcher = store.watch("bench/latency/", await store.currentRevision(), {
    onEvents: (events: WatchEvent[]) => {
      for (const e of events) {
        if (pending && e.type === "put" && e.kv.key === pending.key) {
          latencies.push(performance.now() - pending.start);
          pending.done();
        }
      }
    },
    onError: (err) => console.error(err),
  });
  for (let i = 0; i < 300; i++) {
    await new Promise<void>((resolve) => {
      pending = { key: `bench/latency/k${i}`, start: performance.now(), done: resolve };
      void store.create(pending.key, value);
    });
  }
  watcher.close();
  latencies.sort((a, b) => a - b);

  console.log(
    JSON.stringify({
      benchmark: "etcd-store",
      dataDir: disk ? "disk" : "tmpfs",
      inFlight,
      createsPerSec: Math.round(writes / (createMs / 1000)),
      getThenUpdatePerSec: Math.round(writes / (updateMs / 1000)),
      getsPerSec: Math.round(writes / (getMs / 1000)),
      clientCpuUsPerRequest,
      list5000Ms: Math.round(listMs),
      listedKeys: listed.kvs.length,
      watchLatencyMs: {
        p50: +percentile(latencies, 0.5).toFixed(2),
        p99: +percentile(latencies, 0.99).toFixed(2),
        max: +(latencies[latencies.length - 1] ?? 0).toFixed(2),
      },
    }),
  );
} finally {
  await store.close();
  await etcd.stop();
}
