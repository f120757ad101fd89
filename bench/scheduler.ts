// Scheduler benchmark: an API server (SQLite, full handler chain) in this process, N hollow nodes
// (`skiff sim`, its own process: leases, pods run on a fake runtime) or with --bare-nodes plain
// Node objects, and `skiff scheduler` as its own process over HTTPS. Pods are created through the API; bound pods/s and creation→binding latency are taken
// from a watch; the scheduler's RSS from /proc. Runs: plain pods, then pods with required
// anti-affinity (one per node by hostname) on a fresh cluster.
// Usage: node --import tsx bench/scheduler.ts [--nodes 5000] [--pods 10000] [--affinity-pods 1000] [--bare-nodes]
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { parseCidr } from "../src/apiserver/alloc/cidr.ts";
import { startApiServer } from "../src/apiserver/apiserver.ts";
import { InProcessTransport } from "../src/cli/inprocess-transport.ts";
import { servedResources } from "../src/cli/resources.ts";
import { RestClient } from "../src/client/rest.ts";
import { nodesResource, podsResource } from "../src/scheduler/coords.ts";
import { SqliteStore } from "../src/storage/sqlite/sqlite-store.ts";

const args = process.argv.slice(2);
function flag(name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const pct = (s: number[], p: number) =>
  s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;

function procStatus(pid: number, field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m?.[1] ? Number(m[1]) / 1024 : Number.NaN;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function node(i: number): Node {
  const name = `hollow-${String(i).padStart(5, "0")}`;
  const cap = { cpu: "4", memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" };
  return {
    metadata: {
      name,
      labels: { "kubernetes.io/hostname": name, "topology.kubernetes.io/zone": `zone-${i % 3}` },
    },
    status: { capacity: cap, allocatable: cap, conditions: [{ type: "Ready", status: "True" }] },
  };
}

function pod(i: number, antiAffinity: boolean): Pod {
  const labels = { app: antiAffinity ? "anti" : "plain" };
  return {
    metadata: { name: `p-${i}`, namespace: "default", labels },
    spec: {
      containers: [{ name: "c", image: "busybox", resources: { requests: { cpu: "10m", memory: "10Mi" } } }],
      ...(antiAffinity
        ? {
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { labelSelector: { matchLabels: labels }, topologyKey: "kubernetes.io/hostname" },
                ],
              },
            },
          }
        : {}),
    },
  };
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

async function run(nodes: number, pods: number, antiAffinity: boolean): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "skiff-bench-sched-"));
  const store = SqliteStore.open({ path: join(dir, "state.db"), synchronous: "normal" });
  const server = await startApiServer({
    dataDir: dir,
    host: "127.0.0.1",
    port: 0,
    store,
    resources: servedResources(),
    serviceCidr: parseCidr("10.43.0.0/16"),
  });
  const transport = new InProcessTransport({
    handler: server.handler,
    user: { name: "bench", groups: ["system:masters"] },
  });
  const client = new RestClient({ transport });
  const nodeClient = client.resource<Node>(nodesResource);
  const podClient = client.resource<Pod>(podsResource);
  let child: ChildProcess | undefined;
  let sim: ChildProcess | undefined;
  const main = resolve(import.meta.dirname, "../src/cli/main.ts");
  try {
    const t0 = performance.now();
    if (args.includes("--bare-nodes")) {
      await pool(
        Array.from({ length: nodes }, (_, i) => i),
        32,
        async (i) => {
          await nodeClient.create(node(i));
        },
      );
    } else {
      const labels = "topology.kubernetes.io/zone=zone-{i%3}";
      const s = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          main,
          "sim",
          "--kubeconfig",
          server.kubeconfigPath,
          "--nodes",
          String(nodes),
          "--labels",
          labels,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      sim = s;
      await new Promise<void>((ready, fail) => {
        s.stdout?.on("data", (d: Buffer) => {
          if (d.toString().includes("ready")) ready();
        });
        s.once("exit", (code) => fail(new Error(`skiff sim exited ${code}`)));
      });
    }
    const nodesSeconds = (performance.now() - t0) / 1000;
    const c = spawn(
      process.execPath,
      ["--import", "tsx", main, "scheduler", "--kubeconfig", server.kubeconfigPath, "--no-leader-elect"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    child = c;
    const syncStart = performance.now();
    await new Promise<void>((ready, fail) => {
      c.stdout?.on("data", (d: Buffer) => {
        if (d.toString().includes("running")) ready();
      });
      c.once("exit", (code) => fail(new Error(`scheduler exited ${code}`)));
    });
    const syncSeconds = (performance.now() - syncStart) / 1000;
    const created = new Map<string, number>();
    const bound = new Map<string, number>();
    let allBound: () => void = () => {};
    const done = new Promise<void>((r) => {
      allBound = r;
    });
    const list = await podClient.list({ limit: 1 });
    const watch = await podClient.watch({ resourceVersion: list.metadata.resourceVersion ?? "" }, (e) => {
      if (e.type !== "MODIFIED" && e.type !== "ADDED") return;
      const name = e.object.metadata?.name ?? "";
      if (e.object.spec?.nodeName && !bound.has(name)) {
        bound.set(name, performance.now());
        if (bound.size === pods) allBound();
      }
    });
    const cpuBefore = child.pid ? cpuSeconds(child.pid) : 0;
    const apiCpuBefore = process.cpuUsage();
    const start = performance.now();
    let createdDone = 0;
    const creating = pool(
      Array.from({ length: pods }, (_, i) => i),
      64,
      async (i) => {
        created.set(`p-${i}`, performance.now());
        await podClient.create(pod(i, antiAffinity));
      },
    ).then(() => {
      createdDone = performance.now();
    });
    const timeout = new Promise<void>((r) => setTimeout(r, 600_000).unref());
    await Promise.race([Promise.all([creating, done]), timeout]);
    const end = performance.now();
    const apiCpu = process.cpuUsage(apiCpuBefore);
    const apiCpuSeconds = (apiCpu.user + apiCpu.system) / 1e6;
    watch.stop();
    const latencies = [...bound].map(([n, at]) => at - (created.get(n) ?? at)).sort((a, b) => a - b);
    const seconds = (end - start) / 1000;
    const pid = child.pid ?? 0;
    const schedulerCpuSeconds = cpuSeconds(pid) - cpuBefore;
    return {
      nodes,
      pods,
      antiAffinity,
      bound: bound.size,
      seconds: round(seconds, 2),
      bound_per_s: round(bound.size / seconds, 0),
      created_per_s: round(pods / ((createdDone - start) / 1000), 0),
      latency_p50_ms: round(pct(latencies, 50), 1),
      latency_p99_ms: round(pct(latencies, 99), 1),
      scheduler_rss_mb: round(procStatus(pid, "VmRSS"), 0),
      scheduler_peak_rss_mb: round(procStatus(pid, "VmHWM"), 0),
      // CPU per pod tells where the limit is on a shared machine: a process can do at most
      // 1000 / (ms per pod) pods/s on one core.
      scheduler_cpu_s: round(schedulerCpuSeconds, 1),
      scheduler_cpu_ms_per_pod: round((schedulerCpuSeconds * 1000) / pods, 2),
      apiserver_and_clients_cpu_s: round(apiCpuSeconds, 1),
      apiserver_and_clients_cpu_ms_per_pod: round((apiCpuSeconds * 1000) / pods, 2),
      load_average_1m: round(loadavg()[0] ?? 0, 1),
      hollow_nodes: !args.includes("--bare-nodes"),
      sim_rss_mb: sim?.pid ? round(procStatus(sim.pid, "VmRSS"), 0) : undefined,
      node_create_s: round(nodesSeconds, 1),
      scheduler_start_s: round(syncSeconds, 1),
    };
  } finally {
    for (const p of [child, sim]) {
      if (p && p.exitCode === null && p.signalCode === null) {
        const exited = new Promise((r) => p.once("exit", r));
        p.kill("SIGTERM");
        await exited;
      }
    }
    client.close();
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const nodes = flag("nodes", 5000);
const plain = await run(nodes, flag("pods", 10_000), false);
const anti = await run(nodes, flag("affinity-pods", 1000), true);
process.stdout.write(`${JSON.stringify({ benchmark: "scheduler", plain, antiAffinity: anti }, null, 2)}\n`);
