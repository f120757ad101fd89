// Node lifecycle on hollow nodes with the real kubectl 1.32: a node whose sim stops heartbeating
// turns Ready=Unknown past the (compressed) grace period, gets the unreachable taints, and its
// Deployment pods are evicted after their tolerationSeconds and replaced on the healthy node;
// a node registered without a pod CIDR gets one from --cluster-cidr.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { SkiffChild } from "../support/skiff-child.ts";
import { TestCluster, until } from "./cluster-support.ts";

const cluster = new TestCluster();
let doomed: SkiffChild | undefined;

before(async () => {
  await cluster.start({ nodeMonitorGracePeriodMs: 10_000, nodeMonitorPeriodMs: 500 });
  await cluster.startSim("stay", 1, ["--lease-renew", "1s"]);
  doomed = await cluster.startSim("gone", 1, ["--lease-renew", "1s"]);
});

after(async () => {
  await cluster.stop();
});

const deployment = JSON.stringify({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [{ name: "c", image: "nginx:1.25" }],
        tolerations: [
          {
            key: "node.kubernetes.io/unreachable",
            operator: "Exists",
            effect: "NoExecute",
            tolerationSeconds: 2,
          },
        ],
      },
    },
  },
});

test("pods get the DefaultTolerationSeconds not-ready toleration next to their own", async () => {
  await cluster.kubectl(["apply", "-f", "-"], deployment);
  await cluster.kubectl(["rollout", "status", "deployment/web", "--timeout=60s"]);
  const pods = await cluster.json(["get", "pods", "-l", "app=web"]);
  const tolerations = pods.items[0].spec.tolerations;
  assert.deepEqual(
    tolerations
      .map((t: { key: string; tolerationSeconds: number }) => `${t.key}=${t.tolerationSeconds}`)
      .sort(),
    ["node.kubernetes.io/not-ready=300", "node.kubernetes.io/unreachable=2"],
  );
});

test("a silent node becomes Unknown, is tainted, and its pods are evicted and replaced", async () => {
  const onGone = async () =>
    (await cluster.json(["get", "pods", "-l", "app=web"])).items.filter(
      (p: { spec: { nodeName: string } }) => p.spec.nodeName === "gone-0",
    );
  // The scheduler spreads the replicas; make sure the doomed node holds some.
  const before = await onGone();
  assert.ok(before.length > 0, "some web pods run on gone-0");
  await doomed?.stop();

  const ready = await until(async () => {
    const node = await cluster.json(["get", "node", "gone-0"]);
    const c = node.status.conditions.find((x: { type: string }) => x.type === "Ready");
    return c.status === "Unknown" ? c : undefined;
  }, "gone-0 Ready=Unknown");
  assert.equal(ready.reason, "NodeStatusUnknown");
  assert.equal(ready.message, "Kubelet stopped posting node status.");
  const row = (await cluster.kubectl(["get", "node", "gone-0", "--no-headers"])).trim().split(/\s+/);
  assert.equal(row[1], "NotReady");
  const taints = await until(async () => {
    const t = await cluster.kubectl([
      "get",
      "node",
      "gone-0",
      "-o",
      'jsonpath={range .spec.taints[*]}{.key}:{.effect}{"\\n"}{end}',
    ]);
    return t.includes("NoExecute") ? t : undefined;
  }, "unreachable taints");
  assert.deepEqual(taints.trim().split("\n").sort(), [
    "node.kubernetes.io/unreachable:NoExecute",
    "node.kubernetes.io/unreachable:NoSchedule",
  ]);
  // The other node is untouched.
  assert.equal(await cluster.kubectl(["get", "node", "stay-0", "-o", "jsonpath={.spec.taints}"]), "");

  // Evicted after tolerationSeconds: marked for deletion (the dead kubelet never confirms it).
  await until(async () => {
    const pods = await onGone();
    return pods.every((p: { metadata: { deletionTimestamp?: string } }) => p.metadata.deletionTimestamp)
      ? true
      : undefined;
  }, "pods on gone-0 marked for deletion");
  const evicted = (await onGone())[0];
  const target = evicted.status.conditions.find((c: { type: string }) => c.type === "DisruptionTarget");
  assert.equal(target?.reason, "DeletionByTaintManager");
  const events = await cluster.kubectl(["get", "events", "--field-selector", "reason=TaintManagerEviction"]);
  assert.match(events, /Marking for deletion Pod default\/web-/);

  // The Deployment is whole again, all on stay-0.
  await until(async () => {
    const pods = (await cluster.json(["get", "pods", "-l", "app=web"])).items.filter(
      (p: { metadata: { deletionTimestamp?: string }; status: { phase: string } }) =>
        !p.metadata.deletionTimestamp && p.status.phase === "Running",
    );
    return pods.length === 4 &&
      pods.every((p: { spec: { nodeName: string } }) => p.spec.nodeName === "stay-0")
      ? true
      : undefined;
  }, "4 running replicas on stay-0");
});

test("a node registered without a pod CIDR gets the next /24 of the cluster CIDR", async () => {
  await cluster.kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name: "bare" } }),
  );
  const cidr = await until(async () => {
    const c = await cluster.kubectl(["get", "node", "bare", "-o", "jsonpath={.spec.podCIDR}"]);
    return c === "" ? undefined : c;
  }, "podCIDR of bare");
  assert.equal(cidr, "10.42.0.0/24");
  assert.equal(
    await cluster.kubectl(["get", "node", "bare", "-o", "jsonpath={.spec.podCIDRs[0]}"]),
    "10.42.0.0/24",
  );
});
