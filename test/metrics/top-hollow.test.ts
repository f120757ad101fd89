// `kubectl top` against hollow nodes (`skiff sim`): usage is half the requests by default and the
// pod annotation skiff.dev/hollow-usage overrides it; the API server reaches every node through the
// sim's one loopback stats listener. Also RBAC: `view` may read metrics, a stranger may not.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SkiffChild } from "../support/skiff-child.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { eventually, mebibytes, millicores, topRows } from "./support.ts";

process.env.SKIFF_METRIC_RESOLUTION = "1s";

const server = new SkiffServer();
let sim: SkiffChild | undefined;

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

function pod(name: string, node: string, annotations: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: { app: name }, annotations },
    spec: {
      nodeName: node,
      containers: [
        { name: "a", image: "busybox:1.36", resources: { requests: { cpu: "200m", memory: "128Mi" } } },
        { name: "b", image: "busybox:1.36", resources: { requests: { cpu: "100m", memory: "64Mi" } } },
      ],
    },
  });
}

before(async () => {
  await server.start();
  sim = await SkiffChild.start(
    ["sim", "--kubeconfig", server.kubeconfig, "--nodes", "3", "--usage-fraction", "0.5"],
    "skiff sim ready",
  );
  await kubectl(["apply", "-f", "-"], pod("plain", "hollow-node-0"));
  await kubectl(
    ["apply", "-f", "-"],
    pod("steered", "hollow-node-1", { "skiff.dev/hollow-usage": "cpu=250m,memory=64Mi" }),
  );
});

after(async () => {
  await sim?.stop();
  await server.stop();
});

test("kubectl top pods on hollow nodes: half the requests, or the annotation's figures", async () => {
  const rows = await eventually("both hollow pods in kubectl top --containers", async () => {
    const r = topRows(await kubectl(["top", "pods", "--containers"]));
    return r.length === 4 ? r : undefined;
  });
  const at = (p: string, c: string) => rows.find((r) => r.POD === p && r.NAME === c);
  assert.equal(millicores(at("plain", "a")?.["CPU(cores)"]), 100);
  assert.equal(mebibytes(at("plain", "a")?.["MEMORY(bytes)"]), 64);
  assert.equal(millicores(at("plain", "b")?.["CPU(cores)"]), 50);
  assert.equal(mebibytes(at("plain", "b")?.["MEMORY(bytes)"]), 32);
  for (const c of ["a", "b"]) {
    assert.equal(millicores(at("steered", c)?.["CPU(cores)"]), 250);
    assert.equal(mebibytes(at("steered", c)?.["MEMORY(bytes)"]), 64);
  }
  const pods = topRows(await kubectl(["top", "pods", "-A"]));
  assert.deepEqual(
    pods.map((r) => [r.NAMESPACE, r.NAME, r["CPU(cores)"]]),
    [
      ["default", "plain", "150m"],
      ["default", "steered", "500m"],
    ],
  );
});

test("changing the annotation steers the usage the metrics API reports", async () => {
  await kubectl(["annotate", "pod", "steered", "--overwrite", "skiff.dev/hollow-usage=cpu=1,memory=256Mi"]);
  const row = await eventually("the new usage", async () => {
    const r = topRows(await kubectl(["top", "pods", "steered"]))[0];
    return r?.["CPU(cores)"] === "2000m" ? r : undefined;
  });
  assert.equal(mebibytes(row["MEMORY(bytes)"]), 512);
});

test("kubectl top nodes lists every hollow node", async () => {
  const rows = await eventually("three hollow nodes", async () => {
    const r = topRows(await kubectl(["top", "nodes"]));
    return r.length === 3 ? r : undefined;
  });
  assert.deepEqual(rows.map((r) => r.NAME).sort(), ["hollow-node-0", "hollow-node-1", "hollow-node-2"]);
  // The node's own overhead is 50m; hollow-node-0 adds the plain pod's 150m.
  assert.equal(millicores(rows.find((r) => r.NAME === "hollow-node-2")?.["CPU(cores)"]), 50);
  assert.equal(millicores(rows.find((r) => r.NAME === "hollow-node-0")?.["CPU(cores)"]), 200);
  assert.match(rows[0]?.["CPU(%)"] ?? "", /^\d+%$/);
});

test("PodMetrics and NodeMetrics have metrics-server's shape; GET of one and label selectors work", async () => {
  const one = JSON.parse(
    await kubectl(["get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/plain"]),
  );
  assert.equal(one.kind, "PodMetrics");
  assert.equal(one.apiVersion, "metrics.k8s.io/v1beta1");
  assert.equal(one.metadata.name, "plain");
  assert.equal(one.metadata.namespace, "default");
  assert.deepEqual(one.metadata.labels, { app: "plain" });
  assert.match(one.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(one.window, /^\d+(\.\d+)?m?s$/);
  assert.deepEqual(one.containers, [
    { name: "a", usage: { cpu: "100m", memory: "64Mi" } },
    { name: "b", usage: { cpu: "50m", memory: "32Mi" } },
  ]);
  const selected = JSON.parse(
    await kubectl(["get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dsteered"]),
  );
  assert.equal(selected.kind, "PodMetricsList");
  assert.deepEqual(
    selected.items.map((i: { metadata: { name: string } }) => i.metadata.name),
    ["steered"],
  );
  const node = JSON.parse(
    await kubectl(["get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes/hollow-node-2"]),
  );
  assert.equal(node.kind, "NodeMetrics");
  assert.deepEqual(node.usage, { cpu: "50m", memory: "256Mi" });
  const missing = await server.kubectl([
    "get",
    "--raw",
    "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope",
  ]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /NotFound|not found/);
});

test("RBAC: the view role reads metrics, an unbound user does not", async () => {
  await kubectl([
    "create",
    "rolebinding",
    "viewer",
    "--clusterrole=view",
    "--user=alice",
    "--namespace=default",
  ]);
  const allowed = await eventually("alice may list pod metrics", async () =>
    (
      await kubectl(["auth", "can-i", "list", "pods.metrics.k8s.io", "--as=alice"]).catch(() => "no")
    ).trim() === "yes"
      ? true
      : undefined,
  );
  assert.equal(allowed, true);
  const top = await server.kubectl(["top", "pods", "--as=alice"]);
  assert.equal(top.code, 0, top.stderr);
  const denied = await server.kubectl(["top", "pods", "--as=mallory"]);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /forbidden/i);
});
