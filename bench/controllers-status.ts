// API server CPU per hollow-kubelet status write, in-process (full handler chain, SQLite, W pod
// watchers like the embedded scheduler and controller-manager): the Pending → Running patch a
// pod worker sends for a freshly bound pod, and the terminal patch after a graceful delete, each
// either as the changed fields only (what src/kubelet/hollow/pod-worker.ts sends) or as the whole
// status (what it sent before). CPU is this process's: server plus the worker's own diffing.
// Pods alternate between the two, one write at a time.
// Usage: node --import tsx bench/controllers-status.ts [--pods 1000] [--watchers 2] [--rounds 2]
import type { Pod, PodStatus } from "kubernetes-types/core/v1.js";
import type { Watch } from "../src/client/watch.ts";
import { ManualClock } from "../src/kubelet/clock.ts";
import { PodWorker } from "../src/kubelet/hollow/pod-worker.ts";
import { FakeRuntime } from "../src/kubelet/runtime/fake/fake-runtime.ts";
import { PodIpAllocator, parseIpv4Cidr } from "../src/kubelet/runtime/fake/ipam.ts";
import { podsResource } from "../src/scheduler/coords.ts";
import { startBenchApi } from "./inprocess-api.ts";

const args = process.argv.slice(2);
const flag = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1] ?? def) : def;
};
const podCount = flag("pods", 1000);
const watchers = flag("watchers", 2);
const rounds = flag("rounds", 2);
const concurrency = 16;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function pool(items: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items) await fn(next++);
    }),
  );
}

// synchronous=normal: one write at a time would otherwise wait on an fsync each (not CPU).
const api = await startBenchApi({ prefix: "skiff-bench-status-", synchronous: "normal" });
const pods = api.client.resource<Pod>(podsResource);
const watches: Watch[] = [];
type Mode = "changed" | "whole";
let seq = 0;

/** Creates and binds `podCount` pods; returns them as the worker's informer would see them. */
async function boundPods(): Promise<Pod[]> {
  const out: Pod[] = [];
  const round = seq++;
  await pool(podCount, async (i) => {
    const name = `p-${round}-${i}`;
    const created = await pods.create({
      metadata: { name, namespace: "default", labels: { app: "big" } },
      spec: { containers: [{ name: "c", image: "img:1" }] },
    });
    await pods.createSubresource(
      name,
      "binding",
      {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name, namespace: "default", uid: created.metadata?.uid },
        target: { apiVersion: "v1", kind: "Node", name: "hollow-node-0" },
      },
      { namespace: "default" },
    );
    out[i] = await pods.get(name, { namespace: "default" });
  });
  return out;
}

/** One pod worker whose writes go to the API; `whole` sends the worker's full status instead. */
function worker(mode: Mode, latest: Map<string, Pod>): PodWorker {
  const clock = new ManualClock(Date.now());
  const runtime = new FakeRuntime({ clock, ipam: new PodIpAllocator(parseIpv4Cidr("10.64.0.0/16")) });
  let full: PodStatus | undefined;
  const w: PodWorker = new PodWorker({
    nodeName: "hollow-node-0",
    hostIP: "10.192.0.1",
    runtime,
    clock,
    wake: () => {},
    api: {
      patchStatus: async (pod, status) => {
        const body = mode === "whole" ? (full ?? status) : status;
        const updated = await pods.patch(
          pod.metadata?.name ?? "",
          { metadata: { uid: pod.metadata?.uid }, status: body },
          { type: "strategic", subresource: "status", namespace: "default" },
        );
        latest.set(pod.metadata?.name ?? "", updated);
      },
      deleteNow: async (pod) => {
        await pods.delete(pod.metadata?.name ?? "", {
          namespace: "default",
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata?.uid ?? "" },
        });
      },
    },
  });
  // "whole" needs the status the worker computed, before its diff: wrap its private write step.
  const inner = w as unknown as { write: (p: Pod, r: unknown, s: PodStatus) => Promise<void> };
  const write = inner.write.bind(w);
  inner.write = (p, r, s) => {
    full = s;
    return write(p, r, s);
  };
  return w;
}

/**
 * µs of CPU per pod and mode: the Running patch, and the terminal patch plus the final DELETE.
 * Pods alternate between the modes one at a time, so a shared machine's drift hits both alike.
 */
async function measure(): Promise<Record<string, number>> {
  const bound = await boundPods();
  const latest = new Map<string, Pod>();
  const modeOf = (i: number): Mode => (i % 2 === 0 ? "whole" : "changed");
  // One worker per pod: each pod's status is independent.
  const workers = bound.map((_, i) => worker(modeOf(i), latest));
  const key = (p: Pod) => `default/${p.metadata?.name}`;
  const spent: Record<string, number> = {};
  const timed = async (name: string, fn: () => Promise<void>) => {
    const before = cpuMs();
    await fn();
    // Let the watch fan-out of this write run before the next one starts.
    await new Promise((r) => setImmediate(r));
    spent[name] = (spent[name] ?? 0) + cpuMs() - before;
  };
  for (let i = 0; i < podCount; i++) {
    const p = bound[i] as Pod;
    await timed(`running.${modeOf(i)}`, () => workers[i]?.sync(key(p), p) ?? Promise.resolve());
  }
  for (let i = 0; i < podCount; i++) {
    const name = bound[i]?.metadata?.name ?? "";
    await pods.delete(name, { namespace: "default" });
    // The pod as the worker's informer shows it once the graceful delete arrives.
    const deleting = await pods.get(name, { namespace: "default" });
    await timed(
      `terminal.${modeOf(i)}`,
      () => workers[i]?.sync(key(deleting), deleting) ?? Promise.resolve(),
    );
  }
  const out: Record<string, number> = {};
  for (const [k, ms] of Object.entries(spent)) out[k] = Math.round((ms * 1000) / (podCount / 2));
  return out;
}

try {
  for (let w = 0; w < watchers; w++) {
    const list = await pods.list({ limit: 1 });
    watches.push(await pods.watch({ resourceVersion: list.metadata.resourceVersion ?? "" }, () => {}));
  }
  await measure(); // warm-up: JIT, caches
  const samples: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [k, v] of Object.entries(await measure())) samples[k] = [...(samples[k] ?? []), v];
  }
  process.stdout.write(
    `${JSON.stringify({ benchmark: "controllers-status", pods: podCount, watchers, rounds, cpuUsPerPod: samples }, null, 2)}\n`,
  );
} finally {
  for (const w of watches) w.stop();
  await api.close();
}
