// Workload controllers at scale: `skiff server` (API only), `skiff scheduler`,
// `skiff controller-manager` and `skiff sim --nodes N` as separate processes, so each one's CPU
// time is measured on its own. Prints JSON: for a Deployment of 1,000 replicas becoming available,
// its rolling update (default 25%/25%) and a burst of ReplicaSets, the wall time and the CPU ms of
// every component; ReplicaSet reconcile throughput; the controller-manager's peak RSS.
// Usage: node --import tsx bench/controllers.ts [replicas=1000] [nodes=100] [replicaSets=300]
// BENCH_CPU_PROF=<dir> writes a V8 CPU profile of every child there.
import type { ChildProcess } from "node:child_process";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { RestClient } from "../src/client/rest.ts";
import { SkiffServer } from "../test/support/skiff-server.ts";
import { CpuMeter, childPidWith, rssMb, startSkiff, stopChild, writeCounts } from "./controllers-procs.ts";

const replicas = Number(process.argv[2] ?? 1000);
const nodes = Number(process.argv[3] ?? 100);
const replicaSetCount = Number(process.argv[4] ?? 300);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Phase {
  seconds: number;
  cpuMs: Record<string, number>;
  /** Mutating API requests during the phase, by verb and resource (apiserver_request_total). */
  writes: Record<string, number>;
}

const server = new SkiffServer();
// BENCH_CPU_PROF profiles the API server too (the child inherits NODE_OPTIONS).
const profDir = process.env.BENCH_CPU_PROF;
if (profDir) process.env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${profDir}/server`;
await server.start(["--disable-controller-manager", "--disable-scheduler"]);
delete process.env.NODE_OPTIONS;
const children: ChildProcess[] = [];
const client = new RestClient({
  transport: new HttpsTransport({ connection: loadKubeconfig(server.kubeconfig) }),
});
try {
  const kc = ["--kubeconfig", server.kubeconfig];
  const sim = await startSkiff(["sim", ...kc, "--nodes", String(nodes)], "skiff sim ready");
  children.push(sim);
  const scheduler = await startSkiff(["scheduler", ...kc], "skiff scheduler running");
  children.push(scheduler);
  const cm = await startSkiff(["controller-manager", ...kc], "skiff controller-manager started");
  children.push(cm);
  const meter = new CpuMeter({
    apiServer: childPidWith(server.dir.path),
    scheduler: scheduler.pid,
    controllerManager: cm.pid,
    sim: sim.pid,
  });
  let peakRss = rssMb(cm.pid);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(cm.pid));
  }, 200);
  const writes = async () => writeCounts((await server.kubectl(["get", "--raw", "/metrics"])).stdout);
  const phase = async (work: () => Promise<void>): Promise<Phase> => {
    const writesBefore = await writes();
    const before = meter.sample();
    const t = performance.now();
    await work();
    const seconds = +((performance.now() - t) / 1000).toFixed(2);
    const cpuMs = CpuMeter.delta(before, meter.sample());
    return { seconds, cpuMs, writes: CpuMeter.delta(writesBefore, await writes()) };
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
  const available = await phase(async () => {
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
  });

  const rollingUpdate = await phase(async () => {
    await deployments.patch(
      "big",
      { spec: { template: { spec: { containers: [{ name: "c", image: "img:2" }] } } } },
      { type: "strategic", namespace: "default" },
    );
    await complete("big");
  });
  clearInterval(sampler);
  const cmCpu = (p: Phase) => p.cpuMs.controllerManager ?? 0;
  process.stdout.write(
    `${JSON.stringify(
      {
        nodes,
        replicas,
        deploymentAvailable: available,
        rollingUpdate,
        replicaSets: { count: replicaSetCount, ...replicaSets },
        replicaSetsReadyPerSecond: +(replicaSetCount / replicaSets.seconds).toFixed(1),
        controllerManagerCpuMsPerPod: {
          available: +(cmCpu(available) / replicas).toFixed(2),
          rollingUpdate: +(cmCpu(rollingUpdate) / replicas).toFixed(2),
          replicaSet: +(cmCpu(replicaSets) / replicaSetCount).toFixed(2),
        },
        controllerManagerPeakRssMb: peakRss,
        targets: {
          deploymentAvailableSeconds: { target: 5, measured: available.seconds, met: available.seconds <= 5 },
          rollingUpdateSeconds: {
            target: 15,
            measured: rollingUpdate.seconds,
            met: rollingUpdate.seconds <= 15,
          },
        },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  client.close();
  for (const c of children.reverse()) await stopChild(c);
  await server.stop();
}
