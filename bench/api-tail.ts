// Where the mutating tail comes from: ConfigMap creates paced at R/s in-process (SQLite
// synchronous=full, as `skiff server`), with the latency percentiles next to the main-thread
// stalls that can explain them — event-loop delay, GC pauses (by kind), SQLite commits
// (applyAll: the transaction, including SQLite's automatic WAL checkpoints) and compactor rounds
// (compaction chunks, and every 10th round the incremental vacuum + WAL TRUNCATE checkpoint).
// Usage: node --import tsx bench/api-tail.ts [RATE=500] [SECONDS=10]
// Run it on a quiet machine: on a loaded one every pause is stretched by waiting for a core.
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { Compactor } from "../src/storage/sqlite/compactor.ts";
import { Writer } from "../src/storage/sqlite/writer.ts";
import { configMapsResource, startBenchApi } from "./inprocess-api.ts";

const rate = Number(process.argv[2] ?? 500);
const seconds = Number(process.argv[3] ?? 10);
const round = (n: number) => Math.round(n * 10) / 10;

/** Wraps a prototype method to record how long each call held the main thread. */
function timeCalls(proto: object, method: string): number[] {
  const times: number[] = [];
  const target = proto as Record<string, unknown>;
  const original = target[method] as (...a: unknown[]) => unknown;
  target[method] = function (this: unknown, ...a: unknown[]) {
    const t = performance.now();
    try {
      return original.apply(this, a);
    } finally {
      times.push(performance.now() - t);
    }
  };
  return times;
}
const commits = timeCalls(Writer.prototype, "applyAll");
const compactions = timeCalls(Compactor.prototype, "compact");
const shrinks = timeCalls(Compactor.prototype, "shrink");
const gcs: { kind: number; ms: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    gcs.push({ kind: (e as unknown as { detail: { kind: number } }).detail.kind, ms: e.duration });
});
gcObserver.observe({ entryTypes: ["gc"] });

const api = await startBenchApi({ prefix: "skiff-bench-tail-", synchronous: "full" });
const configMaps = api.client.resource<ConfigMap>(configMapsResource);
for (const times of [commits, compactions, shrinks]) times.length = 0;
gcs.length = 0;
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const latencies: number[] = [];
const all: Promise<void>[] = [];
const began = performance.now();
for (let i = 0; i < rate * seconds; i++) {
  const due = began + (i * 1000) / rate - performance.now();
  if (due > 0) await new Promise((r) => setTimeout(r, due));
  const t = performance.now();
  all.push(
    configMaps
      .create({ metadata: { name: `c-${i}` }, data: { payload: "x".repeat(200) } }, { namespace: "default" })
      .then(() => {
        latencies.push(performance.now() - t);
      }),
  );
}
await Promise.all(all);
loop.disable();
gcObserver.disconnect();
latencies.sort((a, b) => a - b);
const at = (q: number) => round(latencies[Math.floor((latencies.length - 1) * q)] ?? 0);
const stalls = (times: number[]) => ({
  count: times.length,
  total_ms: round(times.reduce((s, x) => s + x, 0)),
  max_ms: round(Math.max(0, ...times)),
  over_10ms: times.filter((x) => x > 10).map(round),
});
// PerformanceEntry gc kinds: 1 scavenge (young generation), 2 minor mark-sweep, 4 mark-sweep-compact, 8 incremental, 16 weak callbacks.
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: "api-tail",
      rate,
      seconds,
      latency_ms: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) },
      event_loop_delay_ms: {
        p50: round(loop.percentile(50) / 1e6),
        p99: round(loop.percentile(99) / 1e6),
        max: round(loop.max / 1e6),
      },
      sqlite_commits: stalls(commits),
      compactions: stalls(compactions),
      shrinks: stalls(shrinks),
      gc: {
        ...stalls(gcs.map((g) => g.ms)),
        over_10ms_by_kind: gcs.filter((g) => g.ms > 10).map((g) => `${g.kind}:${round(g.ms)}`),
      },
    },
    null,
    2,
  )}\n`,
);
await api.close();
