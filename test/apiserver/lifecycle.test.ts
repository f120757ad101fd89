// Object lifecycle against `skiff server` with the real kubectl 1.32 (and 1.20 where present):
// graceful pod deletion, eviction with PodDisruptionBudgets (drain), binding, namespace
// termination with its content removed by the namespace controller, and the errors of the
// subresources that need a node agent.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { kubectlBinary } from "../support/kubectl.ts";
import { SkiffServer } from "../support/skiff-server.ts";

// Controllers run (the namespace controller finishes terminations); the scheduler does not, so
// pods stay where the tests put them.
const server = new SkiffServer();
before(async () => {
  await server.start(["--disable-scheduler"]);
  await ok("apply", "-f", file("node.yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: node1}\n"));
});
after(async () => {
  assert.equal(await server.stop(), 0, "server exits cleanly on SIGTERM");
});

function file(name: string, text: string): string {
  const path = join(server.dir.path, name);
  writeFileSync(path, text);
  return path;
}

async function ok(...args: string[]): Promise<string> {
  const r = await server.kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}\n${r.stderr}`);
  return r.stdout;
}

async function fails(...args: string[]): Promise<string> {
  const r = await server.kubectl(args);
  assert.notEqual(r.code, 0, `kubectl ${args.join(" ")} should fail\n${r.stdout}`);
  return r.stderr;
}

function pod(name: string, options: { nodeName?: string; namespace?: string; labels?: string } = {}): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${options.namespace ?? "default"}, labels: {${options.labels ?? ""}}}
spec:
  ${options.nodeName ? `nodeName: ${options.nodeName}` : ""}
  containers: [{name: c, image: nginx}]
`;
}

async function field(kind: string, name: string, path: string, ns = "default"): Promise<string> {
  return ok("-n", ns, "get", kind, name, "-o", `jsonpath={${path}}`);
}

test("delete: unscheduled pods go at once; scheduled pods turn Terminating and may only be shortened", async () => {
  await ok("apply", "-f", file("p1.yaml", `${pod("free")}---\n${pod("bound", { nodeName: "node1" })}`));
  assert.match(await ok("delete", "pod", "free"), /pod "free" deleted/);
  await fails("get", "pod", "free");

  // kubectl waits for DELETED; nothing finishes a graceful deletion without a node agent.
  const waited = await server.kubectl(["delete", "pod", "bound", "--timeout=2s"]);
  assert.notEqual(waited.code, 0);
  assert.match(waited.stdout, /pod "bound" deleted/);
  assert.match(waited.stderr, /timed out waiting/);
  assert.match(await ok("get", "pod", "bound"), /^bound\s+0\/1\s+Terminating\s/m);
  assert.equal(await field("pod", "bound", ".metadata.deletionGracePeriodSeconds"), "30");
  const first = Date.parse(await field("pod", "bound", ".metadata.deletionTimestamp"));

  await ok("delete", "pod", "bound", "--grace-period=90", "--wait=false");
  assert.equal(await field("pod", "bound", ".metadata.deletionGracePeriodSeconds"), "30", "never lengthened");
  await ok("delete", "pod", "bound", "--grace-period=5", "--wait=false");
  assert.equal(await field("pod", "bound", ".metadata.deletionGracePeriodSeconds"), "5");
  assert.equal(Date.parse(await field("pod", "bound", ".metadata.deletionTimestamp")), first - 25_000);

  // Updates keep the deletion fields; clients cannot clear them.
  await ok("label", "pod", "bound", "x=y");
  assert.equal(await field("pod", "bound", ".metadata.deletionGracePeriodSeconds"), "5");

  const forced = await server.kubectl(["delete", "pod", "bound", "--grace-period=0", "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /pod "bound" force deleted/);
  await fails("get", "pod", "bound");
});

test("delete: finished pods go at once even when scheduled", async () => {
  await ok("apply", "-f", file("p2.yaml", pod("done", { nodeName: "node1" })));
  await ok(
    "patch",
    "pod",
    "done",
    "--subresource=status",
    "--type=merge",
    "-p",
    '{"status":{"phase":"Succeeded"}}',
  );
  assert.match(await ok("delete", "pod", "done", "--timeout=20s"), /pod "done" deleted/);
  await fails("get", "pod", "done");
});

async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail("condition not reached in time");
}

test("drain: eviction refused (429) by a PodDisruptionBudget with no room, allowed once it has", async () => {
  await ok("apply", "-f", file("p3.yaml", pod("web-1", { nodeName: "node1", labels: "app: web" })));
  await ok(
    "patch",
    "pod",
    "web-1",
    "--subresource=status",
    "--type=merge",
    "-p",
    '{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}',
  );
  await ok(
    "apply",
    "-f",
    file(
      "pdb.yaml",
      "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: web}}\n",
    ),
  );
  // The disruption controller computes the budget: one healthy pod, minAvailable 1 → no room.
  await eventually(async () => (await field("pdb", "web", ".status.currentHealthy")) === "1");
  assert.equal(await field("pdb", "web", ".status.disruptionsAllowed"), "0");
  const refused = await server.kubectl(["drain", "node1", "--force", "--timeout=3s"]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stdout, /node\/node1 cordoned/);
  assert.match(refused.stderr, /Cannot evict pod as it would violate the pod's disruption budget\./);
  assert.equal(await field("node", "node1", ".spec.unschedulable"), "true");
  assert.equal(await field("pod", "web-1", ".metadata.deletionTimestamp"), "");

  await ok("patch", "pdb", "web", "--type=merge", "-p", '{"spec":{"minAvailable":0}}');
  await eventually(async () => (await field("pdb", "web", ".status.disruptionsAllowed")) === "1");
  // The eviction is accepted; the drain then waits for a node agent that does not exist.
  const evicted = await server.kubectl(["drain", "node1", "--force", "--timeout=3s"]);
  assert.match(evicted.stdout, /evicting pod default\/web-1/);
  assert.doesNotMatch(evicted.stderr, /disruption budget/);
  assert.match(await ok("get", "pod", "web-1"), /Terminating/);
  await ok("delete", "pod", "web-1", "--grace-period=0", "--force");
});

test("binding assigns a node once; 409 when already bound", async () => {
  await ok("apply", "-f", file("p4.yaml", pod("tobind")));
  const binding = (node: string) =>
    JSON.stringify({
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: "tobind" },
      target: { kind: "Node", name: node },
    });
  const path = "/api/v1/namespaces/default/pods/tobind/binding";
  const bound = await server.kubectl(["create", "--raw", path, "-f", "-"], { input: binding("node1") });
  assert.equal(bound.code, 0, bound.stderr);
  assert.equal(JSON.parse(bound.stdout).status, "Success");
  assert.equal(await field("pod", "tobind", ".spec.nodeName"), "node1");
  assert.equal(await field("pod", "tobind", '.status.conditions[?(@.type=="PodScheduled")].status'), "True");
  const again = await server.kubectl(["create", "--raw", path, "-f", "-"], { input: binding("node2") });
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /pod tobind is already assigned to node \\?"node1\\?"/);
  await ok("delete", "pod", "tobind", "--grace-period=0", "--force");
});

test("namespace delete removes its content, then the namespace; creates while terminating are 403", async () => {
  const content = `apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team}
data: {a: b}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
---
${pod("loose", { namespace: "team" })}---
${pod("held", { namespace: "team", nodeName: "node1" })}`;
  await ok("apply", "-f", file("team.yaml", content));
  assert.match(await ok("delete", "ns", "team", "--wait=false"), /namespace "team" deleted/);
  assert.match(await ok("get", "ns", "team"), /^team\s+Terminating\s/m);
  assert.equal(await field("ns", "team", ".spec.finalizers[0]"), "kubernetes");

  const late = await fails(
    "apply",
    "-f",
    file("late.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late, namespace: team}\n"),
  );
  assert.match(
    late,
    /Error from server \(Forbidden\): error when creating ".*late.yaml": configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated/,
  );
  const missing = await fails(
    "apply",
    "-f",
    file("missing.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: nowhere}\n"),
  );
  assert.match(missing, /namespaces "nowhere" not found/);

  // The controller removes what it can at once; the scheduled pod waits for its node agent.
  for (
    let i = 0;
    i < 50 && (await ok("-n", "team", "get", "cm,deploy,pods", "-o", "name")).includes("configmap");
    i++
  ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await ok("-n", "team", "get", "cm,deploy", "-o", "name")).trim(), "");
  assert.match(await ok("-n", "team", "get", "pods"), /^held\s+0\/1\s+Terminating\s/m);
  // What a node agent would do: finish the graceful deletion. The namespace then goes.
  await ok("-n", "team", "delete", "pod", "held", "--grace-period=0", "--force");
  const gone = await server.kubectl(["wait", "--for=delete", "ns/team", "--timeout=40s"]);
  assert.equal(gone.code, 0, gone.stderr);
  await fails("get", "ns", "team");
});

test("namespace delete waits for DELETED with kubectl's default --wait", async () => {
  await ok(
    "apply",
    "-f",
    file(
      "quick.yaml",
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: quick}\n---\n${pod("p", { namespace: "quick" })}`,
    ),
  );
  assert.match(await ok("delete", "ns", "quick", "--timeout=30s"), /namespace "quick" deleted/);
  await fails("get", "ns", "quick");
});

test("the namespaces every cluster starts with cannot be deleted", async () => {
  for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    const stderr = await fails("delete", "ns", ns);
    assert.match(
      stderr,
      new RegExp(
        `Error from server \\(Forbidden\\): namespaces "${ns}" is forbidden: this namespace may not be deleted`,
      ),
    );
  }
});

test("node-agent subresources answer clear errors instead of 404", async () => {
  await ok("apply", "-f", file("p5.yaml", `${pod("pending")}---\n${pod("placed", { nodeName: "node1" })}`));
  assert.match(
    await fails("logs", "pending"),
    /Error from server \(BadRequest\): pod pending does not have a host assigned/,
  );
  // The pod's node has no kubelet address: the API server says so instead of dialing nowhere.
  const agent = /node "node1" has no address to reach its kubelet/;
  assert.match(
    await fails("logs", "placed"),
    /Error from server \(BadRequest\): node "node1" has no address to reach its kubelet/,
  );
  assert.match(await fails("logs", "placed", "-c", "nope"), /container nope is not valid for pod placed/);
  assert.match(await fails("exec", "placed", "--", "true"), agent);
  const spdy = await server.kubectl(["exec", "placed", "--", "true"], {
    env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false" },
  });
  assert.match(spdy.stderr, agent);
  assert.match(await fails("exec", "pending", "--", "true"), /pod pending does not have a host assigned/);
  assert.match(
    await fails("get", "--raw", "/api/v1/nodes/node1/proxy/stats"),
    /no node agent serves node "node1" yet/,
  );
  assert.match(
    await fails("get", "--raw", "/api/v1/namespaces/default/services/kubernetes/proxy/"),
    /ServiceUnavailable\): no node agent can reach the endpoints of service "kubernetes" yet/,
  );
  await ok("create", "service", "clusterip", "lonely", "--tcp=80");
  assert.match(
    await fails("get", "--raw", "/api/v1/namespaces/default/services/lonely/proxy/"),
    /ServiceUnavailable\): no endpoints available for service "lonely"/,
  );
  await ok(
    "patch",
    "pod",
    "placed",
    "--subresource=status",
    "--type=merge",
    "-p",
    '{"status":{"phase":"Running"}}',
  );
  const forward = await server.kubectl(["port-forward", "pod/placed", "0:80"]);
  assert.notEqual(forward.code, 0);
  assert.match(forward.stderr, /node "node1" has no address to reach its kubelet/);
  await ok("delete", "pod", "pending", "placed", "--grace-period=0", "--force");
});

test("kubectl 1.20: graceful delete and policy/v1beta1-era drain", async () => {
  const kubectl120 = kubectlBinary("1.20");
  const { execFile } = await import("node:child_process");
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        kubectl120,
        ["--kubeconfig", server.kubeconfig, ...args],
        { timeout: 60_000 },
        (err, stdout, stderr) => {
          done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
        },
      );
    });
  await ok("apply", "-f", file("p6.yaml", pod("old-client", { nodeName: "node1", labels: "app: old" })));
  await ok(
    "patch",
    "pod",
    "old-client",
    "--subresource=status",
    "--type=merge",
    "-p",
    '{"status":{"phase":"Running"}}',
  );
  const drained = await run(["drain", "node1", "--force", "--timeout=3s"]);
  assert.match(drained.stdout, /evicting pod default\/old-client/);
  assert.match(await ok("get", "pod", "old-client"), /Terminating/);
  const forced = await run(["delete", "pod", "old-client", "--grace-period=0", "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  await fails("get", "pod", "old-client");
});
