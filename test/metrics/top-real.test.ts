// `kubectl top` on a real node (test slot 3: containerd, then runc on the same slot, one after the
// other): a busy-loop container shows CPU, an idle one almost none; /stats/summary and
// /metrics/resource answer from the pods' cgroups. On runc, the dashboard in real Chromium follows
// a real container's log as it grows and runs commands in its terminal.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Node } from "kubernetes-types/core/v1.js";
import { parseResourceMetrics } from "../../src/apiserver/metricsapi/prometheus.ts";
import type { Summary } from "../../src/kubelet/stats/summary.ts";
import { artifactsDir, buildDashboard, goto, launchChromium, screenshot } from "../dashboard/browser.ts";
import { busybox, type NodeCluster, startNodeCluster } from "../kubelet/agent-support.ts";
import { tempDir } from "../support/tempdir.ts";
import { eventually, kubeletGet, mebibytes, millicores, topRows } from "./support.ts";

// The API server scrapes kubelets every second in this file (default 15 s).
process.env.SKIFF_METRIC_RESOLUTION = "1s";
// The servers of this file serve a dashboard built for it.
const dashboardBuild = tempDir("skiff-dashboard-build-");
buildDashboard(dashboardBuild.path);
process.env.SKIFF_DASHBOARD_DIR = dashboardBuild.path;
after(() => dashboardBuild.remove());

const talker = `
apiVersion: v1
kind: Pod
metadata: {name: talker}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: talk
    image: ${busybox}
    command: ["sh", "-c", "i=0; trap 'exit 0' TERM; while :; do echo tick $i; i=$((i+1)); sleep 0.3; done"]
`;

/** The dashboard's log view and terminal against a pod of a real runtime. */
async function dashboardLogsAndTerminal(cluster: NodeCluster): Promise<void> {
  await cluster.apply(talker);
  await cluster.waitPod("talker", (p) => p.status?.phase === "Running", "running");
  const token = (
    await cluster.kubectl("create", "token", "skiff-dashboard-admin", "-n", "kube-system")
  ).trim();
  const login = `#token=${encodeURIComponent(token)}`;
  const shots = artifactsDir("dashboard-real");
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const base = `${cluster.server.url}/dashboard/pods/default/talker`;
    await goto(page, `${base}/logs?container=talk${login}`);
    await page.locator(".logs .stream-state[data-state=following]").waitFor();
    const log = page.locator(".logs pre.log");
    await log.filter({ hasText: /\btick 2\b/ }).waitFor({ timeout: 30_000 });
    // Lines written after the view opened keep arriving on the same followed stream.
    const shown = ((await log.textContent()) ?? "").match(/tick (\d+)/g) ?? [];
    const last = Number(shown.at(-1)?.split(" ")[1] ?? 0);
    await log.filter({ hasText: new RegExp(`\\btick ${last + 5}\\b`) }).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator(".logs .stream-state").getAttribute("data-state"), "following");
    await screenshot(page, shots, "logs-follow");

    await goto(page, `${base}/exec?container=talk${login}`);
    await page.locator(".terminal .stream-state", { hasText: /^connected/ }).waitFor({ timeout: 30_000 });
    const stdin = page.locator(".terminal input.stdin");
    await stdin.fill("echo answer-$((6*7)) from $(hostname)");
    await stdin.press("Enter");
    await page
      .locator(".terminal pre.log", { hasText: "answer-42 from talker" })
      .waitFor({ timeout: 30_000 });
    await screenshot(page, shots, "terminal");
    await stdin.fill("exit 0");
    await stdin.press("Enter");
    await page.locator(".terminal .stream-state", { hasText: /^exited$/ }).waitFor({ timeout: 30_000 });
  } finally {
    await browser.close();
  }
  await cluster.kubectl("delete", "pod", "talker", "--wait=true");
}

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

    if (runtime === "runc")
      test("the dashboard follows a container's log as it grows and runs commands in its terminal", () =>
        dashboardLogsAndTerminal(cluster));
  });
}
