// Scheduler benchmark (issue 4): an API server (SQLite, full handler chain) in this process, N hollow
// nodes (`skiff sim`, its own process) or with --bare-nodes plain Node objects, and the scheduler.
// Default (the headline figure): the scheduler embedded in the server process on the in-process
// transport, wired exactly as `skiff server` does (startEmbeddedScheduler), with the server's
// datastore durability (synchronous=full). --split runs `skiff scheduler` as its own process over
// HTTPS instead, which splits the CPU between API server and scheduler (attribution). Either way
// this process also runs the bench's own in-process client (pod creates, a pod watch and an event
// watch): about 0.1–0.2 ms of the server figure per pod is that client, not the server.
// Pods are created through the API; bound pods/s and creation→binding latency come from a watch.
// Wall clock means little on a shared machine, so every phase also takes each process's CPU time
// and splits it per pod and component:
//   background  idle cluster (lease renewals, heartbeats) per second, subtracted below
//   calibration pods nobody schedules: API create + watch fan-out, scheduler informer per pod
//   run         the rest per pod: API binding/status/event writes, scheduler cycle + binding POST,
//               sim's pod handling + status patches
// Two runs on one cluster: plain pods, then pods with required anti-affinity (one per hostname).
// Usage: node --import tsx bench/scheduler.ts [--nodes 5000] [--pods 10000] [--affinity-pods 1000]
//          [--split] [--bare-nodes] [--calibration-pods 1000] [--idle-seconds 5] [--cpu-prof DIR]
//          [--sim-stats] [--synchronous normal] [--lease-renew 10s] [--sim-transport http2|https]
// Unless --sim-stats, the sim runs with --no-stats and the API server's metrics collector scrapes
// once a day: scraping 5,000 kubelets is not scheduling work (upstream's scheduler_perf runs no
// metrics-server), and without the sim's stats listener it would dial unroutable node addresses.
// --cpu-prof DIR: V8 profiles of the children (DIR/sim, DIR/scheduler) and of this process per phase
// (DIR/server/{idle,calibration,plain,anti}.cpuprofile). It costs each profiled process about
// 100 ms of CPU per second: take figures without it.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { Event, Node, Pod } from "kubernetes-types/core/v1.js";
import { startEmbeddedScheduler } from "../src/cli/scheduler.ts";
import { eventsResource, nodesResource, podsResource } from "../src/scheduler/coords.ts";
import { startBenchApi } from "./inprocess-api.ts";
import { profiled } from "./inprocess-profile.ts";

const args = process.argv.slice(2);
function flag(name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}
function textFlag(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

const began = performance.now();
const progress = (msg: string) =>
  process.stderr.write(`[bench/scheduler +${((performance.now() - began) / 1000).toFixed(1)}s] ${msg}\n`);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const pct = (s: number[], p: number) =>
  s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function procStatus(pid: number | undefined, field: string): number {
  if (!pid) return Number.NaN;
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m?.[1] ? Number(m[1]) / 1024 : Number.NaN;
}

/** CPU ms (user + system) of a child process, from /proc (clock ticks of 10 ms). */
function childCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface CpuSample {
  at: number;
  api: number;
  scheduler: number;
  sim: number;
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

type PodKind = "plain" | "anti" | "calibration";

function pod(i: number, kind: PodKind): Pod {
  const labels = { app: kind };
  return {
    metadata: { name: `${kind}-${i}`, namespace: "default", labels },
    spec: {
      // Calibration pods name a scheduler nobody runs: they cost the API and the watchers, never a cycle.
      ...(kind === "calibration" ? { schedulerName: "bench-nobody" } : {}),
      containers: [{ name: "c", image: "busybox", resources: { requests: { cpu: "10m", memory: "10Mi" } } }],
      ...(kind === "anti"
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

/** Waits for a line containing `word` on the child's stdout. */
function readyLine(c: ChildProcess, word: string, what: string): Promise<void> {
  return new Promise<void>((ready, fail) => {
    c.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes(word)) ready();
    });
    c.once("exit", (code) => fail(new Error(`${what} exited ${code}`)));
  });
}

/** SIGTERM, then SIGKILL after 10 s: a graceful stop of 5,000 hollow nodes is not what is measured. */
async function stopChild(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once("exit", r));
  p.kill("SIGTERM");
  const timer = setTimeout(() => p.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

const nodes = flag("nodes", 5000);
const plainPods = flag("pods", 10_000);
const antiPods = flag("affinity-pods", 1000);
const calibrationPods = flag("calibration-pods", Math.min(1000, plainPods));
const idleSeconds = flag("idle-seconds", 5);
const bareNodes = args.includes("--bare-nodes");
const simStats = args.includes("--sim-stats");
const split = args.includes("--split");
// E.g. 1s with 500 nodes: 5,000 nodes' renewal rate (500/s) at a tenth of the registration cost.
const leaseRenew = textFlag("lease-renew");
// The sim's wire: http2 (its default, one shared TLS session) or https (HTTP/1.1, a socket per request).
const simTransport = textFlag("sim-transport");
// `skiff server` opens its store with synchronous=full (acknowledged writes are fsynced).
const synchronous = textFlag("synchronous") === "normal" ? "normal" : "full";
// One anti-affinity pod per hostname: more pods than nodes would wait for the 10-minute timeout.
if (antiPods > nodes) throw new Error(`--affinity-pods (${antiPods}) must not exceed --nodes (${nodes})`);
const cpuProfDir = textFlag("cpu-prof");
if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
// This process (API server, embedded scheduler) is profiled per phase: idle, calibration, plain, anti.
const serverProfDir = cpuProfDir ? join(cpuProfDir, "server") : undefined;
if (serverProfDir) mkdirSync(serverProfDir, { recursive: true });
const cores = 2;

const api = await startBenchApi({
  prefix: "skiff-bench-sched-",
  synchronous,
  ...(simStats ? {} : { metricResolutionMs: 86_400_000 }),
});
const { server, client } = api;
const nodeClient = client.resource<Node>(nodesResource);
const eventClient = client.resource<Event>(eventsResource);
const podClient = client.resource<Pod>(podsResource);
const main = resolve(import.meta.dirname, "../src/cli/main.ts");
const nodeArgs = (name: string) => [
  // One directory per process: the tsx loader thread writes a profile of its own beside the main one.
  ...(cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", join(cpuProfDir, name)] : []),
  "--import",
  "tsx",
  main,
];
let sim: ChildProcess | undefined;
let scheduler: ChildProcess | undefined;
let embedded: { stop(): Promise<void> } | undefined;
const sample = (): CpuSample => ({
  at: performance.now(),
  api: ownCpuMs(),
  scheduler: childCpuMs(scheduler?.pid),
  sim: childCpuMs(sim?.pid),
});
const diff = (a: CpuSample, b: CpuSample) => ({
  seconds: (b.at - a.at) / 1000,
  api: b.api - a.api,
  scheduler: b.scheduler - a.scheduler,
  sim: b.sim - a.sim,
});

// Watch every pod: binding times for the runs; write counts (creates, bindings, status updates).
// Watch events: each bound pod's Scheduled event (`kubectl describe pod` shows it).
const created = new Map<string, number>();
const bound = new Map<string, number>();
const writes = { added: 0, modified: 0 };
// Counted as they come: scanning `bound` per watch event was quadratic in this (measured) process.
const boundCount: Record<PodKind, number> = { plain: 0, anti: 0, calibration: 0 };
const scheduledEvents = new Set<string>();
const eventCount: Record<PodKind, number> = { plain: 0, anti: 0, calibration: 0 };
const kindOf = (name: string) => name.slice(0, name.indexOf("-")) as PodKind;
let boundWaiter: { kind: PodKind; count: number; done: () => void } | undefined;
let eventWaiter: { kind: PodKind; count: number; done: () => void } | undefined;
const boundOf = (kind: PodKind) => boundCount[kind] ?? 0;

function onBound(name: string): void {
  bound.set(name, performance.now());
  const kind = kindOf(name);
  boundCount[kind] = (boundCount[kind] ?? 0) + 1;
  if (boundWaiter?.kind === kind && boundCount[kind] >= boundWaiter.count) boundWaiter.done();
}

function onScheduledEvent(podName: string): void {
  if (scheduledEvents.has(podName)) return;
  scheduledEvents.add(podName);
  const kind = kindOf(podName);
  eventCount[kind] = (eventCount[kind] ?? 0) + 1;
  if (eventWaiter?.kind === kind && eventCount[kind] >= eventWaiter.count) eventWaiter.done();
}

/** Resolves when `counts[kind]` reaches `count` (now or later), or after 10 minutes. */
function reached(
  counts: Record<PodKind, number>,
  kind: PodKind,
  count: number,
  set: (w: { kind: PodKind; count: number; done: () => void }) => void,
): Promise<"done" | "timeout"> {
  const done = new Promise<"done">((resolve) => {
    set({ kind, count, done: () => resolve("done") });
    if ((counts[kind] ?? 0) >= count) resolve("done");
  });
  // Unref'd: a pending timer must not keep the process alive after the results are printed.
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 600_000).unref());
  return Promise.race([done, timeout]);
}

async function runPods(kind: PodKind, count: number, waitBound: boolean): Promise<Record<string, number>> {
  return profiled(serverProfDir, kind, () => runPhase(kind, count, waitBound));
}

async function runPhase(kind: PodKind, count: number, waitBound: boolean): Promise<Record<string, number>> {
  const before = sample();
  const start = performance.now();
  const writesBefore = { ...writes };
  let createdAt = start;
  const allBound = waitBound
    ? reached(boundCount, kind, count, (w) => {
        boundWaiter = w;
      })
    : Promise.resolve("done" as const);
  await pool(
    Array.from({ length: count }, (_, i) => i),
    64,
    async (i) => {
      created.set(`${kind}-${i}`, performance.now());
      await podClient.create(pod(i, kind));
    },
  );
  createdAt = performance.now();
  const outcome = await allBound;
  const end = performance.now();
  // The phase's work includes every bound pod's Scheduled event: wait for them too.
  const events = waitBound
    ? await reached(eventCount, kind, count, (w) => {
        eventWaiter = w;
      })
    : "done";
  const eventsAt = performance.now();
  // Let status updates of the last pods land, so their CPU is counted in this phase.
  if (waitBound) await sleep(1000);
  const cpu = diff(before, sample());
  const latencies = [...bound]
    .filter(([n]) => n.startsWith(`${kind}-`))
    .map(([n, at]) => at - (created.get(n) ?? at))
    .sort((a, b) => a - b);
  const seconds = (end - start) / 1000;
  return {
    pods: count,
    bound: boundOf(kind),
    ...(outcome === "timeout" ? { timedOut: 1 } : {}),
    scheduled_events: eventCount[kind] ?? 0,
    ...(events === "timeout" ? { eventsTimedOut: 1 } : {}),
    // From the last binding until the last Scheduled event was seen.
    events_lag_s: round((eventsAt - end) / 1000, 2),
    seconds: round(seconds, 2),
    bound_per_s: round(boundOf(kind) / seconds, 0),
    created_per_s: round(count / ((createdAt - start) / 1000), 0),
    latency_p50_ms: round(pct(latencies, 50), 1),
    latency_p99_ms: round(pct(latencies, 99), 1),
    cpu_seconds: round(cpu.seconds, 2),
    api_cpu_ms: round(cpu.api, 0),
    scheduler_cpu_ms: round(cpu.scheduler, 0),
    sim_cpu_ms: round(cpu.sim, 0),
    pod_writes: writes.added - writesBefore.added + writes.modified - writesBefore.modified,
  };
}

/** A phase as printed: embedded, the one server process's CPU is `server_cpu_ms`. */
function shown(phase: Record<string, number>): Record<string, number> {
  if (split) return phase;
  const { api_cpu_ms, scheduler_cpu_ms: _none, ...rest } = phase;
  return { ...rest, server_cpu_ms: api_cpu_ms ?? 0 };
}

/** apiserver_request_total by "VERB resource/subresource", read from the server's /metrics. */
async function requestCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const res = await client.transport.request({
    method: "GET",
    path: "/metrics",
    headers: { accept: "text/plain" },
  });
  for (const line of res.body.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const m = /verb="(\w+)".*resource="(\w*)".*subresource="(\w*)".*\} (\d+)/.exec(line);
    if (!m) continue;
    const key = `${m[1]} ${m[2]}${m[3] ? `/${m[3]}` : ""}`;
    out[key] = (out[key] ?? 0) + Number(m[4]);
  }
  return out;
}

const result: Record<string, unknown> = {
  benchmark: "scheduler",
  // embedded: API server + scheduler in one process (what `skiff server` runs); split: two processes.
  mode: split ? "split" : "embedded",
  synchronous,
  nodes,
  ...(leaseRenew ? { lease_renew: leaseRenew } : {}),
  ...(simTransport ? { sim_transport: simTransport } : {}),
  hollow_nodes: !bareNodes,
  sim_stats: simStats,
};
try {
  const list = await podClient.list({ limit: 1 });
  const watch = await podClient.watch({ resourceVersion: list.metadata.resourceVersion ?? "" }, (e) => {
    if (e.type === "ADDED") writes.added++;
    else if (e.type === "MODIFIED") writes.modified++;
    if (e.type !== "MODIFIED" && e.type !== "ADDED") return;
    const name = e.object.metadata?.name ?? "";
    if (e.object.spec?.nodeName && !bound.has(name)) onBound(name);
  });
  const eventList = await eventClient.list({ namespace: "default", limit: 1 });
  const eventWatch = await eventClient.watch(
    { namespace: "default", resourceVersion: eventList.metadata.resourceVersion ?? "" },
    (e) => {
      if (e.type === "ADDED" && e.object.reason === "Scheduled")
        onScheduledEvent(e.object.involvedObject?.name ?? "");
    },
  );
  const t0 = performance.now();
  if (bareNodes) {
    await pool(
      Array.from({ length: nodes }, (_, i) => i),
      32,
      async (i) => {
        await nodeClient.create(node(i));
      },
    );
  } else {
    const labels = "topology.kubernetes.io/zone=zone-{i%3}";
    sim = spawn(
      process.execPath,
      [
        ...nodeArgs("sim"),
        "sim",
        "--kubeconfig",
        server.kubeconfigPath,
        "--nodes",
        String(nodes),
        "--labels",
        labels,
        ...(simStats ? [] : ["--no-stats"]),
        ...(leaseRenew ? ["--lease-renew", leaseRenew] : []),
        ...(simTransport ? ["--transport", simTransport] : []),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await readyLine(sim, "ready", "skiff sim");
  }
  progress(`${nodes} nodes ready`);
  result.node_create_s = round((performance.now() - t0) / 1000, 1);
  const t1 = performance.now();
  if (split) {
    scheduler = spawn(
      process.execPath,
      [...nodeArgs("scheduler"), "scheduler", "--kubeconfig", server.kubeconfigPath, "--no-leader-elect"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await readyLine(scheduler, "running", "scheduler");
  } else {
    await new Promise<void>((started) => {
      embedded = startEmbeddedScheduler({ handler: server.handler, onStarted: started });
    });
  }
  progress("scheduler running");
  result.scheduler_start_s = round((performance.now() - t1) / 1000, 1);

  // Background: the idle cluster's cost per second (leases, node status), subtracted from the phases.
  await sleep(2000);
  const requestsBefore = await requestCounts();
  const idle = await profiled(serverProfDir, "idle", async () => {
    const idleBefore = sample();
    await sleep(idleSeconds * 1000);
    return diff(idleBefore, sample());
  });
  const requestsAfter = await requestCounts();
  const idleRequests: Record<string, number> = {};
  for (const [k, v] of Object.entries(requestsAfter)) {
    const d = v - (requestsBefore[k] ?? 0);
    if (d > 0) idleRequests[k] = round(d / idle.seconds, 1);
  }
  result.background_requests_per_s = idleRequests;
  const bg = {
    api: idle.api / idle.seconds,
    scheduler: idle.scheduler / idle.seconds,
    sim: idle.sim / idle.seconds,
  };
  const net = (phase: Record<string, number>, what: "api" | "scheduler" | "sim", pods: number) =>
    round(((phase[`${what}_cpu_ms`] ?? 0) - bg[what] * (phase.cpu_seconds ?? 0)) / pods, 3);

  progress("idle window measured; calibration pods");
  const calibration = await runPods("calibration", calibrationPods, false);
  await sleep(1000);
  progress("plain pods");
  const plain = await runPods("plain", plainPods, true);
  const plainRss = procStatus(scheduler?.pid ?? process.pid, "VmRSS");
  progress("anti-affinity pods");
  const anti = await runPods("anti", antiPods, true);
  progress("done; stopping");
  watch.stop();
  eventWatch.stop();

  const apiCreate = net(calibration, "api", calibrationPods);
  const schedInformer = net(calibration, "scheduler", calibrationPods);
  const perPod = (phase: Record<string, number>, pods: number) => {
    const api = net(phase, "api", pods);
    const sched = net(phase, "scheduler", pods);
    const simMs = net(phase, "sim", pods);
    const total = api + sched + simMs;
    const gross = (phase.api_cpu_ms ?? 0) + (phase.scheduler_cpu_ms ?? 0) + (phase.sim_cpu_ms ?? 0);
    const background = (bg.api + bg.scheduler + bg.sim) * (phase.cpu_seconds ?? 0);
    const parts = split
      ? {
          api_create_and_fanout_ms: apiCreate,
          api_binding_status_events_ms: round(api - apiCreate, 3),
          scheduler_informer_ms: schedInformer,
          scheduler_cycle_binding_events_ms: round(sched - schedInformer, 3),
        }
      : {
          // One process: API server, embedded scheduler and this bench's client and watch.
          server_create_and_fanout_ms: apiCreate,
          server_cycle_binding_status_events_ms: round(api - apiCreate, 3),
        };
    return {
      // Before subtracting the idle background; the net split below is only trustworthy when the
      // background is a small share of the phase (a quiet machine, a short phase).
      gross_cpu_ms_per_pod: round(gross / pods, 3),
      background_share: round(background / Math.max(gross, 1), 2),
      total_cpu_ms_per_pod: round(total, 3),
      ...parts,
      sim_pod_handling_and_status_ms: simMs,
      pod_writes_per_pod: round((phase.pod_writes ?? 0) / pods, 2),
      // What 2 cores could do with nobody else on them: (cores − background) / CPU per pod.
      cpu_bound_pods_per_s: round((cores * 1000 - (bg.api + bg.scheduler + bg.sim)) / total, 0),
    };
  };
  const plainCpu = perPod(plain, plainPods);
  const antiCpu = perPod(anti, antiPods);
  const simRss = procStatus(sim?.pid, "VmRSS");
  const schedRss = procStatus(scheduler?.pid ?? process.pid, "VmRSS");
  const target = (value: number, min: number | undefined, max?: number) => ({
    value,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    met: (min === undefined || value >= min) && (max === undefined || value <= max),
  });
  Object.assign(result, {
    background_cpu_ms_per_s: {
      [split ? "api" : "server"]: round(bg.api, 1),
      ...(split ? { scheduler: round(bg.scheduler, 1) } : {}),
      sim: round(bg.sim, 1),
    },
    calibration: shown(calibration),
    plain: {
      ...shown(plain),
      [split ? "scheduler_rss_mb" : "server_rss_mb"]: round(plainRss, 0),
      cpu_per_pod: plainCpu,
    },
    antiAffinity: { ...shown(anti), cpu_per_pod: antiCpu },
    // Embedded: the whole server process (API server, store, scheduler, this bench's watch).
    [split ? "scheduler_rss_mb" : "server_rss_mb"]: round(schedRss, 0),
    [split ? "scheduler_peak_rss_mb" : "server_peak_rss_mb"]: round(
      procStatus(scheduler?.pid ?? process.pid, "VmHWM"),
      0,
    ),
    sim_rss_mb: round(simRss, 0),
    load_average_1m: round(loadavg()[0] ?? 0, 1),
    targets: {
      plain_bound_per_s: target(plain.bound_per_s ?? 0, 1000),
      // `kubectl describe pod` shows Scheduled: every bound pod must have its event.
      plain_scheduled_events: target(eventCount.plain, plain.bound ?? 0),
      anti_affinity_scheduled_events: target(eventCount.anti, anti.bound ?? 0),
      anti_affinity_bound_per_s: target(anti.bound_per_s ?? 0, 200),
      ...(bareNodes ? {} : { sim_rss_mb: target(round(simRss, 0), undefined, 1024) }),
      // Independent of other load on the machine: the rate 2 quiet cores would sustain.
      plain_cpu_bound_pods_per_s: target(plainCpu.cpu_bound_pods_per_s, 1000),
      anti_affinity_cpu_bound_pods_per_s: target(antiCpu.cpu_bound_pods_per_s, 200),
    },
  });
  // Printed before the cleanup, so a slow shutdown cannot lose the figures.
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await embedded?.stop();
  await stopChild(scheduler);
  await stopChild(sim);
  progress("children stopped");
  await api.close();
  progress("server closed");
}
