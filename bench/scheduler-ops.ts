// API server CPU per request of the scheduling path, in-process (full handler chain, SQLite, no
// TLS): what a node Lease renewal (PUT of the last written Lease), a pod create, a pods/binding,
// the Scheduled Event and the hollow kubelet's status patch cost, with W in-process pod watchers
// (the embedded scheduler's informer, a controller-manager's). bench/scheduler's per-pod figures
// are sums of these plus the clients; this isolates them without a background.
// Usage: node --import tsx bench/scheduler-ops.ts [--ops 2000] [--watchers 2] [--concurrency 16]
//          [--status-patch strategic|merge] [--rate OPS_PER_S] [--synchronous full|normal]
//          [--only lease,create,bind,event,status] [--cpu-prof DIR]
// --cpu-prof writes one V8 profile per measured loop (DIR/<op>.cpuprofile), nothing of the setup.
import { mkdirSync } from "node:fs";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Event, Pod } from "kubernetes-types/core/v1.js";
import type { Watch } from "../src/client/watch.ts";
import { eventsResource, leasesResource, podsResource } from "../src/scheduler/coords.ts";
import { startBenchApi } from "./inprocess-api.ts";
import { profiled } from "./inprocess-profile.ts";

const args = process.argv.slice(2);
function flag(name: string, def: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? def) : def;
}
const ops = Number(flag("ops", "2000"));
const watchers = Number(flag("watchers", "2"));
const concurrency = Number(flag("concurrency", "16"));
// Ops per second, spread evenly (0: as fast as the pool goes). A heartbeat-like trickle pays
// costs a busy loop amortises: one commit and sync per write, cold caches on a shared machine.
const rate = Number(flag("rate", "0"));
const synchronous = flag("synchronous", "full") === "normal" ? "normal" : "full";
const profDir = args.includes("--cpu-prof") ? flag("cpu-prof", "") : "";
if (profDir) mkdirSync(profDir, { recursive: true });
// What the hollow kubelet sends for a pod's status: strategic (as upstream's kubelet) or merge.
const statusPatchType = flag("status-patch", "strategic") === "merge" ? "merge" : "strategic";
// Renew with the last Lease as returned (upstream's kubelet) or without its managedFields.
const leaseWithoutManagedFields = args.includes("--lease-without-managed-fields");
const only = new Set(flag("only", "lease,create,bind,event,status").split(","));
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function pool(count: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  if (rate > 0) {
    const began = performance.now();
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const due = began + (i * 1000) / rate - performance.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      all.push(fn(i));
    }
    await Promise.all(all);
    return;
  }
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/** µs of CPU per op: `warm` ops first (JIT, caches), then `ops` measured. */
async function measure(name: string, fn: (i: number) => Promise<unknown>, warm: number): Promise<number> {
  await pool(warm, (i) => fn(ops + i));
  const spent = await profiled(profDir || undefined, name, async () => {
    const before = cpuMs();
    await pool(ops, fn);
    return cpuMs() - before;
  });
  return round((spent * 1000) / ops, 0);
}

const api = await startBenchApi({ prefix: "skiff-bench-ops-", synchronous, metricResolutionMs: 86_400_000 });
const { client } = api;
const pods = client.resource<Pod>(podsResource);
const leases = client.resource<Lease>(leasesResource);
const events = client.resource<Event>(eventsResource);
const result: Record<string, unknown> = {
  benchmark: "scheduler-ops",
  ops,
  watchers,
  concurrency,
  synchronous,
};
const watches: Watch[] = [];
try {
  for (let w = 0; w < watchers; w++) {
    const list = await pods.list({ limit: 1 });
    watches.push(await pods.watch({ resourceVersion: list.metadata.resourceVersion ?? "" }, () => {}));
  }
  const total = ops + 200;
  const cpu: Record<string, number> = {};
  if (only.has("lease")) {
    const last: Lease[] = [];
    await pool(total, async (i) => {
      last[i] = await leases.create(
        {
          metadata: { name: `node-${i}`, namespace: "kube-node-lease" },
          spec: {
            holderIdentity: `node-${i}`,
            leaseDurationSeconds: 40,
            renewTime: new Date().toISOString(),
          },
        },
        { namespace: "kube-node-lease" },
      );
    });
    // What heartbeat.ts sends every 10 s per node: the last written Lease with a new renewTime.
    const renew = async (i: number) => {
      const l = last[i] as Lease;
      const renewTime = new Date().toISOString().replace(/Z$/, "000Z");
      const sent = await leases.update(
        { ...l, spec: { ...l.spec, renewTime } },
        { namespace: "kube-node-lease" },
      );
      if (leaseWithoutManagedFields) delete sent.metadata?.managedFields;
      last[i] = sent;
    };
    cpu.lease_update_us = await measure("lease", renew, 200);
  }
  const pod = (i: number): Pod => ({
    metadata: { name: `p-${i}`, namespace: "default", labels: { app: "plain" } },
    spec: {
      containers: [{ name: "c", image: "busybox", resources: { requests: { cpu: "10m", memory: "10Mi" } } }],
    },
  });
  const created: Pod[] = [];
  if (only.has("create") || only.has("bind") || only.has("event") || only.has("status"))
    cpu.pod_create_us = await measure(
      "create",
      async (i) => {
        created[i] = await pods.create(pod(i));
      },
      200,
    );
  if (only.has("bind"))
    cpu.binding_us = await measure(
      "bind",
      (i) =>
        pods.createSubresource(
          `p-${i}`,
          "binding",
          {
            apiVersion: "v1",
            kind: "Binding",
            metadata: { name: `p-${i}`, namespace: "default", uid: created[i]?.metadata?.uid },
            target: { apiVersion: "v1", kind: "Node", name: `node-${i % 100}` },
          },
          { namespace: "default" },
        ),
      200,
    );
  if (only.has("event"))
    cpu.scheduled_event_us = await measure(
      "event",
      (i) => {
        const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
        const p = created[i];
        return events.create(
          {
            metadata: { name: `p-${i}.${(1e15 + i).toString(16)}`, namespace: "default" },
            involvedObject: {
              apiVersion: "v1",
              kind: "Pod",
              namespace: "default",
              name: `p-${i}`,
              uid: p?.metadata?.uid ?? "",
              resourceVersion: p?.metadata?.resourceVersion ?? "",
            },
            reason: "Scheduled",
            message: `Successfully assigned default/p-${i} to node-${i % 100}`,
            type: "Normal",
            count: 1,
            firstTimestamp: at,
            lastTimestamp: at,
            source: { component: "default-scheduler" },
            reportingComponent: "default-scheduler",
            reportingInstance: "default-scheduler",
          },
          { namespace: "default" },
        );
      },
      200,
    );
  if (only.has("status"))
    cpu.pod_status_patch_us = await measure(
      "status",
      (i) => {
        const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
        return pods.patch(
          `p-${i}`,
          {
            metadata: { uid: created[i]?.metadata?.uid },
            status: {
              phase: "Running",
              conditions: [{ type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: at }],
              hostIP: "10.192.0.1",
              podIP: `10.64.0.${(i % 250) + 2}`,
              startTime: at,
              containerStatuses: [
                {
                  name: "c",
                  image: "busybox",
                  imageID: "",
                  ready: true,
                  restartCount: 0,
                  started: true,
                  state: { running: { startedAt: at } },
                },
              ],
            },
          },
          { type: statusPatchType, subresource: "status", namespace: "default" },
        );
      },
      200,
    );
  result.cpu_us_per_op = cpu;
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  for (const w of watches) w.stop();
  await api.close();
}
