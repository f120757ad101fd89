// API server benchmark: `skiff server` (the bundled dist/skiff.cjs) driven over HTTPS by 1, 10 and
// 100 concurrent clients, for SQLite and etcd, next to the raw Store rate measured in the same run.
// Usage: npm run bench:api [-- sqlite|etcd ...]   Prints one JSON document.
// Each phase also reports the server's own CPU time per operation (from /proc, so neither the
// client's work nor time spent waiting for a busy machine's CPUs counts). SKIFF_BENCH_CLI runs
// another bundle (e.g. a baseline build) instead of dist/skiff.cjs; SKIFF_BENCH_NODE_ARGS adds
// node flags to the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). Each backend ends with
// `server_cpu_us_per_op` (the figures to compare while the machine is shared) and `targets`
// (the four targets, met or missed; wall-clock ones are only conclusive on a quiet machine).
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { EtcdStore } from "../src/storage/etcd/etcd-store.ts";
import { SqliteStore } from "../src/storage/sqlite/sqlite-store.ts";
import type { Store } from "../src/storage/store.ts";
import { type EtcdServer, startEtcd } from "../test/support/etcd.ts";
import {
  Client,
  closedLoop,
  configMap,
  type Figures,
  openLoop,
  percentile,
  pod,
  readKubeconfig,
  round,
} from "./api-client.ts";
import {
  cpuMs,
  lowMemoryEnv,
  lowMemoryNodeArgs,
  privateMb,
  rssMb,
  startServer,
  stopServer,
  withServerCpu,
} from "./api-server.ts";
import { at, cpuSummary, targets } from "./api-targets.ts";
import { rawStoreCreateRate, watchLatency } from "./api-watch.ts";

const idleSettleMs = 3000;
const idleLaterMs = 10_000;

/** SKIFF_BENCH_SCALE (e.g. 0.05) shrinks every count, to check the bench itself quickly. */
const scale = Number(process.env.SKIFF_BENCH_SCALE ?? 1);
const scaled = (n: number): number => Math.max(1, Math.round(n * scale));

/**
 * Idle RSS of a server started with lowMemoryNodeArgs and lowMemoryEnv, for comparison: the
 * launcher (src/cli/launch.ts) gets most of their effect from inside the process (start-up V8
 * flags, the bundle read in small chunks); these launch settings themselves cannot be applied from
 * inside: V8 sizes the young generation and glibc its arenas before any JavaScript runs.
 */
async function idleWithLowMemoryLaunch(backend: string, datastore: string | undefined): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), `skiff-bench-api-${backend}-lowmem-`));
  try {
    const { child } = await startServer(dir, {
      ...(datastore ? { datastore } : {}),
      extraNodeArgs: lowMemoryNodeArgs,
      env: lowMemoryEnv,
    });
    await new Promise((r) => setTimeout(r, idleSettleMs));
    const pid = child.pid ?? 0;
    const figures = {
      node_args: lowMemoryNodeArgs.join(" "),
      env: lowMemoryEnv,
      idle_rss_mb: rssMb(pid),
      idle_private_mb: privateMb(pid),
    };
    await stopServer(child, `${backend}, low-memory launch`);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchBackend(backend: "sqlite" | "etcd"): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), `skiff-bench-api-${backend}-`));
  let etcd: EtcdServer | undefined;
  let child: ChildProcess | undefined;
  try {
    if (backend === "etcd") etcd = await startEtcd();
    const datastore = etcd ? `etcd://${etcd.endpoint.replace(/^https?:\/\//, "")}` : undefined;
    const lowMemory = await idleWithLowMemoryLaunch(backend, datastore);
    const server = await startServer(dir, datastore ? { datastore } : {});
    child = server.child;
    await new Promise((r) => setTimeout(r, idleSettleMs));
    const pid = child.pid ?? 0;
    const figures: Figures = {
      backend,
      // The machine is shared: wall-clock figures mean little when this is above the core count.
      load_average_at_start: round(loadavg()[0] ?? 0, 2),
      // 3 s after the ready line (the target's figure), and again later: V8's memory reducer
      // gives back some more once the process has been idle for a while.
      idle_rss_mb: rssMb(pid),
      idle_private_mb: privateMb(pid),
    };
    await new Promise((r) => setTimeout(r, idleLaterMs - idleSettleMs));
    figures.idle_rss_mb_10s = rssMb(pid);
    figures.idle_low_memory_launch = lowMemory;
    const creds = readKubeconfig(join(dir, "kubeconfig"));
    const admin = new Client(creds);
    for (const ns of ["warmup", "bench", "list1k", "list10k", "watch"]) {
      await admin.ok("POST", "/api/v1/namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: ns },
      });
    }
    // Warm-up: the first requests run unoptimized code and pay for JIT compilation (background
    // threads count in the server's CPU time), which would be charged to the 1-client figures.
    const warmers = Array.from({ length: 10 }, () => new Client(creds));
    await closedLoop(warmers, scaled(500), async (c, i) => {
      const path = `/api/v1/namespaces/warmup/configmaps`;
      const o = await c.ok("POST", path, configMap(`w-${i}`));
      const body = { ...configMap(`w-${i}`, 1), metadata: { ...(o.metadata as object) } };
      await c.ok("GET", `${path}/w-${i}`);
      await c.ok("PUT", `${path}/w-${i}`, body);
    });
    for (const c of warmers) c.close();
    for (const concurrency of [1, 10, 100]) {
      const clients = Array.from({ length: concurrency }, () => new Client(creds));
      const n = scaled(concurrency === 1 ? 500 : 3000);
      const prefix = `c${concurrency}`;
      const rvs: string[] = [];
      const create = await withServerCpu(pid, n, () =>
        closedLoop(clients, n, async (c, i) => {
          const o = await c.ok("POST", "/api/v1/namespaces/bench/configmaps", configMap(`${prefix}-${i}`));
          rvs[i] = (o.metadata as { resourceVersion: string }).resourceVersion;
        }),
      );
      const get = await withServerCpu(pid, n, () =>
        closedLoop(clients, n, (c, i) => c.ok("GET", `/api/v1/namespaces/bench/configmaps/${prefix}-${i}`)),
      );
      const update = await withServerCpu(pid, n, () =>
        closedLoop(clients, n, async (c, i) => {
          const body = configMap(`${prefix}-${i}`, 1) as ReturnType<typeof configMap> & {
            metadata: { resourceVersion?: string };
          };
          body.metadata.resourceVersion = rvs[i];
          await c.ok("PUT", `/api/v1/namespaces/bench/configmaps/${prefix}-${i}`, body);
        }),
      );
      figures[`clients_${concurrency}`] = { create, get, update };
      for (const c of clients) c.close();
    }
    const writers = Array.from({ length: 20 }, () => new Client(creds));
    const openSeconds = Math.max(1, Math.round(10 * scale));
    figures.mutating_at_500_per_s = await withServerCpu(pid, 500 * openSeconds, () =>
      openLoop(writers, 500, openSeconds, (c, i) =>
        c.ok("POST", "/api/v1/namespaces/bench/configmaps", configMap(`open-${i}`)),
      ),
    );
    // Lists: 1,000 pods in one namespace, 10,000 in another; LIST of each, 10 times.
    const loaders = Array.from({ length: 50 }, () => new Client(creds));
    await closedLoop(loaders, scaled(1000), (c, i) =>
      c.ok("POST", "/api/v1/namespaces/list1k/pods", pod(`p-${i}`)),
    );
    const podCount = scaled(10_000);
    figures.pod_create_50_clients = await withServerCpu(pid, podCount, () =>
      closedLoop(loaders, podCount, (c, i) => c.ok("POST", "/api/v1/namespaces/list10k/pods", pod(`p-${i}`))),
    );
    for (const c of loaders) c.close();
    for (const [name, ns] of [
      ["list_1000_pods", "list1k"],
      ["list_10000_pods", "list10k"],
    ] as const) {
      const times: number[] = [];
      const cpuBefore = cpuMs(pid);
      let bytes = 0;
      for (let i = 0; i < 10; i++) {
        const t = performance.now();
        const res = await admin.request("GET", `/api/v1/namespaces/${ns}/pods`);
        if (res.status !== 200) throw new Error(`list ${ns}: ${res.status}`);
        times.push(performance.now() - t);
        bytes = res.body.length;
      }
      times.sort((a, b) => a - b);
      figures[name] = {
        p50_ms: round(percentile(times, 50)),
        p99_ms: round(percentile(times, 99)),
        server_cpu_ms_per_op: round((cpuMs(pid) - cpuBefore) / 10),
        response_mb: round(bytes / 1048576),
      };
    }
    figures.watch = await watchLatency(creds, admin, "watch", scaled(1000));
    figures.loaded_rss_mb = rssMb(pid);
    figures.load_average_at_end = round(loadavg()[0] ?? 0, 2);
    admin.close();
    for (const c of writers) c.close();
    // The raw Store in this same run, for the API-overhead ratio.
    const raw: Store = etcd
      ? await EtcdStore.connect({ endpoints: [etcd.endpoint], prefix: "/rawbench/", compaction: false })
      : SqliteStore.open({ path: join(dir, "raw.db") });
    const rawCpu = process.cpuUsage();
    const rawCount = scaled(backend === "sqlite" ? 20_000 : 5_000);
    const rawRate = await rawStoreCreateRate(raw, rawCount);
    const rawUsed = process.cpuUsage(rawCpu);
    // For SQLite this is the Store's own CPU (it runs in this process); etcd's is elsewhere.
    figures.raw_store_client_cpu_us_per_create = Math.round((rawUsed.user + rawUsed.system) / rawCount);
    await raw.close();
    const api100 = (figures.clients_100 as { create: { per_s: number } }).create.per_s;
    figures.raw_store_create_100_in_flight_per_s = rawRate;
    figures.api_to_raw_write_ratio = round(api100 / rawRate, 3);
    figures.server_cpu_us_per_op = cpuSummary(figures);
    const quiet =
      Math.max(at(figures, "load_average_at_start"), at(figures, "load_average_at_end")) < cpus().length;
    figures.targets = targets(figures, quiet);
    return figures;
  } finally {
    if (child) await stopServer(child, backend);
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const wanted = process.argv.slice(2);
const results: Figures[] = [];
for (const backend of ["sqlite", "etcd"] as const) {
  if (wanted.length > 0 && !wanted.includes(backend)) continue;
  results.push(await benchBackend(backend));
}
console.log(JSON.stringify({ bench: "api", date: new Date().toISOString(), results }, null, 2));
