// The scheduler against a real API server (in-process handler chain, SQLite) with 100 Node
// objects (hollow nodes from `skiff sim` are not merged yet): every outcome is read back from the API.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { PriorityClass } from "kubernetes-types/scheduling/v1.js";
import {
  eventually,
  finishTerminations,
  nodeObject,
  nodeOfPod,
  podObject,
  type SchedulerFixture,
  startScheduler,
  unschedulableMessage,
} from "./support.ts";

let f: SchedulerFixture;

// 100 nodes: 60 general (zones a/b/c), 20 tainted gpu nodes (label gpu=true), 10 small nodes
// labelled tier=small, 10 nodes labelled rack=r1 used for cordon and exhaustion.
before(async () => {
  f = await startScheduler();
  const specs: Parameters<typeof nodeObject>[0][] = [];
  for (let i = 0; i < 60; i++)
    specs.push({ name: `gen-${i}`, labels: { zone: ["a", "b", "c"][i % 3] ?? "a" } });
  for (let i = 0; i < 20; i++)
    specs.push({
      name: `gpu-${i}`,
      labels: { gpu: "true" },
      taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" as const }],
    });
  for (let i = 0; i < 10; i++) specs.push({ name: `small-${i}`, cpu: "1", labels: { tier: "small" } });
  for (let i = 0; i < 10; i++) specs.push({ name: `rack-${i}`, labels: { rack: "r1" } });
  await Promise.all(specs.map((s) => f.nodes.create(nodeObject(s))));
  const classes = f.client.resource<PriorityClass>({
    group: "scheduling.k8s.io",
    version: "v1",
    resource: "priorityclasses",
    namespaced: false,
    kind: "PriorityClass",
  });
  await classes.create({ metadata: { name: "low" }, value: 10 });
  await classes.create({ metadata: { name: "high" }, value: 1000 });
  await eventually(
    async () => (f.scheduler.cache.nodes.length === 100 ? true : undefined),
    "100 nodes in the cache",
  );
});

after(async () => {
  await f.stop();
});

const create = (pod: Pod) => f.pods.create(pod);

test("nodeSelector and tolerations steer pods; untolerated taints keep others off", async () => {
  await create(podObject("sel", { nodeSelector: { tier: "small" } }));
  assert.match(await nodeOfPod(f, "sel"), /^small-/);
  await create(
    podObject("gpu-job", {
      nodeSelector: { gpu: "true" },
      tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }],
    }),
  );
  assert.match(await nodeOfPod(f, "gpu-job"), /^gpu-/);
  await create(podObject("gpu-intruder", { nodeSelector: { gpu: "true" } }));
  assert.equal(
    await unschedulableMessage(f, "gpu-intruder"),
    "0/100 nodes are available: 20 node(s) had untolerated taint {dedicated: gpu}, 80 node(s) didn't match Pod's node affinity/selector. preemption: 0/100 nodes are available: 100 Preemption is not helpful for scheduling.",
  );
});

test("resource exhaustion leaves a pod Pending, and it binds once room appears", async () => {
  // Each small node has 1 CPU: fill all ten.
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      create(podObject(`fill-${i}`, { nodeSelector: { tier: "small" } }, {}, "900m")),
    ),
  );
  const placed = await Promise.all(Array.from({ length: 10 }, (_, i) => nodeOfPod(f, `fill-${i}`)));
  assert.equal(new Set(placed).size, 10);
  await create(podObject("hungry", { nodeSelector: { tier: "small" } }, {}, "500m"));
  const msg = await unschedulableMessage(f, "hungry");
  assert.equal(
    msg,
    "0/100 nodes are available: 10 Insufficient cpu, 20 node(s) had untolerated taint {dedicated: gpu}, 70 node(s) didn't match Pod's node affinity/selector. preemption: 0/100 nodes are available: 10 No preemption victims found for incoming pod, 90 Preemption is not helpful for scheduling.",
  );
  await f.pods.delete("fill-3", { namespace: "default" });
  // Terminating pods still hold their node's resources (as upstream) until the kubelet is done.
  assert.equal(await finishTerminations(f), 1);
  assert.equal(await nodeOfPod(f, "hungry"), placed[3]);
});

test("cordoned nodes get no new pods until uncordoned", async () => {
  for (let i = 0; i < 10; i++)
    await f.nodes.patch(`rack-${i}`, { spec: { unschedulable: true } }, { type: "merge" });
  await create(podObject("racked", { nodeSelector: { rack: "r1" } }));
  assert.match(await unschedulableMessage(f, "racked"), /10 node\(s\) were unschedulable/);
  await f.nodes.patch("rack-7", { spec: { unschedulable: false } }, { type: "merge" });
  assert.equal(await nodeOfPod(f, "racked"), "rack-7");
});

test("a higher-priority pod preempts lower-priority ones and lands on the nominated node", async () => {
  // rack-7 is the only uncordoned rack node: fill it with low-priority pods.
  const low = Array.from({ length: 3 }, (_, i) =>
    podObject(`low-${i}`, { nodeSelector: { rack: "r1" }, priorityClassName: "low" }, {}, "1"),
  );
  for (const p of low) await create(p);
  for (const p of low) assert.equal(await nodeOfPod(f, p.metadata?.name ?? ""), "rack-7");
  await create(podObject("vip", { nodeSelector: { rack: "r1" }, priorityClassName: "high" }, {}, "2"));
  const nominated = await eventually(
    async () => (await f.pods.get("vip", { namespace: "default" })).status?.nominatedNodeName,
    "vip nominated",
  );
  assert.equal(nominated, "rack-7");
  // No kubelet runs here: finish the victims' graceful deletion as rack-7's kubelet would.
  await eventually(async () => ((await finishTerminations(f)) > 0 ? true : undefined), "victims terminating");
  assert.equal(await nodeOfPod(f, "vip"), "rack-7");
  const left = (await f.pods.list({ namespace: "default" })).items.filter((p) =>
    p.metadata?.name?.startsWith("low-"),
  );
  // rack-7 has 4 CPU: racked (0) + vip (2) leaves room for two low pods at most; one at least went.
  assert.ok(left.length <= 2, `victims deleted (left: ${left.map((p) => p.metadata?.name).join(",")})`);
});

test("topology spread keeps zones within maxSkew", async () => {
  const spread = {
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "zone",
        whenUnsatisfiable: "DoNotSchedule" as const,
        labelSelector: { matchLabels: { app: "spread" } },
      },
    ],
  };
  const names = Array.from({ length: 9 }, (_, i) => `spread-${i}`);
  for (const n of names) await create(podObject(n, spread, { app: "spread" }));
  const nodes = await Promise.all(names.map((n) => nodeOfPod(f, n)));
  const perZone = new Map<string, number>();
  for (const n of nodes) {
    const zone = ["a", "b", "c"][Number(n.slice(4)) % 3] ?? "?";
    perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
  }
  assert.deepEqual([...perZone.values()].sort(), [3, 3, 3]);
});

test("pods for another scheduler are left alone", async () => {
  await create(podObject("foreign", { schedulerName: "someone-else" }));
  await new Promise((r) => setTimeout(r, 300));
  const p = await f.pods.get("foreign", { namespace: "default" });
  assert.equal(p.spec?.nodeName, undefined);
  assert.equal(
    p.status?.conditions?.find((c) => c.type === "PodScheduled"),
    undefined,
  );
});
