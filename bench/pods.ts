// Pod startup on a real node, beside the bare runtime floor measured in the same run: for each
// runtime (containerd, runc) a server plus `skiff agent` (bench slots 11 and 12 of
// test/kubelet/agent-support.ts), N busybox pods created at once, latency from the create request
// to Running seen by a watch; the agent's RSS idle and with the pods running, its CPU per pod and the
// whole node's (every process of the run, in a cpuacct cgroup: node_cpu_ms_per_pod). Then
// the floors: bench/runtime-floor.ts (CRI RunPodSandbox+Create+Start, pod by pod) and
// bench/runc-floor.ts (`runc run -d`, and Skiff's runc runtime without kubelet). `targets` says
// whether each of issue 6's targets is met. Usage: `npm run bench:pods` (= build, then
// SKIFF_CHILD_BUNDLE=1 node --import tsx bench/pods.ts [pods=50]); root. With the bundle the agent
// starts as the `skiff` bin starts it (dist/skiff.cjs's shebang: malloc/V8 settings). Prints JSON.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import type { Pod } from "kubernetes-types/core/v1.js";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { RestClient } from "../src/client/rest.ts";
import { resources } from "../src/kubelet/agent/api.ts";
import { busybox, startNodeCluster } from "../test/kubelet/agent-support.ts";

const pods = Number(process.argv[2] ?? 50);

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)] ?? 0);
}

/** User+system CPU of a process so far, in ms (/proc/PID/stat, clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Every process of a run (this script, the server, the agent and everything they spawn: containerd
// and its shims, conmon, runc, CNI plugins, mount) in one cpuacct cgroup, so the node's whole CPU per
// pod start is measured, not only the agent's. With 2 cores it bounds how fast 50 pods can start.
const benchCgroup = `/sys/fs/cgroup/cpuacct/skiff-bench-pods-${process.pid}`;
function joinBenchCgroup(): boolean {
  try {
    mkdirSync(benchCgroup);
    writeFileSync(`${benchCgroup}/cgroup.procs`, String(process.pid));
    return true;
  } catch {
    return false;
  }
}
const nodeCpuMs = (): number => {
  try {
    return Number(readFileSync(`${benchCgroup}/cpuacct.usage`, "utf8")) / 1e6;
  } catch {
    return Number.NaN;
  }
};
async function leaveBenchCgroup(): Promise<void> {
  writeFileSync("/sys/fs/cgroup/cpuacct/cgroup.procs", String(process.pid));
  // Monitors (conmon, shims) of deleted pods exit shortly after the teardown.
  for (let i = 0; i < 50; i++) {
    try {
      rmdirSync(benchCgroup);
      return;
    } catch {
      await settle(200);
    }
  }
  console.error(`left on the host: cgroup ${benchCgroup}`);
}

/** A /proc/PID/status figure in MB (VmRSS; RssAnon is the process's own, RssFile mostly node's binary). */
function rssMb(pid: number | undefined, field = "VmRSS"): number {
  if (!pid) return 0;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function measure(runtime: "containerd" | "runc", index: number) {
  const c = await startNodeCluster({ index, runtime });
  const transport = new HttpsTransport({ connection: loadKubeconfig(c.server.kubeconfig), maxSockets: 32 });
  const client = new RestClient({ transport });
  const podClient = client.resource<Pod>(resources.pods);
  try {
    // Warm the image and settle: the figure is for pods whose image is present.
    await c.apply(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: warm}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers: [{name: c, image: ${busybox}, command: [sleep, "3600"]}]\n`,
    );
    await c.waitPod("warm", (p) => p.status?.phase === "Running", "running");
    // Idle: the agent has started one pod and settled (V8's memory reducer starts after 8 s).
    await settle(10_000);
    const pid = c.agent.process.pid;
    const idleRss = rssMb(pid);
    const idleAnon = rssMb(pid, "RssAnon");
    const cpuBefore = cpuMs(pid);
    const nodeCpuBefore = nodeCpuMs();
    const created = new Map<string, number>();
    const running = new Map<string, number>();
    let done: () => void = () => undefined;
    const all = new Promise<void>((r) => {
      done = r;
    });
    const watch = await podClient.watch({ namespace: "default", resourceVersion: "" }, (e) => {
      if (e.type === "ERROR") return;
      const name = e.object.metadata?.name ?? "";
      if (e.object.status?.phase === "Running" && created.has(name) && !running.has(name)) {
        running.set(name, performance.now());
        if (running.size === pods) done();
      }
    });
    const began = performance.now();
    await Promise.all(
      Array.from({ length: pods }, async (_, i) => {
        const name = `bench-${i}`;
        created.set(name, performance.now());
        await podClient.create(
          {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name, namespace: "default" },
            spec: {
              terminationGracePeriodSeconds: 0,
              containers: [{ name: "c", image: busybox, command: ["sleep", "3600"] }],
            },
          },
          { namespace: "default" },
        );
      }),
    );
    await all;
    const totalMs = Math.round(performance.now() - began);
    watch.stop();
    const latencies = [...running].map(([n, t]) => t - (created.get(n) ?? t)).sort((a, b) => a - b);
    const startCpu = cpuMs(pid) - cpuBefore;
    const nodeCpu = nodeCpuMs() - nodeCpuBefore;
    const loadedRss = rssMb(pid);
    await settle(10_000);
    return {
      runtime,
      pods,
      startup_p50_ms: percentile(latencies, 50),
      startup_p99_ms: percentile(latencies, 99),
      all_running_ms: totalMs,
      agent_cpu_ms_per_pod: Math.round((startCpu / pods) * 10) / 10,
      // Server + agent + runtime + CNI + this script's client and watch (containers' own CPU once
      // they run is charged to their pod cgroups, not here).
      node_cpu_ms_per_pod: Math.round((nodeCpu / pods) * 10) / 10,
      agent_rss_idle_mb: idleRss,
      agent_rss_idle_anon_mb: idleAnon,
      agent_rss_with_pods_mb: loadedRss,
      agent_rss_with_pods_settled_mb: rssMb(pid),
    };
  } finally {
    transport.close();
    const left = await c.teardown();
    if (left.length > 0) console.error(`${runtime}: left on the host:`, left);
  }
}

function floor(script: string, count: number): Record<string, unknown> {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", resolve(import.meta.dirname, script), String(count)],
    {
      encoding: "utf8",
    },
  );
  return JSON.parse(out.slice(out.indexOf("{")));
}

type Figures = { p50_ms: number; p99_ms: number };
const num = (v: unknown): number => (typeof v === "number" ? v : Number.NaN);
const figures = (v: unknown): Figures => {
  const o = (v ?? {}) as Record<string, unknown>;
  return { p50_ms: num(o.p50_ms), p99_ms: num(o.p99_ms) };
};

const inCgroup = joinBenchCgroup();
let containerd: Awaited<ReturnType<typeof measure>>;
let runc: Awaited<ReturnType<typeof measure>>;
try {
  containerd = await measure("containerd", 11);
  runc = await measure("runc", 12);
} finally {
  if (inCgroup) await leaveBenchCgroup();
}
const floorCri = floor("runtime-floor.ts", 20);
const floorRunc = floor("runc-floor.ts", 20);
// The pod floors the 2x target compares with: a pod's sandbox and container without kubelet or API
// (CRI for containerd; Skiff's runc runtime, i.e. netns + CNI + `runc` under conmon, for runc).
const criPod = figures(floorCri.pod_floor);
const runcRuntime = (floorRunc.runcRuntime ?? {}) as Record<string, unknown>;
const runcSandbox = figures(runcRuntime.runPodSandbox);
const runcContainer = figures(runcRuntime.createAndStartContainer);
const runcPod = {
  p50_ms: runcSandbox.p50_ms + runcContainer.p50_ms,
  p99_ms: runcSandbox.p99_ms + runcContainer.p99_ms,
};
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const target = (measured: number, limit: number) => ({ measured, limit, met: measured <= limit });
const result = {
  loadavg_1m: Math.round(loadavg()[0] ?? 0),
  cpus: cpus().length,
  agent:
    process.env.SKIFF_CHILD_BUNDLE === "1" ? "dist/skiff.cjs (launched as the skiff bin)" : "src under tsx",
  containerd,
  runc,
  floor_containerd_cri: floorCri,
  floor_runc: floorRunc,
  targets: {
    containerd_p99_ms_le_1000: target(containerd.startup_p99_ms, 1000),
    runc_p99_ms_le_1000: target(runc.startup_p99_ms, 1000),
    containerd_p50_le_2x_cri_pod_floor: target(ratio(containerd.startup_p50_ms, criPod.p50_ms), 2),
    containerd_p99_le_2x_cri_pod_floor: target(ratio(containerd.startup_p99_ms, criPod.p99_ms), 2),
    runc_p50_le_2x_runc_pod_floor: target(ratio(runc.startup_p50_ms, runcPod.p50_ms), 2),
    runc_p99_le_2x_runc_pod_floor: target(ratio(runc.startup_p99_ms, runcPod.p99_ms), 2),
    agent_rss_idle_mb_le_60: {
      containerd: target(containerd.agent_rss_idle_mb, 60),
      runc: target(runc.agent_rss_idle_mb, 60),
    },
  },
  floors_used: { containerd_cri_pod: criPod, runc_runtime_pod: runcPod },
  notes:
    "startup: 50 pods created at once (they queue on the node), floors: one pod at a time. CPU figures are the" +
    " honest ones on a shared machine; wall-clock latency needs a quiet one.",
};
console.log(JSON.stringify(result, null, 2));
