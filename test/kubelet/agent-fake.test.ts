// The agent on the fake runtime against a real in-process API: registration, NotReady with the
// runtime's message, a pod's life and deletion, a static pod and its mirror.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { Kubelet, resources } from "../../src/kubelet/agent/kubelet.ts";
import { TimerQueue } from "../../src/kubelet/clock.ts";
import { FakeRuntime } from "../../src/kubelet/runtime/fake/fake-runtime.ts";
import { type ClientFixture, startApi } from "../client/support.ts";

let api: ClientFixture;
let runtime: FakeRuntime;
let kubelet: Kubelet;
let dir: string;
const clock = new TimerQueue();
const errors: string[] = [];

async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 200; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: last ${JSON.stringify(last)}`);
}

before(async () => {
  api = await startApi();
  dir = mkdtempSync(join(tmpdir(), "skiff-kubelet-"));
  runtime = new FakeRuntime({ clock });
  kubelet = new Kubelet({
    client: api.client,
    runtime,
    nodeName: "n1",
    dataDir: dir,
    podCidr: "10.200.0.0/24",
    clusterDNS: "10.43.0.10",
    staticPodPath: join(dir, "manifests"),
    relistMs: 200,
    housekeepingMs: 500,
    statusUpdateMs: 300,
    onError: (err, what) => errors.push(`${what}: ${String(err)}`),
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

const nodes = () => api.client.resource<Node>(resources.nodes);
const pods = () => api.client.resource<Pod>(resources.pods);

/** Creates a busybox pod bound to `nodeName` and waits until it runs. */
async function runningPod(name: string, nodeName: string, grace: number): Promise<Pod> {
  await pods().create({
    metadata: { name, namespace: "default" },
    spec: { nodeName, containers: [{ name: "c", image: "busybox:1" }], terminationGracePeriodSeconds: grace },
  });
  return eventually(
    "Running",
    () => pods().get(name, { namespace: "default" }),
    (p) => p.status?.phase === "Running",
  );
}

test("registers a Ready node with the pod CIDR applied and a lease", async () => {
  const node = await nodes().get("n1");
  assert.equal(node.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
  assert.equal(node.status?.nodeInfo?.containerRuntimeVersion, "fake://0.1.0");
  assert.equal(runtime.podCidr, "10.200.0.0/24");
  const lease = await api.client.resource(resources.leases).get("n1", { namespace: "kube-node-lease" });
  assert.ok(lease);
});

test("a runtime whose network is not ready makes the node NotReady with its message", async () => {
  runtime.runtimeStatus = { runtimeReady: true, networkReady: false, message: "cni config uninitialized" };
  try {
    const node = await eventually(
      "NotReady",
      () => nodes().get("n1"),
      (n) => n.status?.conditions?.find((c) => c.type === "Ready")?.status === "False",
    );
    const ready = node.status?.conditions?.find((c) => c.type === "Ready");
    assert.equal(ready?.reason, "KubeletNotReady");
    assert.match(ready?.message ?? "", /NetworkReady=false.*cni config uninitialized/);
  } finally {
    runtime.runtimeStatus = undefined;
  }
  await eventually(
    "Ready again",
    () => nodes().get("n1"),
    (n) => n.status?.conditions?.find((c) => c.type === "Ready")?.status === "True",
  );
});

test("a bound pod runs with an IP from the pod CIDR; deleting it stops and removes it", async () => {
  const running = await runningPod("web", "n1", 1);
  assert.match(running.status?.podIP ?? "", /^10\.200\.0\.\d+$/);
  assert.equal(running.status?.containerStatuses?.[0]?.ready, true);
  await pods().delete("web", { namespace: "default" });
  await eventually(
    "gone",
    () => pods().list({ namespace: "default" }),
    (l) => l.items.length === 0,
  );
  assert.deepEqual(await runtime.listPodSandboxes(), []);
});

test("a static pod gets a mirror pod; removing its manifest stops it and deletes the mirror", async () => {
  const file = join(dir, "manifests", "s.yaml");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(join(dir, "manifests"), { recursive: true });
  writeFileSync(
    file,
    "apiVersion: v1\nkind: Pod\nmetadata: {name: s}\nspec:\n  containers:\n  - {name: c, image: busybox:1}\n",
  );
  const mirror = await eventually(
    "mirror Running",
    () => pods().list({ namespace: "default" }),
    (l) => l.items.some((p) => p.metadata?.name === "s-n1" && p.status?.phase === "Running"),
  );
  const m = mirror.items.find((p) => p.metadata?.name === "s-n1");
  assert.ok(m?.metadata?.annotations?.["kubernetes.io/config.mirror"]);
  unlinkSync(file);
  await eventually(
    "mirror gone",
    () => pods().list({ namespace: "default" }),
    (l) => l.items.length === 0,
  );
  await eventually(
    "sandbox gone",
    () => runtime.listPodSandboxes(),
    (l) => l.length === 0,
  );
  assert.deepEqual(
    errors.filter((e) => !e.includes("mirror pod")),
    [],
  );
});

test("stop() does not wait out a pod's termination grace period: the kill is left running", async () => {
  // A runtime whose StopContainer never returns: a container ignoring SIGTERM, a long grace.
  let stopCalled: () => void = () => undefined;
  const killing = new Promise<void>((r) => {
    stopCalled = r;
  });
  class StubbornRuntime extends FakeRuntime {
    override stopContainer(): Promise<void> {
      stopCalled();
      return new Promise(() => undefined);
    }
  }
  const stubborn = new StubbornRuntime({ clock });
  const dir2 = mkdtempSync(join(tmpdir(), "skiff-kubelet-"));
  const second = new Kubelet({
    client: api.client,
    runtime: stubborn,
    nodeName: "n2",
    dataDir: dir2,
    podCidr: "10.200.1.0/24",
    clusterDNS: "10.43.0.10",
    relistMs: 200,
    statusUpdateMs: 300,
  });
  try {
    await second.start();
    await second.waitReady();
    await runningPod("stubborn", "n2", 3600);
    await pods().delete("stubborn", { namespace: "default" });
    await killing;
    await second.stop();
    assert.equal((await stubborn.listContainers()).length, 1, "the container is still there");
  } finally {
    await second.stop();
    await stubborn.close();
    await pods()
      .delete("stubborn", { namespace: "default", gracePeriodSeconds: 0 })
      .catch(() => undefined);
    await nodes()
      .delete("n2")
      .catch(() => undefined);
    rmSync(dir2, { recursive: true, force: true });
  }
});
