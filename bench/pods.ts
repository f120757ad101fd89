// Pod startup on a real node, beside the bare runtime floor measured in the same run: for each
// runtime (containerd, runc) a server plus `skiff agent` (bench slots 11 and 12 of
// test/kubelet/agent-support.ts), N busybox pods created at once, latency from the create request
// to Running seen by a watch; the agent's RSS idle and with the pods running. Then the floors:
// bench/runtime-floor.ts (CRI RunPodSandbox+Create+Start) and bench/runc-floor.ts (`runc run -d`).
// Usage: node --import tsx bench/pods.ts [pods=50]   (root; SKIFF_CHILD_BUNDLE=1 runs the agent
// from dist/skiff.cjs, as users do, instead of under tsx). Prints one JSON document.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
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
    await new Promise((r) => setTimeout(r, 3000));
    const idleRss = rssMb(c.agent.process.pid);
    const idleAnon = rssMb(c.agent.process.pid, "RssAnon");
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
    const loadedRss = rssMb(c.agent.process.pid);
    return {
      runtime,
      pods,
      startup_p50_ms: percentile(latencies, 50),
      startup_p99_ms: percentile(latencies, 99),
      all_running_ms: totalMs,
      agent_rss_idle_mb: idleRss,
      agent_rss_idle_anon_mb: idleAnon,
      agent_rss_with_pods_mb: loadedRss,
    };
  } finally {
    transport.close();
    const left = await c.teardown();
    if (left.length > 0) console.error(`${runtime}: left on the host:`, left);
  }
}

function floor(script: string, count: number): unknown {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", resolve(import.meta.dirname, script), String(count)],
    {
      encoding: "utf8",
    },
  );
  return JSON.parse(out.slice(out.indexOf("{")));
}

const result = {
  loadavg_1m: Math.round(loadavg()[0] ?? 0),
  cpus: cpus().length,
  agent: process.env.SKIFF_CHILD_BUNDLE === "1" ? "dist/skiff.cjs" : "src under tsx",
  containerd: await measure("containerd", 11),
  runc: await measure("runc", 12),
  floor_containerd_cri: floor("runtime-floor.ts", 20),
  floor_runc: floor("runc-floor.ts", 20),
};
console.log(JSON.stringify(result, null, 2));
