// `kubectl top` on a real node (test slot 3: containerd, then runc on the same slot, one after the
// other): a busy-loop container shows CPU, an idle one almost none; /stats/summary and
// /metrics/resource answer from the pods' cgroups.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Node } from "kubernetes-types/core/v1.js";
import { parseResourceMetrics } from "../../src/apiserver/metricsapi/prometheus.ts";
import type { Summary } from "../../src/kubelet/stats/summary.ts";
import { busybox, type NodeCluster, startNodeCluster } from "../kubelet/agent-support.ts";
import { eventually, kubeletGet, mebibytes, millicores, topRows } from "./support.ts";

// The API server scrapes kubelets every second in this file (default 15 s).
process.env.SKIFF_METRIC_RESOLUTION = "1s";

const pods = `
apiVersion: v1
kind: Pod
metadata: {name: busy, labels: {app: busy}}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: spin
    image: ${busybox}
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do :; done"]
    resources: {requests: {cpu: 100m}, limits: {cpu: 300m}}
---
apiVersion: v1
kind: Pod
metadata: {name: idle, labels: {app: idle}}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: sleeper
    image: ${busybox}
    command: ["sleep", "3600"]
  - name: sidecar
    image: ${busybox}
    command: ["sleep", "3600"]
`;

for (const runtime of ["containerd", "runc"] as const) {
  describe(runtime, () => {
    let cluster: NodeCluster;

    before(async () => {
      cluster = await startNodeCluster({ index: 3, runtime });
      await cluster.apply(pods);
      for (const name of ["busy", "idle"]) {
        await cluster.waitPod(name, (p) => p.status?.phase === "Running", "running");
      }
    });

    after(async () => {
      const left = await cluster?.teardown();
      assert.deepEqual(left ?? [], []);
    });

    test("kubectl top pods: the busy loop uses CPU, the sleeper almost none", async () => {
      const rows = await eventually("both pods in kubectl top", async () => {
        const r = topRows(await cluster.kubectl("top", "pods"));
        const busy = r.find((x) => x.NAME === "busy");
        const idle = r.find((x) => x.NAME === "idle");
        return busy && idle && millicores(busy["CPU(cores)"]) >= 50 ? { busy, idle } : undefined;
      });
      // The limit is 300m: the loop gets most of it (a loaded 2-core machine may give less).
      assert.ok(millicores(rows.busy["CPU(cores)"]) <= 350, `busy ${rows.busy["CPU(cores)"]}`);
      assert.ok(millicores(rows.idle["CPU(cores)"]) <= 5, `idle ${rows.idle["CPU(cores)"]}`);
      assert.ok(mebibytes(rows.idle["MEMORY(bytes)"]) >= 0);

      const containers = topRows(await cluster.kubectl("top", "pods", "--containers"));
      const byName = new Map(containers.map((c) => [`${c.POD}/${c.NAME}`, c]));
      assert.deepEqual([...byName.keys()].sort(), ["busy/spin", "idle/sidecar", "idle/sleeper"]);
      assert.ok(millicores(byName.get("busy/spin")?.["CPU(cores)"]) >= 50);

      const all = topRows(await cluster.kubectl("top", "pods", "-A"));
      assert.ok(all.some((r) => r.NAMESPACE === "default" && r.NAME === "busy"));

      const selected = topRows(await cluster.kubectl("top", "pods", "-l", "app=idle"));
      assert.deepEqual(
        selected.map((r) => r.NAME),
        ["idle"],
      );
    });

    test("kubectl top nodes shows the node's usage against its allocatable", async () => {
      const row = await eventually("the node in kubectl top nodes", async () =>
        topRows(await cluster.kubectl("top", "nodes")).find((r) => r.NAME === cluster.nodeName),
      );
      assert.ok(millicores(row["CPU(cores)"]) > 0, `cpu ${row["CPU(cores)"]}`);
      assert.match(row["CPU(%)"] ?? "", /^\d+%$/);
      assert.ok(mebibytes(row["MEMORY(bytes)"]) > 0);
    });

    test("the kubelet serves /stats/summary and /metrics/resource from the cgroups", async () => {
      const node = JSON.parse(await cluster.kubectl("get", "node", cluster.nodeName, "-o", "json")) as Node;
      const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
      const summaryRes = await kubeletGet(cluster.server.kubeconfig, "127.0.0.1", port, "/stats/summary");
      assert.equal(summaryRes.status, 200);
      const summary = JSON.parse(summaryRes.body) as Summary;
      assert.equal(summary.node.nodeName, cluster.nodeName);
      assert.ok((summary.node.cpu?.usageCoreNanoSeconds ?? 0) > 0);
      assert.ok((summary.node.memory?.workingSetBytes ?? 0) > 0);
      const busy = summary.pods.find((p) => p.podRef.name === "busy");
      assert.ok(busy, "busy pod in the summary");
      assert.equal(busy.podRef.namespace, "default");
      assert.deepEqual(
        busy.containers.map((c) => c.name),
        ["spin"],
      );
      assert.ok((busy.containers[0]?.cpu?.usageCoreNanoSeconds ?? 0) > 0);
      assert.ok((busy.containers[0]?.memory?.workingSetBytes ?? 0) > 0);
      // The rate since the kubelet's previous collection (the metrics API scrapes every second here).
      const nanocores = busy.containers[0]?.cpu?.usageNanoCores ?? 0;
      assert.ok(nanocores >= 20e6 && nanocores <= 400e6, `busy usageNanoCores ${nanocores}`);
      assert.ok(
        (busy.cpu?.usageCoreNanoSeconds ?? 0) >= (busy.containers[0]?.cpu?.usageCoreNanoSeconds ?? 0),
      );
      // The pod's own network namespace: eth0 from the CNI bridge.
      assert.equal(busy.network?.name, "eth0");
      assert.ok((busy.network?.rxBytes ?? -1) >= 0);

      const metrics = await kubeletGet(cluster.server.kubeconfig, "127.0.0.1", port, "/metrics/resource");
      assert.equal(metrics.status, 200);
      const sample = parseResourceMetrics(metrics.body, Date.now());
      assert.ok((sample.nodeCpu?.value ?? 0) > 0);
      assert.ok((sample.containers.get("default/busy/spin")?.cpu?.value ?? 0) > 0);
      assert.equal(sample.scrapeError, false);
      assert.match(
        metrics.body,
        /^pod_memory_working_set_bytes\{namespace="default",pod="idle"\} \d+ \d{13}$/m,
      );

      const anonymous = await kubeletGet(undefined, "127.0.0.1", port, "/metrics/resource");
      assert.equal(anonymous.status, 401);
    });
  });
}
