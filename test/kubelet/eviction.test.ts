// Node-pressure eviction on the fake runtime against a real in-process API, with the host's
// figures injected: under memory pressure the node reports MemoryPressure and the kubelet evicts
// the pod ranked first (the one furthest above its request), which ends Failed/Evicted with the
// kubelet's message, a DisruptionTarget condition and an Evicted event; the other pod keeps running.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Event, Node, Pod } from "kubernetes-types/core/v1.js";
import { Kubelet, resources } from "../../src/kubelet/agent/kubelet.ts";
import { TimerQueue } from "../../src/kubelet/clock.ts";
import { parseEvictionThresholds } from "../../src/kubelet/eviction/thresholds.ts";
import type { HostPressure } from "../../src/kubelet/node/host.ts";
import { FakeRuntime } from "../../src/kubelet/runtime/fake/fake-runtime.ts";
import { type ClientFixture, startApi } from "../client/support.ts";

const Mi = 1024 * 1024;
const healthy: HostPressure = {
  memoryAvailableBytes: 4096 * Mi,
  memoryCapacityBytes: 8192 * Mi,
  diskAvailableBytes: 50_000 * Mi,
  diskCapacityBytes: 100_000 * Mi,
  pidsInUse: 100,
  pidMax: 100_000,
};
let pressure = healthy;

let api: ClientFixture;
let runtime: FakeRuntime;
let kubelet: Kubelet;
let dir: string;
const clock = new TimerQueue();

async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 400; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: last ${JSON.stringify(last)}`);
}

before(async () => {
  api = await startApi();
  dir = mkdtempSync(join(tmpdir(), "skiff-eviction-"));
  runtime = new FakeRuntime({ clock });
  kubelet = new Kubelet({
    client: api.client,
    runtime,
    nodeName: "ev1",
    dataDir: dir,
    podCidr: "10.200.2.0/24",
    clusterDNS: "10.43.0.10",
    relistMs: 200,
    statusUpdateMs: 200,
    eviction: {
      thresholds: parseEvictionThresholds("memory.available<100Mi,nodefs.available<10%"),
      observe: () => pressure,
      periodMs: 1500,
    },
  });
  await kubelet.start();
  await kubelet.waitReady();
});

after(async () => {
  await kubelet.stop();
  await runtime.close();
  clock.stop();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const pods = () => api.client.resource<Pod>(resources.pods);
const memoryPressure = async () =>
  (await api.client.resource<Node>(resources.nodes).get("ev1")).status?.conditions?.find(
    (c) => c.type === "MemoryPressure",
  )?.status;

function pod(name: string, requests?: Record<string, string>): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: {
      nodeName: "ev1",
      containers: [
        { name: "c", image: "busybox", ...(requests ? { resources: { requests, limits: requests } } : {}) },
      ],
    },
  };
}

test("memory pressure evicts the best-effort pod first and reports it like the kubelet", async () => {
  await pods().create(pod("besteffort"), { namespace: "default" });
  await pods().create(pod("guaranteed", { memory: "1Gi", cpu: "100m" }), { namespace: "default" });
  for (const name of ["besteffort", "guaranteed"]) {
    await eventually(
      name,
      () => pods().get(name, { namespace: "default" }),
      (p) => p.status?.phase === "Running",
    );
  }
  assert.equal(await memoryPressure(), "False");
  pressure = { ...healthy, memoryAvailableBytes: 50 * Mi };
  const evicted = await eventually(
    "eviction",
    () => pods().get("besteffort", { namespace: "default" }),
    (p) => p.status?.phase === "Failed",
  );
  pressure = healthy;
  assert.equal(evicted.status?.reason, "Evicted");
  assert.match(
    evicted.status?.message ?? "",
    /^The node was low on resource: memory\. Threshold quantity: 100Mi, available: 50Mi\. /,
  );
  const target = evicted.status?.conditions?.find((c) => c.type === "DisruptionTarget");
  assert.equal(target?.status, "True");
  assert.equal(target?.reason, "TerminationByKubelet");
  const events = await api.client.resource<Event>(resources.events).list({ namespace: "default" });
  assert.ok(events.items.some((e) => e.reason === "Evicted" && e.involvedObject.name === "besteffort"));
  assert.equal((await pods().get("guaranteed", { namespace: "default" })).status?.phase, "Running");
  await eventually("MemoryPressure cleared", memoryPressure, (s) => s === "False");
});

test("the node reports MemoryPressure while the threshold is met", async () => {
  pressure = { ...healthy, memoryAvailableBytes: 50 * Mi };
  try {
    await eventually("MemoryPressure", memoryPressure, (s) => s === "True");
  } finally {
    pressure = healthy;
  }
  await eventually("MemoryPressure cleared", memoryPressure, (s) => s === "False");
});
