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
// Parts: scheduler-procs.ts (/proc CPU and RSS, children), scheduler-objects.ts (nodes, pods),
// scheduler-tracker.ts (watch bookkeeping), scheduler-phase.ts (one phase), scheduler-report.ts.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { Event, Node, Pod } from "kubernetes-types/core/v1.js";
import { startEmbeddedScheduler } from "../src/cli/scheduler.ts";
import { eventsResource, nodesResource, podsResource } from "../src/scheduler/coords.ts";
import { startBenchApi } from "./inprocess-api.ts";
import { profiled } from "./inprocess-profile.ts";
import { bareNode, type PodKind, pool } from "./scheduler-objects.ts";
import { type PhaseContext, round, runPhase, shown } from "./scheduler-phase.ts";
import { cpuDiff, cpuSampler, procStatus, readyLine, stopChild } from "./scheduler-procs.ts";
import { cpuPerPod, requestCounts, target } from "./scheduler-report.ts";
import { BindingTracker } from "./scheduler-tracker.ts";

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
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
// The sim's wire: https (its default, HTTP/1.1) or http2 (one shared TLS session).
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
const sample = cpuSampler(() => ({
  ...(scheduler ? { scheduler } : {}),
  ...(sim ? { sim } : {}),
}));
// Watch every pod: binding times for the runs; write counts (creates, bindings, status updates).
// Watch events: each bound pod's Scheduled event (`kubectl describe pod` shows it).
const tracker = new BindingTracker();
const phaseContext: PhaseContext = { pods: podClient, tracker, sample };
const runPods = (kind: PodKind, count: number, waitBound: boolean) =>
  profiled(serverProfDir, kind, () => runPhase(phaseContext, kind, count, waitBound));

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
  const watch = await podClient.watch({ resourceVersion: list.metadata.resourceVersion ?? "" }, (e) =>
    tracker.onPod(e),
  );
  const eventList = await eventClient.list({ namespace: "default", limit: 1 });
  const eventWatch = await eventClient.watch(
    { namespace: "default", resourceVersion: eventList.metadata.resourceVersion ?? "" },
    (e) => tracker.onEvent(e),
  );
  const t0 = performance.now();
  if (bareNodes) {
    await pool(
      Array.from({ length: nodes }, (_, i) => i),
      32,
      async (i) => {
        await nodeClient.create(bareNode(i));
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
  const requestsBefore = await requestCounts(client);
  const idle = await profiled(serverProfDir, "idle", async () => {
    const idleBefore = sample();
    await sleep(idleSeconds * 1000);
    return cpuDiff(idleBefore, sample());
  });
  const requestsAfter = await requestCounts(client);
  const idleRequests: Record<string, number> = {};
  for (const [k, v] of Object.entries(requestsAfter)) {
    const d = v - (requestsBefore[k] ?? 0);
    if (d > 0) idleRequests[k] = round(d / idle.seconds, 1);
  }
  result.background_requests_per_s = idleRequests;
  const background = {
    api: idle.api / idle.seconds,
    scheduler: idle.scheduler / idle.seconds,
    sim: idle.sim / idle.seconds,
  };

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

  const perPod = { split, cores, background, calibration, calibrationPods };
  const plainCpu = cpuPerPod(perPod, plain, plainPods);
  const antiCpu = cpuPerPod(perPod, anti, antiPods);
  const simRss = procStatus(sim?.pid, "VmRSS");
  const schedRss = procStatus(scheduler?.pid ?? process.pid, "VmRSS");
  Object.assign(result, {
    background_cpu_ms_per_s: {
      [split ? "api" : "server"]: round(background.api, 1),
      ...(split ? { scheduler: round(background.scheduler, 1) } : {}),
      sim: round(background.sim, 1),
    },
    calibration: shown(calibration, split),
    plain: {
      ...shown(plain, split),
      [split ? "scheduler_rss_mb" : "server_rss_mb"]: round(plainRss, 0),
      cpu_per_pod: plainCpu,
    },
    antiAffinity: { ...shown(anti, split), cpu_per_pod: antiCpu },
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
      plain_scheduled_events: target(tracker.eventCount.plain, plain.bound ?? 0),
      anti_affinity_scheduled_events: target(tracker.eventCount.anti, anti.bound ?? 0),
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
