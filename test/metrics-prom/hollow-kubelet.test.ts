// A `skiff sim` node's kubelet series: /nodes/<name>/metrics on the sim's one stats listener,
// like a real agent's /metrics (running pods and containers, pod start durations, node name), and
// /metrics with every node's series labelled `node`; only the API server's client may scrape.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { hollowStatsPortLabel } from "../../src/kubelet/hollow/stats-server.ts";
import { eventually, kubeletGet } from "../metrics/support.ts";
import { SkiffChild } from "../support/skiff-child.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { parseExposition, samplesOf, sumOf } from "./expfmt.ts";

const server = new SkiffServer();
let sim: SkiffChild | undefined;
let port = 0;

async function kubectl(args: string[]): Promise<string> {
  const r = await server.kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  await server.start();
  sim = await SkiffChild.start(["sim", "--kubeconfig", server.kubeconfig, "--nodes", "2"], "skiff sim ready");
  await kubectl([
    "run",
    "web",
    "--image=nginx",
    "--restart=Never",
    "--overrides",
    JSON.stringify({ spec: { nodeName: "hollow-node-0" } }),
  ]);
  const label = hollowStatsPortLabel.replaceAll(".", "\\.");
  port = Number(
    await kubectl(["get", "node", "hollow-node-0", "-o", `jsonpath={.metadata.labels.${label}}`]),
  );
  assert.ok(port > 0);
});

after(async () => {
  await sim?.stop();
  await server.stop();
});

test("a hollow node's /metrics has the kubelet's series", async () => {
  const families = await eventually("the pod running on hollow-node-0", async () => {
    const r = await kubeletGet(server.kubeconfig, "127.0.0.1", port, "/nodes/hollow-node-0/metrics");
    assert.equal(r.status, 200);
    const f = parseExposition(r.body);
    return sumOf(f, "kubelet_running_pods") === 1 ? f : undefined;
  });
  assert.deepEqual(samplesOf(families, "kubelet_node_name")[0]?.labels, { node: "hollow-node-0" });
  assert.equal(sumOf(families, "kubelet_running_containers", { container_state: "running" }), 1);
  assert.equal(families.get("kubelet_pod_start_duration_seconds")?.type, "histogram");
  assert.equal(
    sumOf(families, "kubelet_pod_start_duration_seconds", {}, "kubelet_pod_start_duration_seconds_count"),
    1,
  );
  const other = parseExposition(
    (await kubeletGet(server.kubeconfig, "127.0.0.1", port, "/nodes/hollow-node-1/metrics")).body,
  );
  assert.equal(sumOf(other, "kubelet_running_pods"), 0);
  assert.equal((await kubeletGet(server.kubeconfig, "127.0.0.1", port, "/nodes/nope/metrics")).status, 404);
});

test("/metrics of the listener labels every node's series; strangers are refused", async () => {
  const all = parseExposition((await kubeletGet(server.kubeconfig, "127.0.0.1", port, "/metrics")).body);
  assert.deepEqual(
    samplesOf(all, "kubelet_running_pods")
      .map((s) => [s.labels.node, s.value])
      .sort(),
    [
      ["hollow-node-0", 1],
      ["hollow-node-1", 0],
    ],
  );
  assert.equal((await kubeletGet(undefined, "127.0.0.1", port, "/metrics")).status, 401);
});
