// Workload controllers at scale, in two configurations:
// - embedded: `skiff server` as users run it (scheduler and controllers in the server process,
//   over the in-process transport) plus `skiff sim --nodes N`;
// - split: `skiff server` (API only), `skiff scheduler`, `skiff controller-manager` and
//   `skiff sim` as separate processes, so each one's CPU time is measured on its own.
// Prints JSON per configuration: for a Deployment of 1,000 replicas becoming available, its
// rolling update (default 25%/25%) and a burst of ReplicaSets, the wall time, the CPU ms of every
// component, each main thread's time on a core / waiting for one / asleep, the API requests
// (writes by verb/resource/subresource, reads, watch events sent; `writesPerPod` divides them by
// the replicas), controller syncs per queue (embedded), and a timeline (when pods were created, bound, Running, Ready, deleted; when the ReplicaSet and
// Deployment status counts moved); ReplicaSet reconcile throughput; the controllers' peak RSS.
// Usage: node --import tsx bench/controllers.ts [replicas=1000] [nodes=100] [replicaSets=300]
//   [--mode split|embedded|both (default both)] [--no-timeline]
// --no-timeline leaves out the bench's own watches (one more pod watcher costs the API server a
// little per pod event) and with them the timeline.
// BENCH_CPU_PROF=<dir> writes a V8 CPU profile of every process there.
import type { ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { RestClient } from "../src/client/rest.ts";
import { SkiffServer } from "../test/support/skiff-server.ts";
import {
  CpuMeter,
  childPidWith,
  countDelta,
  type RequestCounts,
  requestCounts,
  rssMb,
  startSkiff,
  stopChild,
} from "./controllers-procs.ts";
import { Timeline } from "./controllers-timeline.ts";

type Mode = "split" | "embedded";
const modeAt = process.argv.indexOf("--mode");
const modeArg = modeAt >= 0 ? process.argv[modeAt + 1] : "both";
const withTimeline = !process.argv.includes("--no-timeline");
const positional = process.argv
  .slice(2)
  .filter((a, i, all) => all[i - 1] !== "--mode" && !a.startsWith("--"));
const replicas = Number(positional[0] ?? 1000);
const nodes = Number(positional[1] ?? 100);
const replicaSetCount = Number(positional[2] ?? 300);
const modes: Mode[] = modeArg === "both" ? ["embedded", "split"] : [modeArg as Mode];
if (!modes.every((m) => m === "split" || m === "embedded"))
  throw new Error(`--mode ${modeArg}: split, embedded or both`);
/** Node heartbeats: their count follows the nodes and the phase's length, not the pods. */
const backgroundWrites = new Set(["PUT leases", "PATCH leases", "PATCH nodes/status", "PUT nodes/status"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Phase {
  seconds: number;
  cpuMs: Record<string, number>;
  /** Mutating API requests during the phase, by verb and resource (apiserver_request_total). */
  writes: Record<string, number>;
  /** GET/LIST/WATCH requests during the phase (the bench's own polling GETs included). */
  reads: Record<string, number>;
  /** Watch events the server sent, by resource. */
  watchEvents: Record<string, number>;
  /** Syncs per controller queue (embedded only: the server's /metrics shows its own controllers). */
  syncs: Record<string, number>;
  /** Main thread per component: ms on a core, waiting for one (load), asleep (waiting on others). */
  mainThreadMs: Record<string, { onCpu: number; runQueue: number; idle: number }>;
  /** When pods reached each milestone and the status counts moved (ms from the phase's start). */
  timeline?: Record<string, unknown>;
}

const results: Record<string, unknown> = {};
for (const mode of modes) results[mode] = await run(mode);
process.stdout.write(`${JSON.stringify({ nodes, replicas, ...results }, null, 2)}\n`);

async function run(mode: Mode): Promise<Record<string, unknown>> {
  const server = new SkiffServer();
  // BENCH_CPU_PROF profiles the API server too (the child inherits NODE_OPTIONS).
  const profDir = process.env.BENCH_CPU_PROF;
  // NODE_OPTIONS may not carry --cpu-prof: a preloaded module runs the profiler instead.
  if (profDir) {
    mkdirSync(`${profDir}/server`, { recursive: true });
    process.env.NODE_OPTIONS = `--import ${resolve(import.meta.dirname, "cpu-prof-hook.mjs")}`;
    process.env.BENCH_PROF_HOOK_DIR = `${profDir}/server`;
  }
  await server.start(mode === "split" ? ["--disable-controller-manager", "--disable-scheduler"] : []);
  delete process.env.NODE_OPTIONS;
  delete process.env.BENCH_PROF_HOOK_DIR;
  const children: ChildProcess[] = [];
  const client = new RestClient({
    transport: new HttpsTransport({ connection: loadKubeconfig(server.kubeconfig) }),
  });
  try {
    // Before the sim starts: its command line names the server's kubeconfig too.
    const serverPid = childPidWith(server.dir.path);
    const kc = ["--kubeconfig", server.kubeconfig];
    const sim = await startSkiff(["sim", ...kc, "--nodes", String(nodes)], "skiff sim ready");
    children.push(sim);
    let scheduler: ChildProcess | undefined;
    let cm: ChildProcess | undefined;
    if (mode === "split") {
      scheduler = await startSkiff(["scheduler", ...kc], "skiff scheduler running");
      children.push(scheduler);
      cm = await startSkiff(["controller-manager", ...kc], "skiff controller-manager started");
      children.push(cm);
    }
    // Embedded, "apiServer" is the whole `skiff server`: API, scheduler and controllers.
    const meter = new CpuMeter({
      apiServer: serverPid,
      ...(scheduler ? { scheduler: scheduler.pid } : {}),
      ...(cm ? { controllerManager: cm.pid } : {}),
      sim: sim.pid,
    });
    const controllersPid = cm?.pid ?? serverPid;
    let peakRss = rssMb(controllersPid);
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMb(controllersPid));
    }, 200);
    const counts = async (): Promise<RequestCounts> =>
      requestCounts((await server.kubectl(["get", "--raw", "/metrics"])).stdout);
    const phase = async (
      work: () => Promise<void>,
      openTimeline?: () => Promise<Timeline>,
    ): Promise<Phase> => {
      const countsBefore = await counts();
      const timeline = await openTimeline?.();
      timeline?.begin();
      const before = meter.sample();
      const schedBefore = meter.sched();
      const t = performance.now();
      await work();
      const wallMs = performance.now() - t;
      const seconds = +(wallMs / 1000).toFixed(2);
      const cpuMs = CpuMeter.delta(before, meter.sample());
      const countsAfter = await counts();
      return {
        seconds,
        cpuMs,
        mainThreadMs: CpuMeter.threadTime(schedBefore, meter.sched(), wallMs),
        writes: countDelta(countsBefore.writes, countsAfter.writes),
        reads: countDelta(countsBefore.reads, countsAfter.reads),
        watchEvents: countDelta(countsBefore.watchEvents, countsAfter.watchEvents),
        syncs: countDelta(countsBefore.syncs, countsAfter.syncs),
        ...(timeline ? { timeline: timeline.summary() } : {}),
      };
    };
    const deployments = client.resource<Deployment>({
      group: "apps",
      version: "v1",
      resource: "deployments",
      namespaced: true,
      kind: "Deployment",
    });
    const sets = client.resource<ReplicaSet>({
      group: "apps",
      version: "v1",
      resource: "replicasets",
      namespaced: true,
      kind: "ReplicaSet",
    });

    const podClient = client.resource<Pod>({
      group: "",
      version: "v1",
      resource: "pods",
      namespaced: true,
      kind: "Pod",
    });
    const timeline = () =>
      Timeline.open({
        pods: podClient,
        deployments,
        replicaSets: sets,
        namespace: "default",
        labelSelector: "app=big",
        deployment: "big",
        replicas,
      });
    const complete = async (name: string): Promise<void> => {
      for (;;) {
        const d = await deployments.get(name, { namespace: "default" });
        const s = d.status ?? {};
        if (
          (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
          s.updatedReplicas === replicas &&
          s.replicas === replicas &&
          s.availableReplicas === replicas
        )
          return;
        await sleep(100);
      }
    };

    const replicaSets = await phase(async () => {
      // First, on an idle cluster: the Deployment phases leave 1,000 pods behind.
      for (let i = 0; i < replicaSetCount; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, replicaSetCount - i) }, (_, j) =>
            sets.create({
              metadata: { name: `rs-${i + j}`, namespace: "default" },
              spec: {
                replicas: 1,
                selector: { matchLabels: { rs: `rs-${i + j}` } },
                template: {
                  metadata: { labels: { rs: `rs-${i + j}` } },
                  spec: { containers: [{ name: "c", image: "img:1" }] },
                },
              },
            }),
          ),
        );
      }
      for (;;) {
        const list = await sets.listAll({ namespace: "default", labelSelector: "" });
        const done = list.items.filter(
          (rs) => rs.metadata?.name?.startsWith("rs-") && rs.status?.readyReplicas === 1,
        );
        if (done.length >= replicaSetCount) break;
        await sleep(200);
      }
    });
    const available = await phase(
      async () => {
        await deployments.create({
          metadata: { name: "big", namespace: "default" },
          spec: {
            replicas,
            selector: { matchLabels: { app: "big" } },
            template: {
              metadata: { labels: { app: "big" } },
              spec: { containers: [{ name: "c", image: "img:1" }] },
            },
          },
        });
        await complete("big");
      },
      withTimeline ? timeline : undefined,
    );

    const rollingUpdate = await phase(
      async () => {
        await deployments.patch(
          "big",
          { spec: { template: { spec: { containers: [{ name: "c", image: "img:2" }] } } } },
          { type: "strategic", namespace: "default" },
        );
        await complete("big");
      },
      withTimeline ? timeline : undefined,
    );
    clearInterval(sampler);
    const cmCpu = (p: Phase) => p.cpuMs.controllerManager ?? 0;
    // Writes per pod of the Deployment; `pipeline` leaves out the nodes' heartbeats (per node, not per pod).
    const perPod = (p: Phase) => {
      const sum = (w: Record<string, number>) => Object.values(w).reduce((a, n) => a + n, 0);
      const pipeline = Object.fromEntries(Object.entries(p.writes).filter(([k]) => !backgroundWrites.has(k)));
      return {
        total: +(sum(p.writes) / replicas).toFixed(2),
        pipeline: +(sum(pipeline) / replicas).toFixed(2),
        byRequest: countDelta({}, pipeline, replicas),
        watchEventsPerPod: countDelta({}, p.watchEvents, replicas),
      };
    };
    const total = (p: Phase) =>
      Object.entries(p.cpuMs).reduce((a, [k, v]) => (k === "benchClient" ? a : a + v), 0);
    return {
      deploymentAvailable: available,
      rollingUpdate,
      replicaSets: { count: replicaSetCount, ...replicaSets },
      replicaSetsReadyPerSecond: +(replicaSetCount / replicaSets.seconds).toFixed(1),
      cpuMsPerPod: {
        // All components but the bench's own client.
        total: {
          available: +(total(available) / replicas).toFixed(2),
          rollingUpdate: +(total(rollingUpdate) / replicas).toFixed(2),
        },
        // The `skiff server` process (embedded: API, scheduler and controllers), all threads.
        apiServer: {
          available: +((available.cpuMs.apiServer ?? 0) / replicas).toFixed(2),
          rollingUpdate: +((rollingUpdate.cpuMs.apiServer ?? 0) / replicas).toFixed(2),
        },
        ...(mode === "split"
          ? {
              controllerManager: {
                available: +(cmCpu(available) / replicas).toFixed(2),
                rollingUpdate: +(cmCpu(rollingUpdate) / replicas).toFixed(2),
                replicaSet: +(cmCpu(replicaSets) / replicaSetCount).toFixed(2),
              },
            }
          : {}),
      },
      writesPerPod: { available: perPod(available), rollingUpdate: perPod(rollingUpdate) },
      // Embedded, the whole server's.
      controllersPeakRssMb: peakRss,
      targets: {
        deploymentAvailableSeconds: { target: 5, measured: available.seconds, met: available.seconds <= 5 },
        rollingUpdateSeconds: {
          target: 15,
          measured: rollingUpdate.seconds,
          met: rollingUpdate.seconds <= 15,
        },
      },
    };
  } finally {
    client.close();
    for (const c of children.reverse()) await stopChild(c);
    await server.stop();
  }
}
