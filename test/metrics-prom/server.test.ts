// Prometheus metrics from a running `skiff server` (whole control plane plus an embedded agent on
// the fake runtime), read with real kubectl 1.32 (`get --raw /metrics`) and from the kubelet
// server, parsed strictly: the named series exist with sensible values, RBAC guards /metrics.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { SkiffServer } from "../support/skiff-server.ts";
import { type ParsedFamily, parseExposition, samplesOf, sumOf } from "./expfmt.ts";

const server = new SkiffServer({ agent: true, runtime: "fake" });

before(async () => {
  const file = join(server.dir.path, "tokens.csv");
  writeFileSync(file, "nobody-token,nobody,2001,\nprom-token,prometheus,2002,system:monitoring\n");
  await server.start(["--token-auth-file", file]);
});
after(async () => {
  await server.stop();
});

async function ok(args: string[]): Promise<string> {
  const r = await server.kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

async function scrape(): Promise<Map<string, ParsedFamily>> {
  return parseExposition(await ok(["get", "--raw", "/metrics"]));
}

async function until<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`never: ${what}`);
}

const requests = "apiserver_request_total";

test("API server, store, scheduler, workqueue, kubelet and process series after some traffic", async () => {
  // The root CA publisher creates kube-root-ca.crt in every namespace shortly after start; its
  // POSTs would count in the delta below if the first scrape came before it finished.
  await until("kube-root-ca.crt in every namespace", async () => {
    const namespaces = (await ok(["get", "namespaces", "-o", "name"])).trim().split("\n").length;
    const published = await ok([
      "get",
      "configmaps",
      "-A",
      "--field-selector=metadata.name=kube-root-ca.crt",
      "-o",
      "name",
    ]);
    return published.trim().split("\n").filter(Boolean).length >= namespaces ? true : undefined;
  });
  const before = await scrape();
  await ok(["create", "configmap", "m1", "--from-literal=a=b"]);
  await ok(["get", "configmaps"]);
  await ok(["get", "configmap", "m1"]);
  await ok(["delete", "configmap", "m1"]);
  await ok(["create", "deployment", "web", "--image=nginx:1.27", "--replicas=2"]);
  await until("two pods Running", async () => {
    const out = await ok(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.phase}"]);
    return out.split(" ").filter((p) => p === "Running").length === 2 ? true : undefined;
  });
  const after = await until("the pod start histogram has both pods", async () => {
    const f = await scrape();
    return sumOf(f, "kubelet_pod_start_duration_seconds", {}, "kubelet_pod_start_duration_seconds_count") >= 2
      ? f
      : undefined;
  });

  const delta = (labels: Record<string, string>) =>
    sumOf(after, requests, labels) - sumOf(before, requests, labels);
  const cm = { group: "", version: "v1", resource: "configmaps", component: "apiserver" };
  assert.equal(delta({ ...cm, verb: "POST", code: "201", scope: "resource" }), 1);
  assert.equal(delta({ ...cm, verb: "LIST", code: "200", scope: "namespace" }), 1);
  // The agent also GETs kube-root-ca.crt for the pods' service account token volumes.
  assert.ok(delta({ ...cm, verb: "GET", code: "200", scope: "resource" }) >= 1);
  assert.equal(delta({ ...cm, verb: "DELETE", code: "200", scope: "resource" }), 1);
  assert.ok(delta({ verb: "POST", resource: "deployments", group: "apps", code: "201" }) >= 1);
  assert.ok(delta({ verb: "GET", resource: "", code: "200" }) >= 1, "the /metrics scrape itself");
  for (const s of samplesOf(after, requests)) assert.ok(s.value >= 1 && Number.isInteger(s.value));

  const dur = "apiserver_request_duration_seconds";
  assert.equal(after.get(dur)?.type, "histogram");
  assert.ok(sumOf(after, dur, { verb: "POST", resource: "configmaps" }, `${dur}_count`) >= 1);
  assert.equal(samplesOf(after, dur, { verb: "WATCH" }, `${dur}_count`).length, 0, "WATCH is not timed");
  // Controllers and the scheduler run in-process and keep watches open.
  assert.ok(sumOf(after, "apiserver_longrunning_requests", { verb: "WATCH" }) >= 3);
  assert.ok(sumOf(after, "apiserver_current_inflight_requests", { request_kind: "readOnly" }) >= 1);
  assert.ok(sumOf(after, "apiserver_watch_events_total", { resource: "pods" }) >= 2);

  const etcd = "etcd_request_duration_seconds";
  assert.ok(sumOf(after, etcd, { operation: "create", type: "configmaps" }, `${etcd}_count`) >= 1);
  assert.ok(sumOf(after, etcd, { operation: "create", type: "deployments.apps" }, `${etcd}_count`) >= 1);
  assert.ok(sumOf(after, "apiserver_storage_objects", { resource: "namespaces" }) >= 4);

  assert.ok(
    sumOf(after, "scheduler_schedule_attempts_total", {
      result: "scheduled",
      profile: "default-scheduler",
    }) >= 2,
  );
  const attempt = "scheduler_scheduling_attempt_duration_seconds";
  assert.ok(sumOf(after, attempt, { result: "scheduled" }, `${attempt}_count`) >= 2);
  const sli = "scheduler_pod_scheduling_sli_duration_seconds";
  assert.ok(sumOf(after, sli, {}, `${sli}_count`) >= 2);
  assert.equal(samplesOf(after, "scheduler_pending_pods").length, 4);

  for (const name of ["deployment-controller", "replicaset-controller"]) {
    assert.ok(sumOf(after, "workqueue_adds_total", { name }) >= 1, name);
    const work = "workqueue_work_duration_seconds";
    assert.ok(sumOf(after, work, { name }, `${work}_count`) >= 1, name);
    assert.equal(samplesOf(after, "workqueue_depth", { name }).length, 1);
  }

  assert.ok(sumOf(after, "kubelet_runtime_operations_total", { operation_type: "run_podsandbox" }) >= 2);
  assert.ok(sumOf(after, "kubelet_running_pods") >= 2);
  assert.ok(sumOf(after, "kubelet_running_containers", { container_state: "running" }) >= 2);

  assert.ok(sumOf(after, "process_cpu_seconds_total") > 0);
  assert.ok(sumOf(after, "process_resident_memory_bytes") > 10e6);
  assert.ok(sumOf(after, "process_open_fds") > 0);
  assert.ok(sumOf(after, "nodejs_heap_size_used_bytes") > 0);
  assert.ok(samplesOf(after, "nodejs_eventloop_lag_p99_seconds").length === 1);
});

test("/metrics needs RBAC: 403 without it, 200 for group system:monitoring", async () => {
  const denied = await server.kubectl(["--token", "nobody-token", "get", "--raw", "/metrics"]);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /Forbidden/);
  const prom = await server.kubectl(["--token", "prom-token", "get", "--raw", "/metrics"]);
  assert.equal(prom.code, 0, prom.stderr);
  assert.ok(parseExposition(prom.stdout).has("apiserver_request_total"));
  const f = await scrape();
  assert.ok(sumOf(f, requests, { verb: "GET", resource: "", code: "403" }) >= 1);
});

interface KubeconfigUser {
  users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
}

function kubeletGet(
  port: number,
  path: string,
  withCert: boolean,
): Promise<{ status: number; body: string }> {
  const kc = parseYaml(readFileSync(server.kubeconfig, "utf8")) as KubeconfigUser;
  const user = kc.users[0]?.user;
  assert.ok(user);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        // The kubelet's serving certificate is self-signed; the client certificate is what matters here.
        rejectUnauthorized: false,
        ...(withCert
          ? {
              cert: Buffer.from(user["client-certificate-data"], "base64"),
              key: Buffer.from(user["client-key-data"], "base64"),
            }
          : {}),
      },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

test("the kubelet server's /metrics parses and has the kubelet series; anonymous callers get 401", async () => {
  const port = Number(
    await ok(["get", "nodes", "-o", "jsonpath={.items[0].status.daemonEndpoints.kubeletEndpoint.Port}"]),
  );
  assert.ok(port > 0);
  const anonymous = await kubeletGet(port, "/metrics", false);
  assert.equal(anonymous.status, 401);
  const r = await kubeletGet(port, "/metrics", true);
  assert.equal(r.status, 200);
  const f = parseExposition(r.body);
  assert.ok(sumOf(f, "kubelet_runtime_operations_total", { operation_type: "create_container" }) >= 2);
  const ops = "kubelet_runtime_operations_duration_seconds";
  assert.ok(sumOf(f, ops, { operation_type: "start_container" }, `${ops}_count`) >= 2);
  assert.ok(
    sumOf(f, "kubelet_pod_start_duration_seconds", {}, "kubelet_pod_start_duration_seconds_count") >= 2,
  );
  assert.ok(sumOf(f, "kubelet_running_pods") >= 2);
  assert.ok(sumOf(f, "process_start_time_seconds") > 1.6e9);
});
