// API server benchmark: `skiff server` (the bundled dist/skiff.cjs) driven over HTTPS by 1, 10 and
// 100 concurrent clients, for SQLite and etcd, next to the raw Store rate measured in the same run.
// Usage: npm run bench:api [-- sqlite|etcd ...]   Prints one JSON document.
// Each phase also reports the server's own CPU time per operation (from /proc, so neither the
// client's work nor time spent waiting for a busy machine's CPUs counts). SKIFF_BENCH_CLI runs
// another bundle (e.g. a baseline build) instead of dist/skiff.cjs; SKIFF_BENCH_NODE_ARGS adds
// node flags to the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). Each backend ends with
// `server_cpu_us_per_op` (the figures to compare while the machine is shared) and `targets`
// (the four targets, met or missed; wall-clock ones are only conclusive on a quiet machine).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parse as parseYaml } from "yaml";
import { EtcdStore } from "../src/storage/etcd/etcd-store.ts";
import { SqliteStore } from "../src/storage/sqlite/sqlite-store.ts";
import type { Store } from "../src/storage/store.ts";
import { type EtcdServer, startEtcd } from "../test/support/etcd.ts";

type Figures = Record<string, unknown>;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summary(latencies: number[], seconds: number): Figures {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    per_s: round(latencies.length / seconds, 0),
    p50_ms: round(percentile(s, 50), 2),
    p99_ms: round(percentile(s, 99), 2),
  };
}

interface Credentials {
  server: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

function readKubeconfig(path: string): Credentials {
  interface Kubeconfig {
    clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
    users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
  }
  const kc = parseYaml(readFileSync(path, "utf8")) as Kubeconfig;
  const cluster = kc.clusters[0]?.cluster;
  const user = kc.users[0]?.user;
  if (!cluster || !user) throw new Error(`no cluster or user in ${path}`);
  const b64 = (s: string) => Buffer.from(s, "base64");
  return {
    server: cluster.server,
    ca: b64(cluster["certificate-authority-data"]),
    cert: b64(user["client-certificate-data"]),
    key: b64(user["client-key-data"]),
  };
}

/** One HTTPS client: its own keep-alive connection, like one kubectl or controller. */
class Client {
  private readonly agent: https.Agent;
  constructor(private readonly creds: Credentials) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 1,
      ca: creds.ca,
      cert: creds.cert,
      key: creds.key,
    });
  }

  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
    return new Promise((done, fail) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        `${this.creds.server}${path}`,
        {
          method,
          agent: this.agent,
          headers: { accept: "application/json", ...(data ? { "content-type": "application/json" } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on("error", fail);
      req.end(data);
    });
  }

  async ok(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await this.request(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as Record<string, unknown>;
  }

  close(): void {
    this.agent.destroy();
  }
}

const configMap = (name: string, n = 0) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels: { app: "bench" } },
  data: { payload: "x".repeat(200), n: String(n) },
});

const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "bench" } },
  // No scheduler serves this name: the server's embedded scheduler would otherwise retry the
  // 11,000 pods (there are no nodes) for the rest of the run, and that CPU was counted as LIST's.
  spec: {
    schedulerName: "skiff-bench-unscheduled",
    containers: [{ name: "c", image: "busybox:1.36", command: ["sleep", "3600"] }],
  },
});

/** Closed loop: `clients` clients, each issuing its next request when the previous one ends. */
async function closedLoop(clients: Client[], total: number, op: (c: Client, i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await op(c, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return summary(latencies, (performance.now() - started) / 1000);
}

/** Open loop: writes issued at a fixed rate regardless of completions (the "p99 at 500 writes/s" figure). */
async function openLoop(
  clients: Client[],
  ratePerS: number,
  seconds: number,
  op: (c: Client, i: number) => Promise<unknown>,
) {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = ratePerS * seconds;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / ratePerS;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const client = clients[i % clients.length] as Client;
    const t = performance.now();
    pending.push(
      (async () => {
        await op(client, i);
        latencies.push(performance.now() - t);
      })(),
    );
  }
  await Promise.all(pending);
  return { target_per_s: ratePerS, ...summary(latencies, (performance.now() - started) / 1000) };
}

async function watchLatency(
  creds: Credentials,
  writer: Client,
  ns: string,
  writes: number,
): Promise<Figures> {
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const list = await writer.ok("GET", `/api/v1/namespaces/${ns}/configmaps?limit=1`);
  const rv = (list.metadata as { resourceVersion: string }).resourceVersion;
  const agent = new https.Agent({ ca: creds.ca, cert: creds.cert, key: creds.key });
  const req = https.get(
    `${creds.server}/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${rv}`,
    {
      agent,
      headers: { accept: "application/json" },
    },
  );
  let received = 0;
  const opened = new Promise<void>((ready) =>
    req.on("response", (res) => {
      let buf = "";
      res.on("data", (chunk: Buffer) => {
        const now = performance.now();
        buf += chunk.toString();
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const name = (JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name;
          const t0 = sent.get(name);
          if (t0 !== undefined) latencies.push(now - t0);
          received++;
          nl = buf.indexOf("\n");
        }
      });
      ready();
    }),
  );
  await opened;
  const started = performance.now();
  for (let i = 0; i < writes; i++) {
    const name = `w-${i}`;
    sent.set(name, performance.now());
    await writer.ok("POST", `/api/v1/namespaces/${ns}/configmaps`, configMap(name));
  }
  const deadline = Date.now() + 20_000;
  while (received < writes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  req.destroy();
  agent.destroy();
  const s = [...latencies].sort((a, b) => a - b);
  return {
    events: received,
    per_s: round(received / ((performance.now() - started) / 1000), 0),
    p50_ms: round(percentile(s, 50), 2),
    p99_ms: round(percentile(s, 99), 2),
  };
}

async function rawStoreCreateRate(store: Store, n: number): Promise<number> {
  const value = JSON.stringify(configMap("raw"));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < n) await store.create(`rawbench/${next++}`, value);
    }),
  );
  return round(n / ((performance.now() - started) / 1000), 0);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? round(Number(m[1]) / 1024) : Number.NaN;
}

/**
 * Memory only this process uses (private pages). RSS also counts the node binary's code pages,
 * which every node process shares (about 40 MB of a skiff server's RSS).
 */
function privateMb(pid: number): number {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  let kb = 0;
  for (const m of text.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB/gm)) kb += Number(m[1]);
  return round(kb / 1024);
}

/** CPU time (user + system, ms) the process has used so far. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
}

/** Runs `phase` and adds the server's CPU time per operation to its figures. */
async function withServerCpu(pid: number, ops: number, phase: () => Promise<Figures>): Promise<Figures> {
  const before = cpuMs(pid);
  const figures = await phase();
  return { ...figures, server_cpu_ms_per_op: round((cpuMs(pid) - before) / ops, 3) };
}

/**
 * Launch settings that trade a little CPU for memory (see idleWithLowMemoryLaunch): a 1 MB V8 semi-space,
 * two malloc arenas, large allocations through mmap (given back to the OS when freed).
 */
const lowMemoryNodeArgs = ["--max-semi-space-size=1"];
const lowMemoryEnv = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072" };

interface LaunchOptions {
  datastore?: string;
  extraNodeArgs?: string[];
  env?: Record<string, string>;
}

async function startServer(
  dir: string,
  launch: LaunchOptions = {},
): Promise<{ child: ChildProcess; url: string }> {
  const { datastore } = launch;
  const cli = resolve(process.env.SKIFF_BENCH_CLI ?? resolve(import.meta.dirname, "../dist/skiff.cjs"));
  const nodeArgs = [
    ...(process.env.SKIFF_BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean),
    ...(launch.extraNodeArgs ?? []),
  ];
  const args = [
    ...nodeArgs,
    cli,
    "server",
    "--disable-agent",
    "--disable-cluster-dns",
    // The ingress controller would bind ports 80/443: not part of the API server.
    "--disable-ingress",
    "--data-dir",
    dir,
    "--listen",
    "127.0.0.1:0",
  ];
  if (datastore) args.push("--datastore", datastore);
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...(launch.env ?? {}) },
  });
  const url = await new Promise<string>((ready, fail) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /ready at (https:\/\/\S+)/.exec(out);
      if (m?.[1]) ready(m[1]);
    });
    child.once("exit", (code) => fail(new Error(`skiff server exited with ${code}`)));
  });
  return { child, url };
}

/** SIGTERM, then SIGKILL if a graceful shutdown hangs (seen on a loaded machine, baseline too). */
async function stopServer(child: ChildProcess, label: string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  // The figures must still be printed: the server is killed after a while, reported on stderr.
  const killer = setTimeout(() => {
    process.stderr.write(`bench: skiff server (${label}) did not exit 30 s after SIGTERM; killing it\n`);
    child.kill("SIGKILL");
  }, 30_000);
  await exited;
  clearTimeout(killer);
}

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

interface Target {
  target: string;
  measured: number;
  limit: number;
  met: boolean;
  note?: string;
}

const at = (figures: Figures, ...path: string[]): number => {
  let v: unknown = figures;
  for (const p of path) v = (v as Record<string, unknown> | undefined)?.[p];
  return typeof v === "number" ? v : Number.NaN;
};

/** The targets, met or missed, from one backend's figures. */
function targets(f: Figures, quiet: boolean): Target[] {
  const wallNote = quiet
    ? undefined
    : "wall clock on a busy machine (load above the core count): not conclusive";
  const withNote = (t: Omit<Target, "met">, met: boolean, note?: string): Target => ({
    ...t,
    met,
    ...(note ? { note } : {}),
  });
  const p99 = at(f, "mutating_at_500_per_s", "p99_ms");
  const rate = at(f, "mutating_at_500_per_s", "per_s");
  const ratio = at(f, "api_to_raw_write_ratio");
  const list = at(f, "list_10000_pods", "p99_ms");
  const rss = at(f, "idle_rss_mb");
  return [
    withNote(
      { target: "mutating p99 at 500 writes/s (open loop), ms", measured: p99, limit: 20 },
      p99 <= 20 && rate >= 475,
      rate < 475 ? `only ${rate} writes/s achieved` : wallNote,
    ),
    withNote(
      { target: "API create rate / raw Store create rate (100 in flight)", measured: ratio, limit: 0.4 },
      ratio >= 0.4,
      wallNote,
    ),
    withNote({ target: "LIST 10,000 pods p99, ms", measured: list, limit: 300 }, list <= 300, wallNote),
    withNote(
      {
        target: "idle server RSS 3 s after ready, MB (`node dist/skiff.cjs server`)",
        measured: rss,
        limit: 80,
      },
      rss <= 80,
      `10 s after ready: ${at(f, "idle_rss_mb_10s")} MB; with --max-semi-space-size=1 and the malloc env (not applied by skiff): ${at(f, "idle_low_memory_launch", "idle_rss_mb")} MB`,
    ),
  ];
}

/** Server CPU per operation (µs), the figure that does not depend on how busy the machine is. */
function cpuSummary(f: Figures): Figures {
  const us = (...path: string[]) => Math.round(at(f, ...path) * 1000);
  return {
    configmap_create_10_clients: us("clients_10", "create", "server_cpu_ms_per_op"),
    configmap_get_10_clients: us("clients_10", "get", "server_cpu_ms_per_op"),
    configmap_update_10_clients: us("clients_10", "update", "server_cpu_ms_per_op"),
    configmap_create_100_clients: us("clients_100", "create", "server_cpu_ms_per_op"),
    configmap_create_open_loop_500_per_s: us("mutating_at_500_per_s", "server_cpu_ms_per_op"),
    pod_create_50_clients: us("pod_create_50_clients", "server_cpu_ms_per_op"),
    list_1000_pods: us("list_1000_pods", "server_cpu_ms_per_op"),
    list_10000_pods: us("list_10000_pods", "server_cpu_ms_per_op"),
  };
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
