// Eviction and PodDisruptionBudgets with the real kubectl 1.32 on hollow nodes: the disruption
// controller keeps the budget's status; `kubectl drain --ignore-daemonsets` is refused with
// Kubernetes' 429 message while the budget allows no disruption and completes once it does.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { kubectlBinary } from "../support/kubectl.ts";
import { TestCluster, until } from "./cluster-support.ts";

const cluster = new TestCluster();

before(async () => {
  await cluster.start();
  await cluster.startSim("a", 1);
  await cluster.startSim("b", 1);
});

after(async () => {
  await cluster.stop();
});

const manifests = [
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "db" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "db" } },
      template: {
        metadata: { labels: { app: "db" } },
        spec: {
          containers: [{ name: "c", image: "postgres:16" }],
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { app: "db" } }, topologyKey: "kubernetes.io/hostname" },
              ],
            },
          },
        },
      },
    },
  },
  {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: "db" },
    spec: { maxUnavailable: 0, selector: { matchLabels: { app: "db" } } },
  },
];

/** kubectl as a background process (drain waits while we change the budget). */
function kubectlAsync(args: string[]): {
  output: () => string;
  done: Promise<{ code: number | null; out: string }>;
} {
  const child = spawn(kubectlBinary("1.32"), ["--kubeconfig", cluster.server.kubeconfig, ...args]);
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    out += d.toString();
  });
  return {
    output: () => out,
    done: new Promise((done) => child.once("exit", (code) => done({ code, out }))),
  };
}

test("the disruption controller reports the budget's status", async () => {
  await cluster.kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "List", items: manifests }),
  );
  await cluster.kubectl(["rollout", "status", "deployment/db", "--timeout=90s"]);
  const status = await until(async () => {
    const s = (await cluster.json(["get", "pdb", "db"])).status;
    return s?.currentHealthy === 2 ? s : undefined;
  }, "pdb currentHealthy 2");
  assert.equal(status.desiredHealthy, 2);
  assert.equal(status.expectedPods, 2);
  assert.equal(status.disruptionsAllowed, 0);
  assert.equal(status.observedGeneration, 1);
  assert.equal(status.conditions[0].type, "DisruptionAllowed");
  assert.equal(status.conditions[0].status, "False");
  assert.equal(status.conditions[0].reason, "InsufficientPods");
  const row = (await cluster.kubectl(["get", "pdb", "db", "--no-headers"])).trim().split(/\s+/);
  assert.deepEqual(row.slice(0, 4), ["db", "N/A", "0", "0"]);
});

test("drain is refused by the budget and completes once the budget allows one disruption", async () => {
  const refused = await cluster.server.kubectl(["drain", "a-0", "--ignore-daemonsets", "--timeout=3s"]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Cannot evict pod as it would violate the pod's disruption budget\./);
  assert.equal(await cluster.kubectl(["get", "node", "a-0", "-o", "jsonpath={.spec.unschedulable}"]), "true");
  const victim = (
    await cluster.json(["get", "pods", "-l", "app=db", "--field-selector", "spec.nodeName=a-0"])
  ).items[0].metadata.name;
  assert.ok(victim);

  const drain = kubectlAsync(["drain", "a-0", "--ignore-daemonsets", "--timeout=120s"]);
  // Let drain meet the refusal at least once before the budget changes.
  await until(async () => (drain.output().includes("disruption budget") ? true : undefined), "drain refused");
  assert.equal(await cluster.kubectl(["get", "pod", victim, "-o", "jsonpath={.metadata.name}"]), victim);
  await cluster.kubectl(["patch", "pdb", "db", "--type=merge", "-p", '{"spec":{"maxUnavailable":1}}']);
  const result = await drain.done;
  assert.equal(result.code, 0, result.out);
  assert.match(result.out, /evicting pod default\/db-/);
  assert.match(result.out, /node\/a-0 drained/);
  const gone = await cluster.server.kubectl(["get", "pod", victim]);
  assert.match(gone.stderr, /NotFound/);
  // The budget's status catches up: one healthy pod left, which is all maxUnavailable 1 needs.
  await until(async () => {
    const s = (await cluster.json(["get", "pdb", "db"])).status;
    return s.currentHealthy === 1 && s.desiredHealthy === 1 && s.disruptionsAllowed === 0 && !s.disruptedPods
      ? true
      : undefined;
  }, "pdb after drain");
});
